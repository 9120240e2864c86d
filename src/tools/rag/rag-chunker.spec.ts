import { chunkDocument } from './rag-chunker';

describe('chunkDocument', () => {
  it('keeps Markdown headings as context and numbers chunks in order', () => {
    const chunks = chunkDocument('Intro text.\n\n# Guide\n\n## Install\n\nRun npm ci.\n\n## Run\n\nRun npm start.', { size: 200, overlap: 0 });
    expect(chunks).toEqual([
      { ordinal: 0, heading: null, text: 'Intro text.' },
      { ordinal: 1, heading: 'Guide > Install', text: 'Run npm ci.' },
      { ordinal: 2, heading: 'Guide > Run', text: 'Run npm start.' },
    ]);
  });

  it('packs paragraphs up to the size, splits long ones at sentences, and overlaps whole sentences', () => {
    const sentence = (i: number): string => `Sentence number ${i} says something short.`;
    const paragraph = Array.from({ length: 12 }, (_, i) => sentence(i)).join(' ');
    const chunks = chunkDocument(paragraph, { size: 150, overlap: 60 });
    expect(chunks.length).toBeGreaterThan(3);
    for (const chunk of chunks) expect(chunk.text.length).toBeLessThanOrEqual(150);
    expect(chunks.map((chunk) => chunk.ordinal)).toEqual(chunks.map((_, i) => i));
    // Each chunk after the first starts with the last sentence of the previous one.
    for (let i = 1; i < chunks.length; i++) {
      const last = chunks[i - 1].text.split(/(?<=\.)\s+/).pop() as string;
      expect(chunks[i].text.startsWith(last)).toBe(true);
    }
    expect(chunks.map((chunk) => chunk.text).join(' ')).toContain(sentence(11));
  });

  it('cuts a sentence longer than the size between words, and is deterministic', () => {
    const text = Array.from({ length: 100 }, (_, i) => `word${i}`).join(' ');
    const chunks = chunkDocument(text, { size: 50, overlap: 0 });
    expect(chunks.every((chunk) => chunk.text.length <= 50)).toBe(true);
    expect(chunks.map((chunk) => chunk.text).join(' ')).toBe(text);
    expect(chunkDocument(text, { size: 50, overlap: 0 })).toEqual(chunks);
  });

  it('keeps a code fence in one paragraph and ignores headings inside it', () => {
    const chunks = chunkDocument('# A\n\n```sh\n# not a heading\n\nnpm start\n```\n\nAfter.', { size: 500, overlap: 0 });
    expect(chunks).toHaveLength(1);
    expect(chunks[0].heading).toBe('A');
    expect(chunks[0].text).toContain('# not a heading\n\nnpm start');
  });

  it('answers nothing for an empty document', () => {
    expect(chunkDocument('\n\n  \n', { size: 100, overlap: 10 })).toEqual([]);
  });

  it('reads ATX headings as CommonMark does: closing #s need a space before them', () => {
    const headingOf = (line: string): string | null => chunkDocument(`${line}\n\nBody.`, { size: 100, overlap: 0 })[0].heading;
    expect(headingOf('## Title ##')).toBe('Title');
    expect(headingOf('#\tTabbed  #  ')).toBe('Tabbed');
    expect(headingOf('# C#')).toBe('C#');
    expect(headingOf('####### seven')).toBeNull();
    expect(headingOf('#no-space')).toBeNull();
  });

  it('parses a heading padded with 200,000 spaces in one pass (the old regex backtracked for hours)', () => {
    const padded = `# a${' '.repeat(200_000)}b${' '.repeat(200_000)}#`;
    const chunks = chunkDocument(`${padded}\n\nBody text.`, { size: 100, overlap: 0 });
    expect(chunks).toEqual([{ ordinal: 0, heading: 'a', text: 'Body text.' }]);
  });

  it('clips a heading title to 200 characters (it is repeated with every chunk under it), never inside a surrogate pair', () => {
    const [chunk] = chunkDocument(`# ${'t'.repeat(100_000)}\n\n## ${'x'.repeat(199)}😀tail\n\nBody.`, { size: 100, overlap: 0 });
    expect(chunk.heading).toBe(`${'t'.repeat(200)} > ${'x'.repeat(199)}`);
  });

  // Caller text reaches these splits; each input below would take a backtracking split quadratic time or worse.
  it.each([
    ['a sentence end then a million spaces and no capital', `Ends here.${' '.repeat(1_000_000)}lower`],
    ['half a million sentence ends with no capital after them', 'a. '.repeat(500_000)],
    ['alternating punctuation and whitespace', '.\t!\u00a0?\u2003'.repeat(200_000)],
    ['one word of a million characters', 'w'.repeat(1_000_000)],
  ])('splits %s in linear time', (_, text) => {
    const chunks = chunkDocument(text, { size: 800, overlap: 120 });
    expect(chunks.length).toBeGreaterThan(0);
    for (const chunk of chunks) expect(chunk.text.length).toBeLessThanOrEqual(1_000_000);
  }, 5_000);
});
