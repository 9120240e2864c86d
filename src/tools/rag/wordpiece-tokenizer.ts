import { RagEmbedderError } from './rag-embedder.interface';

/** One tokenized text, ready to become the `input_ids`, `attention_mask` and `token_type_ids` of a BERT model. */
export interface Encoding {
  readonly inputIds: number[];
  readonly attentionMask: number[];
  readonly tokenTypeIds: number[];
}

interface SpecialToken {
  readonly id: number;
  readonly typeId: number;
}

interface BertNormalizerOptions {
  readonly cleanText: boolean;
  readonly handleChineseChars: boolean;
  readonly stripAccents: boolean;
  readonly lowercase: boolean;
}

/** The parts of a Hugging Face `tokenizer.json` this tokenizer reads. */
interface TokenizerJson {
  normalizer?: { type?: unknown; clean_text?: unknown; handle_chinese_chars?: unknown; strip_accents?: unknown; lowercase?: unknown } | null;
  pre_tokenizer?: { type?: unknown } | null;
  post_processor?: {
    type?: unknown;
    single?: { SpecialToken?: { id?: unknown; type_id?: unknown }; Sequence?: { type_id?: unknown } }[];
    special_tokens?: Record<string, { ids?: unknown }>;
    cls?: unknown;
    sep?: unknown;
  } | null;
  model?: { type?: unknown; vocab?: unknown; unk_token?: unknown; continuing_subword_prefix?: unknown; max_input_chars_per_word?: unknown };
}

