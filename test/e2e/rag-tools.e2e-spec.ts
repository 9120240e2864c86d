import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DataSource } from 'typeorm';
import { DatabaseModule } from '../../src/platform/database/database.module';
import { RagStore1764806400000 } from '../../src/platform/database/migrations/1764806400000-rag-store';
import { HashingEmbedder } from '../../src/tools/rag/hashing.embedder';
import { RAG_EMBEDDER, RagEmbedder } from '../../src/tools/rag/rag-embedder.interface';
import { RagModule } from '../../src/tools/rag/rag.module';
import { RagService } from '../../src/tools/rag/rag.service';
import { createMcpTestKit, McpTestKit } from '../support/mcp-test-kit';
import { CallResult, errorOf, resultOf } from '../support/tool-results';

interface Hit {
  document_id: string;
  title?: string;
  source?: string;
  ordinal: number;
  heading?: string;
  text: string;
  score: number;
  similarity?: number;
  text_score?: number;
  uri: string;
}
interface Ingested {
  documents: { id: string; source?: string; status: string; chunks: number }[];
  chunks_written: number;
}

/** The default embedder, except that it fails on its n-th call from when `failOnCall` is set. */
class SwitchableEmbedder implements RagEmbedder {
  readonly name = 'hashing';
  readonly dimension = 256;
  /** Calls left until the failing one (0: never fails). */
  failOnCall = 0;
  private readonly inner = new HashingEmbedder();

  async ready(): Promise<void> {}

  async embed(texts: readonly string[]): Promise<number[][]> {
    if (this.failOnCall > 0 && --this.failOnCall === 0) throw new Error('embedder exploded');
    return this.inner.embed(texts);
  }
}

const KUBERNETES = `# Deploying on Kubernetes

The server runs as a Deployment with three replicas behind a Service.

## Probes

Point the liveness probe at /health/live and the readiness probe at /health/ready. A replica whose Redis is down
reports not ready when the fail mode is closed.

## Scaling

Use a HorizontalPodAutoscaler on CPU. Rate limit counters must live in Redis so every replica shares them.`;

const COOKING = `# Baking bread

Mix flour, water, salt and yeast. Knead the dough for ten minutes until it is smooth and elastic.

Let it rise for two hours in a warm place, shape the loaf, and bake it at 230 degrees for forty minutes.`;

