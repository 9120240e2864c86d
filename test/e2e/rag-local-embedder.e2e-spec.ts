import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DataSource } from 'typeorm';
import { DatabaseModule } from '../../src/platform/database/database.module';
import { RagModule } from '../../src/tools/rag/rag.module';
import { RagService } from '../../src/tools/rag/rag.service';
import { RagStoreStatus } from '../../src/tools/rag/rag-store.status';
import { createMcpTestKit, McpTestKit } from '../support/mcp-test-kit';
import { TEST_MODEL_WORDS, writeTestModel } from '../support/onnx-test-model';
import { CallResult, errorOf, resultOf } from '../support/tool-results';

const root = mkdtempSync(join(tmpdir(), 'rag-local-e2e-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
const modelDir = writeTestModel(join(root, 'model'));
const dataDir = join(root, 'pglite');

/** Two documents with disjoint vocabularies of the test model, and a query worded from the first one's. */
const FIRST = TEST_MODEL_WORDS.slice(0, 40);
const SECOND = TEST_MODEL_WORDS.slice(120, 160);
const sentence = (words: readonly string[], start: number): string => `${[0, 3, 7, 11, 13, 17].map((i) => words[(start + i) % words.length]).join(' ')}.`;
const DOCUMENTS = [
  { title: 'First', source: 'local/first.md', text: Array.from({ length: 6 }, (_, i) => sentence(FIRST, i * 5)).join(' ') },
  { title: 'Second', source: 'local/second.md', text: Array.from({ length: 6 }, (_, i) => sentence(SECOND, i * 5)).join(' ') },
];
const QUERY = `${FIRST[2]} ${FIRST[9]} ${FIRST[21]} ${FIRST[30]}`;

interface Hit {
  source: string;
  similarity?: number;
}

const boot = (embeddingModel: string): Promise<McpTestKit> =>
  createMcpTestKit({
    imports: [DatabaseModule, RagModule.register({ settings: { seedCorpus: false } })],
    env: { DB_URL: '', DB_DATA_DIR: dataDir, RAG_EMBEDDING_MODEL: embeddingModel },
  });

describe('RAG with a local: ONNX embedder (generated model, onnxruntime, embedded PostgreSQL)', () => {
  let kit: McpTestKit | undefined;
  const call = (name: string, args: Record<string, unknown>): Promise<CallResult> => kit!.client.callTool({ name, arguments: args });
  afterEach(async () => {
    await kit?.close();
    kit = undefined;
  });

  it('re-indexes a store made with the hashing embedder, then ingests and searches with the 32-dimension model', async () => {
    kit = await boot('hashing');
    resultOf(await call('rag_ingest', { documents: DOCUMENTS }));
    await kit.close();

    kit = await boot(`local:${modelDir}`);
    const refused = errorOf(await call('rag_search', { query: QUERY }));
    expect(refused).toMatchObject({ status: 'invalid' });
    expect(refused.error).toContain('hashing');
    expect(refused.error).toContain('re-index');

    expect(await kit.app.get(RagService).reindex({ signal: new AbortController().signal })).toBe(2);
    const stored = (await kit.app.get(DataSource).query('SELECT DISTINCT embedder, dim FROM rag_documents')) as { embedder: string; dim: number }[];
    expect(stored).toEqual([{ embedder: `local:${modelDir}`, dim: 32 }]);
    const dims = (await kit.app.get(DataSource).query('SELECT DISTINCT vector_dims(embedding) AS dims FROM rag_chunks')) as { dims: number }[];
    expect(dims).toEqual([{ dims: 32 }]);
    const indexes = (await kit.app.get(DataSource).query(`SELECT indexname FROM pg_indexes WHERE tablename = 'rag_chunks'`)) as { indexname: string }[];
    expect(indexes.map((row) => row.indexname)).toEqual(expect.arrayContaining(['rag_chunks_embedding_256_idx', 'rag_chunks_embedding_32_idx']));

    const hits = resultOf<{ results: Hit[] }>(await call('rag_search', { query: QUERY, mode: 'vector', k: 2 })).results;
    expect(hits.map((hit) => hit.source)).toEqual(['local/first.md', 'local/second.md']);
    expect(hits[0].similarity).toBeGreaterThan(hits[1].similarity ?? 1);

    const added = { title: 'Third', source: 'local/third.md', text: sentence(SECOND, 2) };
    expect(resultOf<{ documents: { status: string }[] }>(await call('rag_ingest', { documents: [added] })).documents[0].status).toBe('created');
    const second = resultOf<{ results: Hit[] }>(await call('rag_search', { query: `${SECOND[2]} ${SECOND[5]} ${SECOND[9]}`, k: 3 })).results;
    expect(second[0].source).not.toBe('local/first.md');
  }, 120_000);

  it('refuses a store indexed by the same local: directory when it now holds a model of another dimension', async () => {
    writeTestModel(modelDir, { dimension: 48 });
    kit = await boot(`local:${modelDir}`);
    const refused = errorOf(await call('rag_search', { query: QUERY }));
    expect(refused.error).toContain(`local:${modelDir} (32 dimensions)`);
    expect(refused.error).toContain('(48 dimensions)');
    expect(await kit.app.get(RagService).reindex({ signal: new AbortController().signal })).toBe(3);
    const hits = resultOf<{ results: Hit[] }>(await call('rag_search', { query: QUERY, mode: 'vector', k: 1 })).results;
    expect(hits.map((hit) => hit.source)).toEqual(['local/first.md']);
  }, 120_000);

  it('without the model files, leaves the RAG tools out and says why', async () => {
    const empty = join(root, 'empty-model');
    mkdirSync(empty);
    kit = await boot(`local:${empty}`);
    const { tools } = await kit.client.listTools();
    expect(tools.filter((tool) => tool.name.startsWith('rag_'))).toEqual([]);
    expect(kit.app.get(RagStoreStatus)).toMatchObject({ enabled: false });
    expect(kit.app.get(RagStoreStatus).reason).toContain('lacks config.json, tokenizer.json, onnx/model.onnx');
  }, 60_000);
});