/** BERT's punctuation: the ASCII symbol ranges and every Unicode P* character. */
const PUNCTUATION = /^[!-/:-@[-`{-~\p{P}]$/u;
const COMBINING_MARK = /\p{Mn}/gu;
/** Control and format characters BERT's clean_text drops (tab, newline and carriage return are whitespace instead). */
const CONTROL = /[\0\uFFFD]|(?![\t\n\r])[\p{Cc}\p{Cf}\p{Co}\p{Cn}\p{Cs}]/gu;
const WHITESPACE = /\s/gu;
const CJK = /[\u{4E00}-\u{9FFF}\u{3400}-\u{4DBF}\u{20000}-\u{2A6DF}\u{2A700}-\u{2B73F}\u{2B740}-\u{2B81F}\u{2B820}-\u{2CEAF}\u{F900}-\u{FAFF}\u{2F800}-\u{2FA1F}]/gu;

/** Code units a segment of text is normalised in (longer when no space or newline comes sooner). */
const SEGMENT = 4096;

/** Where the segment from `start` ends: before the first ASCII space or newline at or after `start + SEGMENT`, else at the end. */
function segmentEnd(text: string, start: number): number {
  if (text.length - start <= SEGMENT) return text.length;
  const space = text.indexOf(' ', start + SEGMENT);
  const newline = text.indexOf('\n', start + SEGMENT);
  const cuts = [space, newline].filter((at) => at >= 0);
  return cuts.length > 0 ? Math.min(...cuts) : text.length;
}

/**
 * The BERT-family tokenizer of a Hugging Face `tokenizer.json` (BertNormalizer, BertPreTokenizer, WordPiece,
 * `[CLS] … [SEP]` framing), so a `local:` model gets the same token ids it was trained with and the server needs
 * no tokenizers package. Anything else (Unigram, BPE, other normalizers) is refused rather than approximated:
 * wrong ids would give embeddings that look fine and mean nothing.
 */
export class WordPieceTokenizer {
  private readonly vocab: Map<string, number>;
  private readonly unkId: number;
  private readonly prefix: string;
  private readonly maxCharsPerWord: number;
  /** UTF-16 lengths of the longest vocabulary entry (a word's first piece) and of the longest after the subword prefix (a later piece). */
  private readonly longestFirst: number = 0;
  private readonly longestLater: number = 0;
  private readonly normalizer?: BertNormalizerOptions;
  private readonly before: SpecialToken[];
  private readonly after: SpecialToken[];
  /** Id that pads a batch to its longest text (`[PAD]`, else 0). */
  readonly padId: number;

  constructor(json: unknown) {
    const spec = (json ?? {}) as TokenizerJson;
    const model = spec.model ?? {};
    if (model.type !== 'WordPiece') {
      throw new RagEmbedderError(
        `tokenizer.json model type ${String(model.type)} is not supported; local: models must use a WordPiece (BERT-family) tokenizer`,
      );
    }
    if (typeof model.vocab !== 'object' || model.vocab === null) throw new RagEmbedderError('tokenizer.json has no WordPiece vocab');
    this.vocab = new Map(Object.entries(model.vocab).filter((entry): entry is [string, number] => typeof entry[1] === 'number'));
    const unkToken = typeof model.unk_token === 'string' ? model.unk_token : '[UNK]';
    this.unkId = this.required(unkToken);
    this.prefix = typeof model.continuing_subword_prefix === 'string' ? model.continuing_subword_prefix : '##';
    this.maxCharsPerWord = typeof model.max_input_chars_per_word === 'number' ? model.max_input_chars_per_word : 100;
    for (const token of this.vocab.keys()) {
      this.longestFirst = Math.max(this.longestFirst, token.length);
      if (token.startsWith(this.prefix)) this.longestLater = Math.max(this.longestLater, token.length - this.prefix.length);
    }
    this.padId = this.vocab.get('[PAD]') ?? 0;
    this.normalizer = this.readNormalizer(spec.normalizer);
    const preTokenizer = spec.pre_tokenizer?.type;
    if (preTokenizer !== undefined && preTokenizer !== 'BertPreTokenizer') {
      throw new RagEmbedderError(`tokenizer.json pre_tokenizer ${String(preTokenizer)} is not supported (only BertPreTokenizer)`);
    }
    [this.before, this.after] = this.readFraming(spec.post_processor);
  }

  /** Token ids of `text` framed by the special tokens, cut to at most `maxLength` ids without losing the closing `[SEP]`. */
  encode(text: string, maxLength: number): Encoding {
    const room = Math.max(0, maxLength - this.before.length - this.after.length);
    const ids = this.tokenize(text, room);
    const framed = [...this.before, ...ids.map((id) => ({ id, typeId: 0 })), ...this.after];
    return {
      inputIds: framed.map((token) => token.id),
      attentionMask: framed.map(() => 1),
      tokenTypeIds: framed.map((token) => token.typeId),
    };
  }

  /**
   * WordPiece ids of `text`, without special tokens, at most `limit` of them. The text is normalised and split
   * a segment at a time and the work stops once `limit` ids exist, so a long text costs what its first `limit`
   * tokens cost, not its length. Segments end before an ASCII space or newline, where normalising the pieces
   * apart gives exactly what normalising the whole would (no character there is dropped, decomposed or cased).
   */
  tokenize(text: string, limit = Number.POSITIVE_INFINITY): number[] {
    const ids: number[] = [];
    for (let start = 0; start < text.length && ids.length < limit; ) {
      const end = segmentEnd(text, start);
      for (const word of this.preTokenize(this.normalize(text.slice(start, end)))) {
        ids.push(...this.wordPiece(word));
        if (ids.length >= limit) break;
      }
      start = end;
    }
    return ids.length > limit ? ids.slice(0, limit) : ids;
  }

  private normalize(text: string): string {
    const options = this.normalizer;
    if (!options) return text;
    let result = text;
    if (options.cleanText) result = result.replace(CONTROL, '').replace(WHITESPACE, ' ');
    if (options.handleChineseChars) result = result.replace(CJK, (char) => ` ${char} `);
    if (options.stripAccents) result = result.normalize('NFD').replace(COMBINING_MARK, '');
    if (options.lowercase) result = result.toLowerCase();
    return result;
  }

  /** Splits on whitespace and makes every punctuation character a word of its own. */
  private preTokenize(text: string): string[] {
    const words: string[] = [];
    for (const chunk of text.split(WHITESPACE)) {
      let word = '';
      for (const char of chunk) {
        if (!PUNCTUATION.test(char)) {
          word += char;
          continue;
        }
        if (word) words.push(word);
        words.push(char);
        word = '';
      }
      if (word) words.push(word);
    }
    return words;
  }

  /**
   * Greedy longest-match-first; a word with any unmatched part (or longer than max_input_chars_per_word) is one
   * unknown token. Candidates longer than the vocabulary's longest entry are never tried, so a word costs
   * O(length × longest entry) lookups, not O(length²).
   */
  private wordPiece(word: string): number[] {
    // Code-unit offsets of the word's characters (code points), counted no further than the limit.
    const offsets: number[] = [];
    for (let at = 0; at < word.length; at += (word.codePointAt(at) ?? 0) > 0xffff ? 2 : 1) {
      if (offsets.length === this.maxCharsPerWord) return [this.unkId];
      offsets.push(at);
    }
    offsets.push(word.length);
    const ids: number[] = [];
    for (let start = 0; start < offsets.length - 1; ) {
      let end = offsets.length - 1;
      const longest = start > 0 ? this.longestLater : this.longestFirst;
      while (end > start && offsets[end] - offsets[start] > longest) end--;
      let id: number | undefined;
      for (; end > start; end--) {
        id = this.vocab.get((start > 0 ? this.prefix : '') + word.slice(offsets[start], offsets[end]));
        if (id !== undefined) break;
      }
      if (id === undefined) return [this.unkId];
      ids.push(id);
      start = end;
    }
    return ids;
  }

  private readNormalizer(normalizer: TokenizerJson['normalizer']): BertNormalizerOptions | undefined {
    if (!normalizer) return undefined;
    if (normalizer.type !== 'BertNormalizer') {
      throw new RagEmbedderError(`tokenizer.json normalizer ${String(normalizer.type)} is not supported (only BertNormalizer)`);
    }
    const lowercase = normalizer.lowercase !== false;
    return {
      cleanText: normalizer.clean_text !== false,
      handleChineseChars: normalizer.handle_chinese_chars !== false,
      // BERT's rule: null means "strip accents when lowercasing".
      stripAccents: normalizer.strip_accents === true || (normalizer.strip_accents == null && lowercase),
      lowercase,
    };
  }

  /** The special tokens before and after the text: from TemplateProcessing or BertProcessing, else `[CLS]` and `[SEP]`. */
  private readFraming(processor: TokenizerJson['post_processor']): [SpecialToken[], SpecialToken[]] {
    if (processor?.type === 'TemplateProcessing' && Array.isArray(processor.single)) {
      const before: SpecialToken[] = [];
      const after: SpecialToken[] = [];
      let seenSequence = false;
      for (const piece of processor.single) {
        if (piece.Sequence) seenSequence = true;
        if (!piece.SpecialToken) continue;
        const name = String(piece.SpecialToken.id);
        const listed = processor.special_tokens?.[name]?.ids;
        const ids = Array.isArray(listed) && listed.every((id) => typeof id === 'number') ? (listed as number[]) : [this.required(name)];
        const typeId = typeof piece.SpecialToken.type_id === 'number' ? piece.SpecialToken.type_id : 0;
        (seenSequence ? after : before).push(...ids.map((id) => ({ id, typeId })));
      }
      return [before, after];
    }
    if (processor?.type === 'BertProcessing' && Array.isArray(processor.cls) && Array.isArray(processor.sep)) {
      return [[{ id: Number(processor.cls[1]), typeId: 0 }], [{ id: Number(processor.sep[1]), typeId: 0 }]];
    }
    return [[{ id: this.required('[CLS]'), typeId: 0 }], [{ id: this.required('[SEP]'), typeId: 0 }]];
  }

  private required(token: string): number {
    const id = this.vocab.get(token);
    if (id === undefined) throw new RagEmbedderError(`tokenizer.json vocab has no ${token} token`);
    return id;
  }
}
