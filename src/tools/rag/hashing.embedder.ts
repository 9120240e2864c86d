import { RAG_DIMENSION } from './rag.constants';
import { RagEmbedder } from './rag-embedder.interface';
import { unitVector } from './unit-vector';

/** Words too common to say anything about a text; left out of the word features (not the character n-grams). */
const STOPWORDS = new Set(
  ('a an and are as at be by can do does for from has have how i if in into is it its of on or so that the their ' +
    'them then there these this to was we what when where which who will with you your').split(' '),
);

const WORD_WEIGHT = 1;
const BIGRAM_WEIGHT = 0.7;
const TRIGRAM_WEIGHT = 0.35;

/** FNV-1a, 32 bits. */
function fnv1a(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}

/** Lower-cased word tokens (letters and digits, Unicode-aware). */
export function words(text: string): string[] {
  return text.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? [];
}

/**
 * The default embedder: offline and deterministic. Feature hashing (the "hashing trick") of word unigrams,
 * word bigrams and character 3-grams into `dimension` signed buckets, then L2 normalisation, so cosine
 * distance measures shared vocabulary. It knows no synonyms: a paraphrase is found only through the words
 * and word pieces it shares with the text.
 */
export class HashingEmbedder implements RagEmbedder {
  readonly name = 'hashing';

  constructor(readonly dimension: number = RAG_DIMENSION) {}

  async ready(): Promise<void> {}

  async embed(texts: readonly string[]): Promise<number[][]> {
    return texts.map((text) => this.vector(text));
  }

  vector(text: string): number[] {
    const vector = new Array<number>(this.dimension).fill(0);
    const add = (feature: string, weight: number): void => {
      const hash = fnv1a(feature);
      // The sign comes from a bit the bucket index does not use, so collisions cancel out on average.
      vector[hash % this.dimension] += (hash & 0x80000000) !== 0 ? -weight : weight;
    };
    const tokens = words(text);
    const content = tokens.filter((token) => !STOPWORDS.has(token));
    for (const token of content) add(`w:${token}`, WORD_WEIGHT);
    for (let i = 1; i < content.length; i++) add(`b:${content[i - 1]} ${content[i]}`, BIGRAM_WEIGHT);
    for (const token of content) {
      const padded = `#${token}#`;
      for (let i = 0; i + 3 <= padded.length; i++) add(`c:${padded.slice(i, i + 3)}`, TRIGRAM_WEIGHT);
    }
    return unitVector(vector);
  }
}
