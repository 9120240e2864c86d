import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { DatabaseModule } from '../../src/platform/database/database.module';
import { EmbeddedPostgres } from '../../src/platform/database/embedded/embedded-postgres';
import { RagModule } from '../../src/tools/rag/rag.module';
import { createMcpTestKit, McpTestKit } from '../support/mcp-test-kit';
import { TEST_DB_URL } from '../support/test-database';

/**
 * RAG_DB_URL: the SQL tools stay on the main database (the real PostgreSQL 15, which has no pgvector) while
 * the RAG store lives in a second database that has it (here an embedded PostgreSQL started by the test).
 */
describe('RAG store in a separate database (RAG_DB_URL)', () => {
  const root = mkdtempSync(join(tmpdir(), 'rag-db-url-e2e-'));
  let ragDb: EmbeddedPostgres;
  let kit: McpTestKit;

  beforeAll(async () => {
    ragDb = await EmbeddedPostgres.start({ dataDir: join(root, 'rag') });
    kit = await createMcpTestKit({ imports: [DatabaseModule, RagModule], env: { DB_URL: TEST_DB_URL, RAG_DB_URL: ragDb.url } });
  }, 120_000);
  afterAll(async () => {
    // Optional: when beforeAll failed, the embedded database must still stop, or jest never exits.
    await kit?.close();
    await ragDb?.stop();
    rmSync(root, { recursive: true, force: true });
  });

  it('turns RAG on, stores documents in the RAG database and finds them', async () => {
    const { tools } = await kit.client.listTools();
    expect(tools.map((tool) => tool.name)).toEqual(expect.arrayContaining(['rag_ingest', 'rag_search']));

    const text = 'Tide tables list the high and low water times for each harbour along the coast.';
    const ingested = await kit.client.callTool({ name: 'rag_ingest', arguments: { documents: [{ text, title: 'Tides', source: 'sea/tides.md' }] } });
    expect(ingested.isError).toBeFalsy();
    const found = await kit.client.callTool({ name: 'rag_search', arguments: { query: 'high water harbour', k: 1 } });
    expect(found.structuredContent).toMatchObject({ results: [{ title: 'Tides' }] });

    const rag = new Client({ connectionString: ragDb.url });
    await rag.connect();
    try {
      const { rows } = await rag.query<{ count: number }>({ text: 'SELECT count(*)::int AS count FROM rag_documents WHERE source = $1', values: ['sea/tides.md'] });
      expect(rows[0].count).toBe(1);
    } finally {
      await rag.end();
    }
    const main = new Client({ connectionString: TEST_DB_URL });
    await main.connect();
    try {
      const { rows } = await main.query<{ exists: boolean }>({ text: "SELECT to_regclass('public.rag_documents') IS NOT NULL AS exists", values: [] });
      expect(rows[0].exists).toBe(false);
    } finally {
      await main.end();
    }
  });
});
