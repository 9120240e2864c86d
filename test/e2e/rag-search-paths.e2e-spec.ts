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
/** Four documents of 100 chunks each, all close to QUERY; one document of 3 chunks far from it. */
const NEAR_DOCUMENTS = 4;
const random = seededRandom(11);
const near = Array.from({ length: NEAR_DOCUMENTS * 100 }, () => normalise([4, ...Array.from({ length: RAG_DIMENSION - 1 }, () => random() - 0.5)]));
const far = [axes(0, 1), axes(0.3, 0, 1), axes(0.1, 0, 0, 1)];

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
    for (let doc = 0; doc < NEAR_DOCUMENTS; doc += 1) await save(`near/${doc}`, near.slice(doc * 100, (doc + 1) * 100));
    await save('far/0', far);
  }, 90_000);
  afterAll(() => kit?.close());

  it('answers the exact nearest chunks, in order, on a store under the threshold', async () => {
    const all = [...near.map((vector, i) => ({ text: `near/${Math.floor(i / 100)} #${i % 100}`, vector })), ...far.map((vector, i) => ({ text: `far/0 #${i}`, vector }))];
    const truth = all
      .map(({ text, vector }) => ({ text, similarity: cosine(vector, QUERY) }))
      .sort((a, b) => b.similarity - a.similarity)
      .slice(0, 10)
      .map((hit) => hit.text);
    expect((await search({})).map((hit) => hit.text)).toEqual(truth);
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
