import { HashingEmbedder } from './hashing.embedder';

const cosine = (a: number[], b: number[]): number => a.reduce((sum, value, i) => sum + value * b[i], 0);

describe('HashingEmbedder', () => {
  const embedder = new HashingEmbedder();

  it('answers deterministic unit vectors of 256 dimensions', async () => {
    const [a, b] = await embedder.embed(['Rate limits per API key', 'Rate limits per API key']);
    expect(a).toHaveLength(256);
    expect(a).toEqual(b);
    expect(cosine(a, a)).toBeCloseTo(1, 10);
  });

  it('puts texts sharing words closer than unrelated ones', async () => {
    const [query, related, unrelated] = await embedder.embed([
      'rotate the api keys',
      'To rotate a key, set the new API key as secondary.',
      'Knead the dough and bake the bread.',
    ]);
    expect(cosine(query, related)).toBeGreaterThan(cosine(query, unrelated) + 0.2);
  });

  it('gives a zero vector to text without content words', async () => {
    const [empty] = await embedder.embed(['the of and']);
    expect(empty.every((value) => value === 0)).toBe(true);
  });
});
