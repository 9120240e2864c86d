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
    const ids = this.tokenize(text).slice(0, room);
    const framed = [...this.before, ...ids.map((id) => ({ id, typeId: 0 })), ...this.after];
    return {
      inputIds: framed.map((token) => token.id),
      attentionMask: framed.map(() => 1),
      tokenTypeIds: framed.map((token) => token.typeId),
    };
  }

  /** WordPiece ids of `text`, without special tokens. */
  tokenize(text: string): number[] {
    return this.preTokenize(this.normalize(text)).flatMap((word) => this.wordPiece(word));
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

  /** Greedy longest-match-first; a word with any unmatched part (or too long) is one unknown token. */
  private wordPiece(word: string): number[] {
    const chars = Array.from(word);
    if (chars.length > this.maxCharsPerWord) return [this.unkId];
    const ids: number[] = [];
    for (let start = 0; start < chars.length; ) {
      let end = chars.length;
      let id: number | undefined;
      for (; end > start; end--) {
        id = this.vocab.get((start > 0 ? this.prefix : '') + chars.slice(start, end).join(''));
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
