import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DataSource } from 'typeorm';
import { DatabaseModule } from '../../src/platform/database/database.module';
import { RagAnyDimension1795910400000 } from '../../src/platform/database/migrations/1795910400000-rag-any-dimension';
import { seededRandom } from '../../src/platform/database/sample-data';
import { embeddingDimensionPredicate, embeddingExpression, ensureEmbeddingIndex } from '../../src/tools/rag/rag-embedding-index';
import { RagModule } from '../../src/tools/rag/rag.module';
import { RagRepository, RagSearchQuery, vectorLiteral } from '../../src/tools/rag/rag.repository';
import { createMcpTestKit, McpTestKit } from '../support/mcp-test-kit';

const root = mkdtempSync(join(tmpdir(), 'rag-dimensions-e2e-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const random = seededRandom(7);
const unit = (dimension: number): number[] => {
  const vector = Array.from({ length: dimension }, () => random() - 0.5);
  const norm = Math.hypot(...vector);
  return vector.map((value) => value / norm);
};

describe('a RAG store holding embeddings of several dimensions (embedded PostgreSQL)', () => {
  let kit: McpTestKit;
  let dataSource: DataSource;
  let repository: RagRepository;
  const search = (embedding: number[], query: Partial<RagSearchQuery> = {}): ReturnType<RagRepository['search']> =>
    repository.search({ mode: 'vector', text: 'unused', embedding, k: 10, exactSearchMaxChunks: 10_000, efSearch: 200, ...query });
  const save = (source: string, embeddings: number[][]): Promise<string> =>
    repository.save({
      source,
      title: source,
      metadata: {},
      content: source,
      sha256: source,
      embedder: `test-${embeddings[0].length}`,
      dim: embeddings[0].length,
      chunks: embeddings.map((_, ordinal) => ({ ordinal, heading: null, text: `${source} #${ordinal}` })),
      embeddings,
    });
  /** The plan of a nearest-chunks query written with the same expression and predicate as the repository's. */
  const plan = async (dimension: number): Promise<string> =>
    dataSource.transaction(async (manager) => {
      await manager.query('SET LOCAL enable_seqscan = off');
      const rows = (await manager.query(
        `EXPLAIN SELECT c.id FROM rag_chunks c WHERE ${embeddingDimensionPredicate(dimension, 'c')}
         ORDER BY ${embeddingExpression(dimension, 'c')} <=> $1::vector(${dimension}) LIMIT 5`,
        [vectorLiteral(unit(dimension))],
      )) as { 'QUERY PLAN': string }[];
      return rows.map((row) => row['QUERY PLAN']).join('\n');
    });

  beforeAll(async () => {
    kit = await createMcpTestKit({
      imports: [DatabaseModule, RagModule.register({ settings: { seedCorpus: false } })],
      env: { DB_URL: '', DB_DATA_DIR: join(root, 'pglite') },
    });
    dataSource = kit.app.get(DataSource);
    repository = kit.app.get(RagRepository);
    await save('wide/0', Array.from({ length: 20 }, () => unit(256)));
    await save('narrow/0', Array.from({ length: 20 }, () => unit(32)));
  }, 90_000);
  afterAll(() => kit?.close());

  it.each([
    ['exact', 10_000],
    ['HNSW allowed', 0],
  ])('a search sees only the chunks of its own dimension (%s)', async (_, exactSearchMaxChunks) => {
    const narrow = await search(unit(32), { exactSearchMaxChunks });
    expect(narrow).toHaveLength(10);
    expect(narrow.every((hit) => hit.text.startsWith('narrow/'))).toBe(true);
    const wide = await search(unit(256), { exactSearchMaxChunks });
    expect(wide).toHaveLength(10);
    expect(wide.every((hit) => hit.text.startsWith('wide/'))).toBe(true);
  });

  it('indexes each dimension with its own partial HNSW index, which the search expression can use', async () => {
    expect(await plan(256)).toContain('rag_chunks_embedding_256_idx');
    expect(await plan(32)).not.toContain('rag_chunks_embedding_32_idx');
    expect(await ensureEmbeddingIndex(dataSource, 32)).toBe(true);
    expect(await ensureEmbeddingIndex(dataSource, 32)).toBe(true);
    expect(await plan(32)).toContain('rag_chunks_embedding_32_idx');
    expect(await ensureEmbeddingIndex(dataSource, 3072)).toBe(false);
  });

  it('turns a store made with the old vector(256) column into the untyped one, keeping every chunk', async () => {
    await dataSource.query('DROP INDEX rag_chunks_embedding_256_idx');
    await dataSource.query('DROP INDEX rag_chunks_embedding_32_idx');
    await dataSource.query(`DELETE FROM rag_documents WHERE source = 'narrow/0'`);
    await dataSource.query('ALTER TABLE rag_chunks ALTER COLUMN embedding TYPE vector(256)');
    await dataSource.query('CREATE INDEX rag_chunks_embedding_idx ON rag_chunks USING hnsw (embedding vector_cosine_ops)');
    const before = (await dataSource.query('SELECT id, embedding::text AS embedding FROM rag_chunks ORDER BY id')) as unknown[];
    const typmod = async (): Promise<number> =>
      ((await dataSource.query(`SELECT atttypmod FROM pg_attribute WHERE attrelid = 'rag_chunks'::regclass AND attname = 'embedding'`)) as { atttypmod: number }[])[0]
        .atttypmod;
    expect(await typmod()).toBe(256);

    const runner = dataSource.createQueryRunner();
    try {
      await new RagAnyDimension1795910400000().up(runner);
      await new RagAnyDimension1795910400000().up(runner);
    } finally {
      await runner.release();
    }
    expect(await typmod()).toBe(-1);
    const indexes = (await dataSource.query(`SELECT indexname FROM pg_indexes WHERE tablename = 'rag_chunks'`)) as { indexname: string }[];
    expect(indexes.map((row) => row.indexname)).not.toContain('rag_chunks_embedding_idx');
    expect(await dataSource.query('SELECT id, embedding::text AS embedding FROM rag_chunks ORDER BY id')).toEqual(before);
    await ensureEmbeddingIndex(dataSource, 256);
    expect(await plan(256)).toContain('rag_chunks_embedding_256_idx');
    expect((await search(unit(256))).map((hit) => hit.text.split(' ')[0])).toEqual(new Array(10).fill('wide/0'));
  });
});
