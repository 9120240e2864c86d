import { MAX_HEADING_TITLE_LENGTH } from './rag.constants';

/** One piece of a document, as stored and searched. */
export interface RagChunk {
  /** 0, 1, 2… in document order; the same text and settings always give the same ordinals. */
  readonly ordinal: number;
  /** The Markdown headings the chunk sits under, `Top > Section`, or null before any heading. */
  readonly heading: string | null;
  readonly text: string;
}

export interface ChunkOptions {
  /** Target size of a chunk in characters; a chunk exceeds it only by less than one word. */
  readonly size: number;
  /** Characters of the previous chunk (whole sentences where possible) repeated at the start of the next one. */
  readonly overlap: number;
}

interface Heading {
  readonly level: number;
  readonly title: string;
}

/**
 * An ATX heading line (`## Title ##`): 1–6 `#`, whitespace, a title, an optional closing run of `#`.
 * Parsed by hand in one pass: the obvious regex (`^(#{1,6})\s+(.+?)\s*#*\s*$`) backtracks in cubic time
 * on a heading padded with spaces, and the text comes from callers. The title is clipped to
 * MAX_HEADING_TITLE_LENGTH: it is repeated (and embedded) with every chunk of its section.
 */
function parseHeading(line: string): Heading | undefined {
  const level = /^#{1,6}(?=\s)/.exec(line)?.[0].length;
  if (level === undefined) return undefined;
  let title = line.slice(level).trim();
  let end = title.length;
  while (end > 0 && title[end - 1] === '#') end--;
  if (end < title.length && (end === 0 || /\s/.test(title[end - 1]))) title = title.slice(0, end).trimEnd();
  return title === '' ? undefined : { level, title: clip(title, MAX_HEADING_TITLE_LENGTH) };
}

/** `text` cut to at most `length` UTF-16 units, never between the two halves of a surrogate pair. */
function clip(text: string, length: number): string {
  if (text.length <= length) return text;
  const code = text.charCodeAt(length - 1);
  return text.slice(0, code >= 0xd800 && code <= 0xdbff ? length - 1 : length).trimEnd();
}

/** Splits a paragraph into sentences (ends on . ! ? followed by space), keeping the punctuation. */
function sentences(paragraph: string): string[] {
  return paragraph.split(/(?<=[.!?])\s+(?=[\p{Lu}\p{N}`"'([*-])/u).map((s) => s.trim()).filter(Boolean);
}

/** Pieces of at most `size` characters: sentences, and sentences too long cut between words. */
function pieces(paragraph: string, size: number): string[] {
  if (paragraph.length <= size) return [paragraph];
  const out: string[] = [];
  for (const sentence of sentences(paragraph)) {
    if (sentence.length <= size) {
      out.push(sentence);
      continue;
    }
    let current = '';
    for (const word of sentence.split(/\s+/)) {
      if (current && current.length + 1 + word.length > size) {
        out.push(current);
        current = word;
      } else current = current ? `${current} ${word}` : word;
    }
    if (current) out.push(current);
  }
  return out;
}

/** The tail of a chunk, at most `overlap` characters, starting at a sentence (or word) boundary. */
function tail(text: string, overlap: number): string {
  if (overlap <= 0 || text.length <= overlap) return overlap <= 0 ? '' : text;
  const parts = sentences(text);
  let kept = '';
  for (let i = parts.length - 1; i >= 0; i--) {
    const next = kept ? `${parts[i]} ${kept}` : parts[i];
    if (next.length > overlap) break;
    kept = next;
  }
  if (kept) return kept;
  const cut = text.slice(text.length - overlap);
  const space = cut.indexOf(' ');
  return space >= 0 ? cut.slice(space + 1) : cut;
}

/**
 * Splits a document into chunks: paragraphs (blank-line separated) are packed up to `size` characters,
 * a paragraph too long is split at sentences, a sentence too long between words. A Markdown heading closes
 * the current chunk and becomes the context (`heading`) of the chunks under it; consecutive chunks of one
 * section share `overlap` characters. Code fences are kept as one paragraph.
 */
export function chunkDocument(text: string, options: ChunkOptions): RagChunk[] {
  const chunks: RagChunk[] = [];
  const headings: string[] = [];
  let heading: string | null = null;
  let current: string[] = [];
  let length = 0;
  let carried = false;

  const flush = (withOverlap: boolean): void => {
    if (current.length === 0 || (carried && current.length === 1)) {
      current = [];
      length = 0;
      carried = false;
      return;
    }
    const body = current.join('\n\n');
    chunks.push({ ordinal: chunks.length, heading, text: body });
    const overlap = withOverlap ? tail(body, options.overlap) : '';
    current = overlap ? [overlap] : [];
    length = overlap.length;
    carried = overlap !== '';
  };

  const blocks: string[] = [];
  let fence: string[] | null = null;
  let paragraph: string[] = [];
  const endParagraph = (): void => {
    if (paragraph.length > 0) blocks.push(paragraph.join('\n'));
    paragraph = [];
  };
  for (const line of text.replace(/\r\n?/g, '\n').split('\n')) {
    if (fence) {
      fence.push(line);
      if (/^\s*```/.test(line)) {
        blocks.push(fence.join('\n'));
        fence = null;
      }
    } else if (/^\s*```/.test(line)) {
      endParagraph();
      fence = [line];
    } else if (parseHeading(line)) {
      endParagraph();
      blocks.push(line);
    } else if (line.trim() === '') endParagraph();
    else paragraph.push(line.trim());
  }
  if (fence) blocks.push(fence.join('\n'));
  endParagraph();

  for (const block of blocks) {
    const parsed = block.includes('\n') ? undefined : parseHeading(block);
    if (parsed) {
      flush(false);
      const { level, title } = parsed;
      headings.length = Math.min(headings.length, level - 1);
      headings[level - 1] = title;
      heading = headings.filter(Boolean).join(' > ');
      continue;
    }
    for (const piece of pieces(block, options.size)) {
      if (length > 0 && length + 2 + piece.length > options.size) flush(true);
      current.push(piece);
      length += (length > 0 ? 2 : 0) + piece.length;
      carried = carried && current.length === 1;
    }
  }
  flush(false);
  return chunks;
}
