import { RagEmbedderError } from './rag-embedder.interface';
import { WordPieceTokenizer } from './wordpiece-tokenizer';

const TOKENS = ['[PAD]', '[UNK]', '[CLS]', '[SEP]', '[MASK]', 'un', '##aff', '##able', 'hello', 'keys', ',', 'the', 'a', '##b', '日', '本'];
const VOCAB = Object.fromEntries(TOKENS.map((token, id) => [token, id]));
const id = (token: string): number => VOCAB[token];

function tokenizerJson(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    normalizer: { type: 'BertNormalizer', clean_text: true, handle_chinese_chars: true, strip_accents: null, lowercase: true },
    pre_tokenizer: { type: 'BertPreTokenizer' },
    post_processor: {
      type: 'TemplateProcessing',
      single: [{ SpecialToken: { id: '[CLS]', type_id: 0 } }, { Sequence: { id: 'A', type_id: 0 } }, { SpecialToken: { id: '[SEP]', type_id: 0 } }],
      special_tokens: { '[CLS]': { id: '[CLS]', ids: [id('[CLS]')] }, '[SEP]': { id: '[SEP]', ids: [id('[SEP]')] } },
    },
    model: { type: 'WordPiece', unk_token: '[UNK]', continuing_subword_prefix: '##', max_input_chars_per_word: 100, vocab: VOCAB },
    ...overrides,
  };
}

const tokens = (tokenizer: WordPieceTokenizer, text: string): string[] => tokenizer.tokenize(text).map((tokenId) => TOKENS[tokenId]);

