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
