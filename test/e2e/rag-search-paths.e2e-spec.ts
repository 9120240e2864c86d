import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseModule } from '../../src/platform/database/database.module';
import { RAG_DIMENSION } from '../../src/tools/rag/rag.constants';
import { RagModule } from '../../src/tools/rag/rag.module';
import { RagRepository, RagSearchQuery } from '../../src/tools/rag/rag.repository';
import { seededRandom } from '../../src/platform/database/sample-data';
import { createMcpTestKit, McpTestKit } from '../support/mcp-test-kit';

const root = mkdtempSync(join(tmpdir(), 'rag-search-paths-e2e-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const normalise = (vector: number[]): number[] => {
  const norm = Math.hypot(...vector);
  return vector.map((value) => value / norm);
};
/** `weights` on the first axes, the rest 0, L2-normalised. */
const axes = (...weights: number[]): number[] => normalise([...weights, ...new Array<number>(RAG_DIMENSION - weights.length).fill(0)]);
const cosine = (a: readonly number[], b: readonly number[]): number => a.reduce((sum, value, i) => sum + value * b[i], 0);

const QUERY = axes(1);
const random = seededRandom(11);
/** 100 chunks around QUERY's axis, `weight` setting how close (cosine about 0.65 at 4, about 0.06 at 0.3). */
const cloud = (weight: number): number[][] =>
  Array.from({ length: 100 }, () => normalise([weight, ...Array.from({ length: RAG_DIMENSION - 1 }, () => random() - 0.5)]));
/**
 * Four documents close to QUERY (group `near`), six further away (group `wide`: every one of the 400 nearest chunks
 * is one a filter on it drops), and one document of 3 chunks far from it (group `far`). At this size the planner
 * answers filtered searches without the HNSW index, so these tests check results, not the iterative scan.
 */
const DOCUMENTS: readonly { source: string; embeddings: number[][] }[] = [
  ...Array.from({ length: 4 }, (_, i) => ({ source: `near/${i}`, embeddings: cloud(4) })),
  ...Array.from({ length: 6 }, (_, i) => ({ source: `wide/${i}`, embeddings: cloud(0.3) })),
  { source: 'far/0', embeddings: [axes(0, 1), axes(0.3, 0, 1), axes(0.1, 0, 0, 1)] },
];
const CHUNKS = DOCUMENTS.flatMap(({ source, embeddings }) => embeddings.map((vector, i) => ({ text: `${source} #${i}`, vector })));
/** The exact top 10 of the chunks `keep` allows, by cosine similarity to QUERY. */
const exactTop10 = (keep: (text: string) => boolean): string[] =>
  CHUNKS.filter((chunk) => keep(chunk.text))
    .map(({ text, vector }) => ({ text, similarity: cosine(vector, QUERY) }))
    .sort((a, b) => b.similarity - a.similarity)
    .slice(0, 10)
    .map((hit) => hit.text);

describe('RAG vector search paths (exact below RAG_EXACT_SEARCH_MAX_CHUNKS, HNSW above)', () => {
  let kit: McpTestKit;
  let repository: RagRepository;
  const search = (query: Partial<RagSearchQuery>): ReturnType<RagRepository['search']> =>
    repository.search({ mode: 'vector', text: 'unused', embedding: QUERY, k: 10, exactSearchMaxChunks: 10_000, efSearch: 200, ...query });

  beforeAll(async () => {
    kit = await createMcpTestKit({
      imports: [DatabaseModule, RagModule.register({ settings: { seedCorpus: false } })],
      env: { DB_URL: '', DB_DATA_DIR: join(root, 'pglite') },
    });
    repository = kit.app.get(RagRepository);
    const save = (source: string, embeddings: number[][]): Promise<string> =>
      repository.save({
        source,
        title: source,
        metadata: { group: source.split('/')[0] },
        content: source,
        sha256: source,
        embedder: 'hashing',
        dim: RAG_DIMENSION,
        chunks: embeddings.map((_, ordinal) => ({ ordinal, heading: null, text: `${source} #${ordinal}` })),
        embeddings,
      });
    for (const { source, embeddings } of DOCUMENTS) await save(source, embeddings);
  }, 90_000);
  afterAll(() => kit?.close());

  it('answers the exact nearest chunks, in order, on a store under the threshold', async () => {
    expect((await search({})).map((hit) => hit.text)).toEqual(exactTop10(() => true));
  });

  it('fills k under a filter whose matches all lie past the nearest chunks: exactly under the threshold, k of them above', async () => {
    const wide = (text: string): boolean => text.startsWith('wide/');
    const viaIndex = await search({ metadata: { group: 'wide' }, exactSearchMaxChunks: 0 });
    expect(viaIndex).toHaveLength(10);
    expect(viaIndex.every((hit) => wide(hit.text))).toBe(true);
    const exact = await search({ metadata: { group: 'wide' } });
    expect(exact.map((hit) => hit.text)).toEqual(exactTop10(wide));
  });

  it.each([
    ['exact (the filter selects 3 chunks)', 10_000],
    ['HNSW allowed (threshold 0; the planner picks the plan)', 0],
  ])('finds every chunk a selective filter allows, ordered by distance: %s', async (_, exactSearchMaxChunks) => {
    const bySource = await search({ source: 'far/0', exactSearchMaxChunks });
    expect(bySource.map((hit) => hit.text)).toEqual(['far/0 #1', 'far/0 #2', 'far/0 #0']);
    expect(bySource.map((hit) => Number(hit.similarity))).toEqual([0.3, 0.1, 0].map((x) => expect.closeTo(x / Math.hypot(x, 1), 6)));
    const byMetadata = await search({ metadata: { group: 'far' }, exactSearchMaxChunks });
    expect(byMetadata.map((hit) => hit.text)).toEqual(['far/0 #1', 'far/0 #2', 'far/0 #0']);
  });

  it('finds nothing for a filter that selects no document, on both paths', async () => {
    expect(await search({ source: 'missing' })).toEqual([]);
    expect(await search({ source: 'missing', exactSearchMaxChunks: 0 })).toEqual([]);
  });
});