describe('WordPieceTokenizer', () => {
  const tokenizer = new WordPieceTokenizer(tokenizerJson());

  it('splits a word greedily into the longest pieces the vocabulary has', () => {
    expect(tokens(tokenizer, 'unaffable')).toEqual(['un', '##aff', '##able']);
  });

  it('lowercases and strips accents like BERT (strip_accents null with lowercase)', () => {
    expect(tokens(tokenizer, 'Héllo HELLO')).toEqual(['hello', 'hello']);
    const keepsAccents = new WordPieceTokenizer(
      tokenizerJson({ normalizer: { type: 'BertNormalizer', strip_accents: false, lowercase: true } }),
    );
    expect(tokens(keepsAccents, 'Héllo')).toEqual(['[UNK]']);
  });

  it('makes every punctuation character a token of its own and drops control characters', () => {
    expect(tokens(tokenizer, 'keys,the')).toEqual(['keys', ',', 'the']);
    expect(tokens(tokenizer, ' keys\u0000\u200b,\tthe\n')).toEqual(['keys', ',', 'the']);
  });

  it('pads CJK characters with spaces so each is a word', () => {
    expect(tokens(tokenizer, 'hello日本')).toEqual(['hello', '日', '本']);
  });

  it('turns a word with an unmatched piece, or a word over max_input_chars_per_word, into one [UNK]', () => {
    expect(tokens(tokenizer, 'unaffablex hello')).toEqual(['[UNK]', 'hello']);
    expect(tokens(tokenizer, 'ab')).toEqual(['a', '##b']);
    expect(tokens(tokenizer, `a${'b'.repeat(100)}`)).toEqual(['[UNK]']);
    expect(tokens(tokenizer, `a${'b'.repeat(99)}`)).toHaveLength(100);
  });

  it('frames the text with [CLS] and [SEP] and answers ids, mask and token types', () => {
    expect(tokenizer.encode('Hello, keys', 64)).toEqual({
      inputIds: [id('[CLS]'), id('hello'), id(','), id('keys'), id('[SEP]')],
      attentionMask: [1, 1, 1, 1, 1],
      tokenTypeIds: [0, 0, 0, 0, 0],
    });
    expect(tokenizer.padId).toBe(0);
  });

  it('reads the framing from BertProcessing, or falls back to [CLS]/[SEP]', () => {
    const bert = new WordPieceTokenizer(tokenizerJson({ post_processor: { type: 'BertProcessing', cls: ['[MASK]', id('[MASK]')], sep: ['[SEP]', id('[SEP]')] } }));
    expect(bert.encode('hello', 8).inputIds).toEqual([id('[MASK]'), id('hello'), id('[SEP]')]);
    const none = new WordPieceTokenizer(tokenizerJson({ post_processor: null }));
    expect(none.encode('hello', 8).inputIds).toEqual([id('[CLS]'), id('hello'), id('[SEP]')]);
  });

  it('truncates to the maximum length and keeps the closing [SEP]', () => {
    const encoding = tokenizer.encode('hello keys the a hello keys the a', 5);
    expect(encoding.inputIds).toEqual([id('[CLS]'), id('hello'), id('keys'), id('the'), id('[SEP]')]);
    expect(encoding.attentionMask).toHaveLength(5);
  });

  it('tokenises a long text segment by segment exactly as word by word (accents, final sigma, CJK at the cuts)', () => {
    const words = Array.from({ length: 3000 }, (_, i) => ['Héllo', 'ΟΔΟΣ', 'hello日本', 'unaffable', 'keys,the', 'x\u0301'][i % 6]);
    const text = words.join(' ');
    expect(text.length).toBeGreaterThan(3 * 4096);
    expect(tokenizer.tokenize(text)).toEqual(words.flatMap((word) => tokenizer.tokenize(word)));
    expect(tokenizer.tokenize(text, 100)).toEqual(tokenizer.tokenize(text).slice(0, 100));
  });

  // Each word is 'a' + 99 × 'b': 100 pieces, each found only after trying every longer candidate first.
  const adversarial = `a${'b'.repeat(99)} `.repeat(10_000);

  /** Runs `work` allowing at most `budget` vocabulary lookups (Map#get): a bound on work, not on time, that fails fast when broken. */
  function withinLookups<T>(budget: number, work: () => T): T {
    const get = Map.prototype.get;
    let count = 0;
    Map.prototype.get = function (this: Map<unknown, unknown>, key: unknown): unknown {
      if (++count > budget) throw new Error(`more than ${budget} vocabulary lookups`);
      return get.call(this, key);
    };
    try {
      return work();
    } finally {
      Map.prototype.get = get;
    }
  }

  it('stops at the maximum length: a 1 MB text of long words encodes with the lookups of 126 tokens', () => {
    const encoding = withinLookups(126 * 10, () => tokenizer.encode(adversarial, 128));
    expect(encoding.inputIds).toEqual([id('[CLS]'), id('a'), ...Array.from({ length: 99 }, () => id('##b')), id('a'), ...Array.from({ length: 25 }, () => id('##b')), id('[SEP]')]);
  });

  it('never tries a piece longer than the vocabulary\'s longest entry: at most a few lookups per token of that text', () => {
    expect(withinLookups(1_000_000 * 10, () => tokenizer.tokenize(adversarial))).toHaveLength(1_000_000);
  }, 30_000);

  it('turns a word of a million characters into one [UNK] without reading past max_input_chars_per_word', () => {
    expect(tokens(tokenizer, `${'b'.repeat(1_000_000)} hello`)).toEqual(['[UNK]', 'hello']);
  }, 5_000);

  it('refuses a tokenizer that is not WordPiece, naming its type', () => {
    const unigram = (): WordPieceTokenizer => new WordPieceTokenizer(tokenizerJson({ model: { type: 'Unigram', vocab: [] } }));
    expect(unigram).toThrow(RagEmbedderError);
    expect(unigram).toThrow('tokenizer.json model type Unigram is not supported; local: models must use a WordPiece (BERT-family) tokenizer');
  });

  it('refuses normalizers and pre-tokenizers it would only approximate', () => {
    expect(() => new WordPieceTokenizer(tokenizerJson({ normalizer: { type: 'NFKC' } }))).toThrow('normalizer NFKC is not supported');
    expect(() => new WordPieceTokenizer(tokenizerJson({ pre_tokenizer: { type: 'Metaspace' } }))).toThrow('pre_tokenizer Metaspace is not supported');
  });
});
