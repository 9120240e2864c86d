import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, IncomingMessage, Server, ServerResponse } from 'node:http';
import { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { register } from 'prom-client';
import { HealthIndicatorService } from '@nestjs/terminus';
import { DataSource } from 'typeorm';
import { DatabaseModule } from '../../src/platform/database/database.module';
import { RagStore1764806400000 } from '../../src/platform/database/migrations/1764806400000-rag-store';
import { HashingEmbedder } from '../../src/tools/rag/hashing.embedder';
import { RagHealth } from '../../src/tools/rag/rag.health';
import { OpenAiEmbeddingsClient } from '../../src/tools/rag/openai-embeddings.client';
import { DiagnosticsModule } from '../../src/tools/diagnostics/diagnostics.module';
import { RagModule } from '../../src/tools/rag/rag.module';
import { createMcpTestKit, McpTestKit } from '../support/mcp-test-kit';
import { resultOf } from '../support/tool-results';

interface Hit {
  source?: string;
  text: string;
  heading?: string;
}

const root = mkdtempSync(join(tmpdir(), 'rag-store-e2e-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('RAG on the real PostgreSQL without pgvector', () => {
  let kit: McpTestKit | undefined;
  afterEach(async () => {
    await kit?.close();
    kit = undefined;
  });

  it('boots with RAG enabled, serves the other tools, and logs why the RAG tools are absent', async () => {
    kit = await createMcpTestKit({ imports: [DatabaseModule, DiagnosticsModule, RagModule], env: { ENABLE_RAG: 'true' } });
    const dataSource = kit.app.get(DataSource);
    const [{ available }] = (await dataSource.query(
      `SELECT count(*)::int AS available FROM pg_available_extensions WHERE name = 'vector'`,
    )) as { available: number }[];
    if (available > 0) {
      // This server has pgvector: then the tools must be there (the "where it has pgvector" case).
      process.stderr.write('TEST_DB_URL has pgvector: the refusal case is not exercised here\n');
      expect((await kit.client.listTools()).tools.map((tool) => tool.name)).toContain('rag_search');
      return;
    }
    const { tools } = await kit.client.listTools();
    expect(tools.map((tool) => tool.name)).toEqual(['echo']);
    const line = kit.logs.entries().find((entry) => entry.msg === 'RAG tools disabled');
    expect(line).toMatchObject({ level: 40 });
    expect(String(line?.reason)).toContain('pgvector is not installed');
    expect(String(line?.reason)).toContain('CREATE EXTENSION vector');
    expect((await kit.client.callTool({ name: 'echo', arguments: { text: 'still up' } })).isError).toBeFalsy();
    // The migration is a no-op there: it neither fails nor creates the tables.
    const runner = dataSource.createQueryRunner();
    try {
      await runner.startTransaction();
      await new RagStore1764806400000().up(runner);
      expect(await runner.query(`SELECT to_regclass('rag_chunks') AS t`)).toEqual([{ t: null }]);
    } finally {
      await runner.rollbackTransaction();
      await runner.release();
    }
  }, 60_000);

  it('is off by default on an external server, saying so', async () => {
    kit = await createMcpTestKit({ imports: [DatabaseModule, DiagnosticsModule, RagModule] });
    expect((await kit.client.listTools()).tools.map((tool) => tool.name)).toEqual(['echo']);
    const line = kit.logs.entries().find((entry) => entry.msg === 'RAG tools disabled');
    expect(String(line?.reason)).toContain('ENABLE_RAG is not set');
  }, 60_000);
});

describe('RAG sample corpus on the embedded default', () => {
  let kit: McpTestKit;
  beforeAll(async () => {
    kit = await createMcpTestKit({ imports: [DatabaseModule, RagModule], env: { DB_URL: '', DB_DATA_DIR: join(root, 'corpus-db') } });
  }, 90_000);
  afterAll(() => kit?.close());

  it('seeds the corpus at boot and answers questions about the project', async () => {
    const loaded = kit.logs.entries().find((entry) => entry.msg === 'RAG sample corpus loaded');
    expect(loaded).toMatchObject({ documents: 7 });
    process.stderr.write(`corpus ingest: ${String(loaded?.chunks)} chunks at ${String(loaded?.chunks_per_second)} chunks/s\n`);
    const ask = async (query: string): Promise<Hit[]> =>
      resultOf<{ results: Hit[] }>(await kit.client.callTool({ name: 'rag_search', arguments: { query, k: 3 } })).results;
    expect((await ask('how do I rotate an API key'))[0].source).toBe('02-authentication.md');
    expect((await ask('what happens when Redis is down'))[0].source).toBe('03-rate-limits.md');
    expect((await ask('is pg_sleep allowed in sql_query'))[0].source).toBe('04-sql-safety.md');
    expect((await ask('circuit breaker upstream retries'))[0].source).toBe('05-rest-tools.md');
    const latencies: number[] = [];
    for (let i = 0; i < 50; i++) {
      const started = performance.now();
      await ask(i % 2 ? 'how to add a new tool family' : 'rate limit per key');
      latencies.push(performance.now() - started);
    }
    latencies.sort((a, b) => a - b);
    process.stderr.write(`rag_search over MCP (corpus): p50 ${latencies[25].toFixed(1)} ms, p99 ${latencies[49].toFixed(1)} ms\n`);
  });

  it('contributes the rag health check and the metrics', async () => {
    await kit.client.callTool({ name: 'rag_search', arguments: { query: 'metrics', mode: 'text' } });
    const metrics = await register.metrics();
    expect(metrics).toContain('rag_search_duration_seconds_count{mode="text"}');
    expect(metrics).toMatch(/rag_ingest_chunks_total \d+/);
    expect(metrics).toContain('rag_embed_duration_seconds_count{embedder="hashing"}');
    const health = kit.app.get(RagHealth);
    expect(health.isEnabled()).toBe(true);
    expect(health.gatesReadiness()).toBe(false);
    expect(await health.check(new HealthIndicatorService())).toEqual({ rag: { status: 'up', documents: 7, embedder: 'hashing' } });
  });
});

/** A local OpenAI-compatible embeddings server: hashing vectors of the asked dimension, failing as told. */
class FakeEmbeddings {
  readonly requests: { body: { model: string; input: string[]; dimensions: number }; authorization?: string }[] = [];
  failures = 0;
  dimension = 256;
  private server!: Server;

  async start(): Promise<string> {
    this.server = createServer((req, res) => void this.handle(req, res));
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  stop(): Promise<void> {
    return new Promise((resolve) => this.server.close(() => resolve()));
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    if (req.method !== 'POST' || req.url !== '/v1/embeddings') {
      res.writeHead(404).end();
      return;
    }
    const body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
    this.requests.push({ body, authorization: req.headers.authorization });
    if (this.failures > 0) {
      this.failures -= 1;
      res.writeHead(503, { 'content-type': 'application/json' }).end('{"error":"overloaded"}');
      return;
    }
    const vectors = await new HashingEmbedder(this.dimension).embed(body.input);
    res.writeHead(200, { 'content-type': 'application/json' }).end(
      JSON.stringify({ object: 'list', model: body.model, data: vectors.map((embedding, index) => ({ object: 'embedding', index, embedding })) }),
    );
  }
}

describe('the openai: embedder against a local embeddings server', () => {
  const fake = new FakeEmbeddings();
  let url: string;
  let kit: McpTestKit;

  beforeAll(async () => {
    url = await fake.start();
    kit = await createMcpTestKit({
      imports: [
        DatabaseModule,
        RagModule.register({ settings: { embeddingModel: 'openai:fake-embed', embeddingsUrl: url, embeddingsApiKey: 'sk-test-key', seedCorpus: false } }),
      ],
      env: { DB_URL: '', DB_DATA_DIR: join(root, 'openai-db') },
    });
  }, 90_000);
  afterAll(async () => {
    await kit?.close();
    await fake.stop();
  });

  it('ingests and searches through the endpoint, retrying a 503', async () => {
    fake.failures = 1;
    const ingested = resultOf<{ documents: { status: string; chunks: number }[] }>(
      await kit.client.callTool({
        name: 'rag_ingest',
        arguments: { documents: [{ text: '# Tea\n\nGreen tea is brewed at 80 degrees for two minutes.', source: 'tea.md' }] },
      }),
    );
    expect(ingested.documents[0].status).toBe('created');
    expect(fake.requests).toHaveLength(2);
    expect(fake.requests[0].body).toMatchObject({ model: 'fake-embed', dimensions: 256 });
    expect(fake.requests[0].authorization).toBe('Bearer sk-test-key');
    const found = resultOf<{ results: Hit[]; embedder: string }>(
      await kit.client.callTool({ name: 'rag_search', arguments: { query: 'brewing green tea', mode: 'vector' } }),
    );
    expect(found.embedder).toBe('openai:fake-embed');
    expect(found.results[0].source).toBe('tea.md');
  });

  it('answers retry when the endpoint keeps failing, and error for a wrong dimension', async () => {
    fake.failures = 10;
    const unavailable = await kit.client.callTool({ name: 'rag_search', arguments: { query: 'tea', mode: 'vector' } });
    expect(unavailable.isError).toBe(true);
    expect(JSON.parse((unavailable.content as { text: string }[])[0].text)).toMatchObject({ status: 'retry' });
    fake.failures = 0;

    const client = new OpenAiEmbeddingsClient({ baseUrl: url, model: 'fake-embed' });
    fake.dimension = 384;
    try {
      await expect(client.embed(['tea'])).rejects.toThrow('answered 384 dimensions, not the 256 asked for (set RAG_EMBEDDING_DIMENSIONS');
      const wide = new OpenAiEmbeddingsClient({ baseUrl: url, model: 'fake-embed', dimension: 384 });
      expect((await wide.embed(['tea']))[0]).toHaveLength(384);
      expect(fake.requests[fake.requests.length - 1].body.dimensions).toBe(384);
    } finally {
      fake.dimension = 256;
    }
  });

  it('batches texts', async () => {
    const before = fake.requests.length;
    const client = new OpenAiEmbeddingsClient({ baseUrl: url, model: 'fake-embed', batchSize: 2 });
    const vectors = await client.embed(['a tea', 'b tea', 'c tea', 'd tea', 'e tea']);
    expect(vectors).toHaveLength(5);
    expect(fake.requests.slice(before).map((request) => request.body.input.length)).toEqual([2, 2, 1]);
    const [expected] = await new HashingEmbedder().embed(['a tea']);
    vectors[0].forEach((value, i) => expect(value).toBeCloseTo(expected[i], 12));
  });
});
