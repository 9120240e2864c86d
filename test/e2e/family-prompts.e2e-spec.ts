import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DataSource } from 'typeorm';
import { DatabaseModule } from '../../src/platform/database/database.module';
import { seedSampleData } from '../../src/platform/database/sample-data';
import { HashingEmbedder } from '../../src/tools/rag/hashing.embedder';
import { RagModule } from '../../src/tools/rag/rag.module';
import { RestToolsModule } from '../../src/tools/rest/rest.module';
import { SqlToolsModule } from '../../src/tools/sql/sql.module';
import { FakeUpstream } from '../support/fake-upstream';
import { createMcpTestKit, McpTestKit } from '../support/mcp-test-kit';

type Message = { role: string; content: { type: string; text?: string; resource?: { uri: string; mimeType: string; text: string } } };

const root = mkdtempSync(join(tmpdir(), 'family-prompts-e2e-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const textOf = (messages: Message[]): string => messages.filter((m) => m.content.type === 'text').map((m) => m.content.text).join('\n');

describe('SQL prompts (real PostgreSQL)', () => {
  let kit: McpTestKit;

  beforeAll(async () => {
    kit = await createMcpTestKit({ imports: [DatabaseModule, SqlToolsModule] });
    await seedSampleData(kit.app.get(DataSource));
  });
  afterAll(() => kit?.close());

  it('lists explore_table and write_query with their arguments', async () => {
    const { prompts } = await kit.client.listPrompts();
    expect(prompts.map((p) => p.name)).toEqual(['explore_table', 'write_query']);
    expect(prompts[0].arguments).toEqual([
      { name: 'table', description: expect.any(String), required: true },
      { name: 'schema', description: expect.any(String), required: false },
    ]);
  });

  it('explore_table embeds the description and suggests queries that sql_query really runs', async () => {
    const { messages } = await kit.client.getPrompt({ name: 'explore_table', arguments: { table: 'orders' } });
    const [embedded] = messages as Message[];
    expect(embedded.content.resource).toMatchObject({ uri: 'sql://tables/public/orders', mimeType: 'application/json' });
    const description = JSON.parse(embedded.content.resource?.text ?? '{}') as { name: string; foreign_keys: { referenced_table: string }[] };
    expect(description.name).toBe('orders');
    expect(description.foreign_keys).toEqual([expect.objectContaining({ referenced_table: 'customers' })]);
    const queries = textOf(messages as Message[]).split('\n').filter((line) => line.startsWith('- SELECT')).map((line) => line.slice(2));
    expect(queries.length).toBeGreaterThanOrEqual(3);
    expect(queries.some((q) => q.includes('JOIN "public"."customers"'))).toBe(true);
    for (const sql of queries) {
      const result = await kit.client.callTool({ name: 'sql_query', arguments: { sql, params: sql.includes('$1') ? [1] : [] } });
      expect({ sql, isError: result.isError ?? false }).toEqual({ sql, isError: false });
    }
  });

  it('explore_table answers -32602 for a table that does not exist or a bad identifier', async () => {
    await expect(kit.client.getPrompt({ name: 'explore_table', arguments: { table: 'no_such_table' } })).rejects.toMatchObject({ code: -32602, message: expect.stringContaining('no_such_table does not exist') });
    await expect(kit.client.getPrompt({ name: 'explore_table', arguments: { table: 'x'.repeat(64) } })).rejects.toMatchObject({ code: -32602, message: expect.stringContaining('table must be a PostgreSQL identifier') });
  });

  it('write_query gives the schema of the named tables and the question, with instructions for sql_query', async () => {
    const { messages } = await kit.client.getPrompt({ name: 'write_query', arguments: { question: 'Who spent the most?', tables: 'customers, orders' } });
    const text = textOf(messages as Message[]);
    expect(text).toContain('sql_query');
    expect(text).toMatch(/- public\.customers\(id integer, name text.*\) PK\(id\)/);
    expect(text).toMatch(/- public\.orders\(.*FK\(customer_id → public\.customers\(id\)\)/);
    expect(text).toContain('Question: Who spent the most?');
    await expect(kit.client.getPrompt({ name: 'write_query', arguments: { question: 'x', tables: 'customers, pg_authid' } })).rejects.toMatchObject({
      code: -32602,
      message: expect.stringContaining('tables names no allowed table: pg_authid'),
    });
  });

  it('completes table names from the live catalog, treating % and _ as plain text', async () => {
    const complete = (name: string, argument: string, value: string, context?: Record<string, string>) =>
      kit.client.complete({ ref: { type: 'ref/prompt', name }, argument: { name: argument, value }, ...(context ? { context: { arguments: context } } : {}) });
    expect((await complete('explore_table', 'table', 'ORD')).completion.values).toEqual(['orders']);
    expect((await complete('explore_table', 'table', 'cu', { schema: 'public' })).completion.values).toEqual(['customers']);
    expect((await complete('explore_table', 'table', '%')).completion).toEqual({ values: [], total: 0, hasMore: false });
    expect((await complete('explore_table', 'table', '_')).completion.values).toEqual([]);
    expect((await complete('explore_table', 'schema', 'pu')).completion.values).toEqual(['public']);
    expect((await complete('write_query', 'tables', 'customers, or')).completion.values).toEqual(['customers, orders']);
  });
});

describe('RAG answer_with_sources (embedded PostgreSQL)', () => {
  let kit: McpTestKit;
  let ids: string[];

  beforeAll(async () => {
    kit = await createMcpTestKit({
      imports: [DatabaseModule, RagModule.register({ embedder: new HashingEmbedder(), settings: { seedCorpus: false } })],
      env: { DB_URL: '', DB_DATA_DIR: join(root, 'pglite') },
    });
    const ingested = await kit.client.callTool({
      name: 'rag_ingest',
      arguments: {
        documents: [
          { text: '# Deploying\n\nPoint the readiness probe at /health/ready and the liveness probe at /health/live.', title: 'Deploy guide', source: 'ops/deploy.md' },
          { text: 'Sourdough starters like 100% hydration_flour.', title: 'Baking 100%_notes', source: 'home/bake.md' },
        ],
      },
    });
    ids = (ingested.structuredContent as { documents: { id: string }[] }).documents.map((d) => d.id);
  }, 90_000);
  afterAll(() => kit?.close());

  it('embeds the top chunks as resources and asks for an answer citing them', async () => {
    const { messages } = await kit.client.getPrompt({ name: 'answer_with_sources', arguments: { question: 'Where does the readiness probe point?' } });
    const sources = (messages as Message[]).filter((m) => m.content.type === 'resource');
    expect(sources.length).toBeGreaterThanOrEqual(1);
    expect(sources[0].content.resource).toMatchObject({ uri: `rag://documents/${ids[0]}`, mimeType: 'text/markdown', text: expect.stringContaining('[1] Deploy guide') });
    expect(sources[0].content.resource?.text).toContain('/health/ready');
    const text = textOf(messages as Message[]);
    expect(text).toContain(`using only the ${sources.length} numbered sources`);
    expect(text).toContain('Question: Where does the readiness probe point?');
  });

  it('says the knowledge base holds no answer when nothing matches', async () => {
    const { messages } = await kit.client.getPrompt({ name: 'answer_with_sources', arguments: { question: 'zebra xylophone', mode: 'text' } });
    expect(messages).toHaveLength(1);
    expect(textOf(messages as Message[])).toContain('has no passage matching');
  });

  it('validates its arguments naming the field, and completes the mode from its list', async () => {
    await expect(kit.client.getPrompt({ name: 'answer_with_sources', arguments: { question: '' } })).rejects.toMatchObject({ code: -32602, message: expect.stringContaining('question') });
    await expect(kit.client.getPrompt({ name: 'answer_with_sources', arguments: { question: 'q', mode: 'fuzzy' } })).rejects.toMatchObject({ code: -32602, message: expect.stringContaining('mode') });
    const modes = await kit.client.complete({ ref: { type: 'ref/prompt', name: 'answer_with_sources' }, argument: { name: 'mode', value: '' } });
    expect(modes.completion.values).toEqual(['hybrid', 'vector', 'text']);
  });

  it('completes document ids of rag://documents/{id} by id prefix or title, LIKE wildcards matching only themselves', async () => {
    const complete = async (value: string): Promise<string[]> =>
      (await kit.client.complete({ ref: { type: 'ref/resource', uri: 'rag://documents/{id}' }, argument: { name: 'id', value } })).completion.values;
    expect(await complete(ids[0].slice(0, 8).toUpperCase())).toEqual([ids[0]]);
    expect(await complete('deploy')).toEqual([ids[0]]);
    expect(await complete('100%_')).toEqual([ids[1]]);
    expect(await complete('%')).toEqual([ids[1]]);
    expect(await complete('y_g')).toEqual([]);
    await expect(kit.client.complete({ ref: { type: 'ref/resource', uri: 'rag://other/{id}' }, argument: { name: 'id', value: '' } })).rejects.toMatchObject({ code: -32602 });
  });
});

describe('REST customer_brief (a real local upstream)', () => {
  let fake: FakeUpstream;
  let kit: McpTestKit;

  beforeAll(async () => {
    fake = await FakeUpstream.start();
    kit = await createMcpTestKit({ imports: [RestToolsModule], env: { API_BASE_URL: fake.url } });
  });
  afterAll(async () => {
    await kit?.close();
    await fake?.close();
  });

  it('embeds the customer record and asks for a brief', async () => {
    const { messages } = await kit.client.getPrompt({ name: 'customer_brief', arguments: { customer_id: '42' } });
    const [record] = messages as Message[];
    expect(record.content.resource).toMatchObject({ uri: 'customers-api://customers/42', mimeType: 'application/json' });
    expect(JSON.parse(record.content.resource?.text ?? '{}')).toEqual({ id: 42, name: 'Grace Hopper', email: 'grace@example.test', created_at: '2024-03-04T05:06:07.000Z' });
    expect(textOf(messages as Message[])).toContain('brief');
  });

  it('answers -32602 for an unknown customer and for an id that is not a positive integer', async () => {
    await expect(kit.client.getPrompt({ name: 'customer_brief', arguments: { customer_id: '999' } })).rejects.toMatchObject({ code: -32602, message: expect.stringContaining('Customer 999 not found') });
    await expect(kit.client.getPrompt({ name: 'customer_brief', arguments: { customer_id: '1 OR 1=1' } })).rejects.toMatchObject({ code: -32602, message: expect.stringContaining('customer_id must be a positive integer') });
  });
});