const root = mkdtempSync(join(tmpdir(), 'rag-tools-e2e-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('RAG tools on the embedded PostgreSQL (pgvector)', () => {
  let kit: McpTestKit;
  let dataSource: DataSource;
  let embedder: SwitchableEmbedder;

  const call = (name: string, args: Record<string, unknown>): Promise<CallResult> => kit.client.callTool({ name, arguments: args });
  const search = async (args: Record<string, unknown>): Promise<Hit[]> => resultOf<{ results: Hit[] }>(await call('rag_search', args)).results;
  const chunkRows = async (): Promise<number> => ((await dataSource.query('SELECT count(*)::int AS n FROM rag_chunks')) as { n: number }[])[0].n;

  beforeAll(async () => {
    embedder = new SwitchableEmbedder();
    kit = await createMcpTestKit({
      imports: [DatabaseModule, RagModule.register({ embedder, settings: { seedCorpus: false } })],
      env: { DB_URL: '', DB_DATA_DIR: join(root, 'pglite') },
    });
    dataSource = kit.app.get(DataSource);
    expect(kit.app.get(RAG_EMBEDDER)).toBe(embedder);
  }, 90_000);
  afterAll(() => kit?.close());

  it('exposes the four RAG tools with their hints', async () => {
    const { tools } = await kit.client.listTools();
    const rag = tools.filter((tool) => tool.name.startsWith('rag_'));
    expect(rag.map((tool) => tool.name)).toEqual(['rag_delete_document', 'rag_ingest', 'rag_list_documents', 'rag_search']);
    const hints = Object.fromEntries(rag.map((tool) => [tool.name, tool.annotations]));
    expect(hints.rag_search).toMatchObject({ readOnlyHint: true, destructiveHint: false });
    expect(hints.rag_list_documents).toMatchObject({ readOnlyHint: true });
    expect(hints.rag_delete_document).toMatchObject({ readOnlyHint: false, destructiveHint: true });
    expect(rag.find((tool) => tool.name === 'rag_search')?.inputSchema.properties).toHaveProperty('mode');
  });

  it('ingests, then finds the right chunk by keywords and by a paraphrase', async () => {
    const ingested = resultOf<Ingested>(
      await call('rag_ingest', {
        documents: [
          { text: KUBERNETES, title: 'Kubernetes', source: 'ops/kubernetes.md', metadata: { team: 'ops', lang: 'en' } },
          { text: COOKING, title: 'Bread', source: 'home/bread.md', metadata: { team: 'home' } },
        ],
      }),
    );
    expect(ingested.documents.map((d) => d.status)).toEqual(['created', 'created']);
    expect(ingested.documents[0].chunks).toBeGreaterThanOrEqual(1);
    expect(ingested.chunks_written).toBe(await chunkRows());

    const keyword = await search({ query: 'readiness probe', k: 3 });
    expect(keyword[0]).toMatchObject({ source: 'ops/kubernetes.md', title: 'Kubernetes' });
    expect(keyword[0].text).toContain('readiness probe');
    expect(keyword[0].heading).toContain('Probes');
    expect(keyword[0].uri).toBe(`rag://documents/${ingested.documents[0].id}`);
    expect(keyword[0].text_score).toBeGreaterThan(0);

    // The hashing embedder matches vocabulary, not meaning: this paraphrase shares "bake"/"loaf"-like stems
    // (character trigrams of "baking", "dough") with the bread text and no keyword in full-text form.
    const paraphrase = await search({ query: 'how long should the loaves be baked', k: 3, mode: 'vector' });
    expect(paraphrase[0].source).toBe('home/bread.md');
    const hybrid = await search({ query: 'how long should the loaves be baked', k: 3 });
    expect(hybrid[0].source).toBe('home/bread.md');
  });

  it('searches by text only and by vector only', async () => {
    const text = await search({ query: 'HorizontalPodAutoscaler', mode: 'text' });
    expect(text).toHaveLength(1);
    expect(text[0].similarity).toBeUndefined();
    const vector = await search({ query: 'autoscaler replicas', mode: 'vector', k: 50 });
    expect(vector.length).toBeGreaterThan(1);
    expect(vector[0].text_score).toBeUndefined();
    expect(await search({ query: 'zzzz-no-such-word', mode: 'text' })).toEqual([]);
  });

  it('filters by source and by metadata keys', async () => {
    const bySource = await search({ query: 'replicas bread', k: 10, filter: { source: 'home/bread.md' } });
    expect(bySource.length).toBeGreaterThan(0);
    expect(bySource.every((hit) => hit.source === 'home/bread.md')).toBe(true);
    const byMetadata = await search({ query: 'replicas bread', k: 10, filter: { metadata: { team: 'ops' } } });
    expect(byMetadata.length).toBeGreaterThan(0);
    expect(byMetadata.every((hit) => hit.source === 'ops/kubernetes.md')).toBe(true);
    expect(await search({ query: 'replicas', filter: { metadata: { team: 'nobody' } } })).toEqual([]);
  });

  it('re-ingesting the same text writes nothing', async () => {
    const before = await chunkRows();
    const again = resultOf<Ingested>(await call('rag_ingest', { documents: [{ text: COOKING, title: 'Bread', source: 'home/bread.md' }] }));
    expect(again.documents[0].status).toBe('unchanged');
    expect(again.chunks_written).toBe(0);
    expect(await chunkRows()).toBe(before);
    // Without a source, the content hash alone identifies the document.
    const first = resultOf<Ingested>(await call('rag_ingest', { documents: [{ text: 'A note without a source about tulips.' }] }));
    const second = resultOf<Ingested>(await call('rag_ingest', { documents: [{ text: 'A note without a source about tulips.' }] }));
    expect(first.documents[0].status).toBe('created');
    expect(second.documents[0]).toMatchObject({ status: 'unchanged', id: first.documents[0].id });
  });

  it('replaces a source with new text, and a failing embedder leaves the previous version intact', async () => {
    const updated = resultOf<Ingested>(
      await call('rag_ingest', { documents: [{ text: '# Bread\n\nSourdough needs a starter fed with rye flour.', source: 'home/bread.md' }] }),
    );
    expect(updated.documents[0].status).toBe('replaced');
    expect((await search({ query: 'sourdough starter', mode: 'text' }))[0].source).toBe('home/bread.md');
    expect(await search({ query: 'knead', mode: 'text' })).toEqual([]);
    const [doc] = (await dataSource.query(`SELECT id, content FROM rag_documents WHERE source = 'home/bread.md'`)) as { id: string; content: string }[];
    const chunksBefore = await dataSource.query('SELECT ordinal, text FROM rag_chunks WHERE document_id = $1 ORDER BY ordinal', [doc.id]);

    // Second document of the batch fails to embed: the first is stored, the second keeps its old version.
    embedder.failOnCall = 2;
    const failed = await call('rag_ingest', {
      documents: [
        { text: 'Tea is brewed at 80 degrees.', source: 'home/tea.md' },
        { text: '# Bread\n\nRye bread is dense and sour.', source: 'home/bread.md' },
      ],
    });
    expect(embedder.failOnCall).toBe(0);
    expect(errorOf(failed)).toMatchObject({ status: 'error', error: 'Internal server error' });
    expect(kit.logs.text).toContain('embedder exploded');
    const [after] = (await dataSource.query(`SELECT content FROM rag_documents WHERE source = 'home/bread.md'`)) as { content: string }[];
    expect(after.content).toBe(doc.content);
    expect(await dataSource.query('SELECT ordinal, text FROM rag_chunks WHERE document_id = $1 ORDER BY ordinal', [doc.id])).toEqual(chunksBefore);
    expect((await search({ query: 'sourdough starter', mode: 'text' }))[0].source).toBe('home/bread.md');
    // The document before the failure in that batch was stored.
    expect((await search({ query: 'tea brewed', mode: 'text' }))[0].source).toBe('home/tea.md');
  });

  it('lists and deletes documents', async () => {
    const list = resultOf<{ documents: { id: string; source?: string; chunks: number; embedder: string }[]; total: number }>(
      await call('rag_list_documents', { limit: 2 }),
    );
    expect(list.total).toBeGreaterThanOrEqual(4);
    expect(list.documents).toHaveLength(2);
    expect(list.documents[0]).toMatchObject({ source: 'ops/kubernetes.md', embedder: 'hashing' });
    const bySource = resultOf<{ documents: { id: string }[]; total: number }>(await call('rag_list_documents', { source: 'ops/kubernetes.md' }));
    expect(bySource.total).toBe(1);

    const id = bySource.documents[0].id;
    const deleted = resultOf<{ id: string; chunks: number }>(await call('rag_delete_document', { id }));
    expect(deleted.id).toBe(id);
    expect(await dataSource.query('SELECT 1 FROM rag_chunks WHERE document_id = $1', [id])).toEqual([]);
    expect(errorOf(await call('rag_delete_document', { id }))).toMatchObject({ status: 'not_found' });
    expect(await search({ query: 'readiness probe', filter: { source: 'ops/kubernetes.md' } })).toEqual([]);
  });

  it('the rag-store migration is idempotent where pgvector is present', async () => {
    const runner = dataSource.createQueryRunner();
    try {
      await runner.startTransaction();
      await new RagStore1764806400000().up(runner);
      await runner.commitTransaction();
    } finally {
      await runner.release();
    }
    const indexes = (await dataSource.query(`SELECT indexname FROM pg_indexes WHERE tablename = 'rag_chunks' ORDER BY indexname`)) as { indexname: string }[];
    expect(indexes.map((row) => row.indexname)).toEqual(expect.arrayContaining(['rag_chunks_embedding_256_idx', 'rag_chunks_tsv_idx']));
    const [plan] = (await dataSource.query(`SELECT indexdef FROM pg_indexes WHERE indexname = 'rag_chunks_embedding_256_idx'`)) as { indexdef: string }[];
    expect(plan.indexdef).toContain('USING hnsw (((embedding)::vector(256)) vector_cosine_ops) WHERE (vector_dims(embedding) = 256)');
  });

  it('refuses bad arguments with invalid', async () => {
    expect(errorOf(await call('rag_search', { query: 'x', k: 51 }))).toMatchObject({ status: 'invalid' });
    expect(errorOf(await call('rag_search', { query: 'x', mode: 'fuzzy' }))).toMatchObject({ status: 'invalid' });
    expect(errorOf(await call('rag_ingest', { documents: [] }))).toMatchObject({ status: 'invalid' });
    const tooMany = Array.from({ length: 51 }, (_, i) => ({ text: `doc ${i}` }));
    expect(errorOf(await call('rag_ingest', { documents: tooMany }))).toMatchObject({ status: 'invalid' });
    expect(errorOf(await call('rag_ingest', { documents: [{ text: 'x'.repeat(1024 * 1024 + 1) }] }))).toMatchObject({ status: 'invalid' });
    expect(errorOf(await call('rag_delete_document', { id: 'not-a-uuid' }))).toMatchObject({ status: 'invalid' });
  });

  it('refuses to search or ingest when the store was indexed with another embedder', async () => {
    await dataSource.query(`UPDATE rag_documents SET embedder = 'openai:other-model' WHERE source = 'home/tea.md'`);
    try {
      const refused = errorOf(await call('rag_search', { query: 'tea' }));
      expect(refused.status).toBe('invalid');
      expect(refused.error).toContain('openai:other-model');
      expect(refused.error).toContain('re-index');
      expect(errorOf(await call('rag_ingest', { documents: [{ text: 'more' }] })).error).toContain('re-index');
      // Re-indexing re-embeds that document with the configured embedder, and search works again.
      expect(await kit.app.get(RagService).reindex({ signal: new AbortController().signal })).toBe(1);
      expect((await search({ query: 'tea brewed', mode: 'text' }))[0].source).toBe('home/tea.md');
    } finally {
      await dataSource.query(`UPDATE rag_documents SET embedder = 'hashing' WHERE source = 'home/tea.md'`);
    }
  });
});
