import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client as ClientV1 } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport as TransportV1 } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { Client as ClientV2, StreamableHTTPClientTransport as TransportV2 } from '@modelcontextprotocol/client';
import { encodeResourceCursor } from '../../src/platform/mcp/resource-cursor';
import { RagRepository } from '../../src/tools/rag/rag.repository';
import { FakeUpstream } from '../support/fake-upstream';
import { bearer, createTestApp, TestApp } from '../support/test-app';
import { CallResult, errorOf, resultOf } from '../support/tool-results';

const root = mkdtempSync(join(tmpdir(), 'rag-hostile-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** A cursor for the rag://documents listing naming `createdAt` (the first template's own cursor, wrapped as the server wraps it). */
const documentCursor = (createdAt: string): string =>
  encodeResourceCursor({ template: 0, cursor: Buffer.from(`${createdAt}|0b7e3f52-8d1e-4a5c-9f0e-2b6d8c4a1e73`).toString('base64url') });

/** Hostile rag_* calls through the real HTTP server (embedded PostgreSQL with pgvector); each ends by proving others still get answers. */
describe('RAG against hostile callers', () => {
  let t: TestApp;
  let v1: ClientV1;

  const call = (name: string, args: Record<string, unknown>): Promise<CallResult> => v1.callTool({ name, arguments: args }) as Promise<CallResult>;
  /** Another caller, on its own connection, still gets an answer. */
  const othersStillAnswered = async (): Promise<void> => {
    const echo = await t.http.post('/v1/tools/echo').set(bearer(t.primaryKey)).send({ text: 'still here' }).timeout(5_000);
    expect(echo.status).toBe(200);
    await t.http.get('/health/live').timeout(5_000).expect(200);
  };

  beforeAll(async () => {
    t = await createTestApp({ DB_URL: '', DB_DATA_DIR: join(root, 'pglite'), DB_SEED_SAMPLE_DATA: 'false', RAG_MAX_DOCUMENT_BYTES: '262144' });
    v1 = new ClientV1({ name: 'rag-hostile', version: '1.0.0' });
    await v1.connect(new TransportV1(new URL(`${t.url}/mcp`), { requestInit: { headers: bearer(t.primaryKey) } }));
  }, 120_000);
  afterAll(async () => {
    await v1?.close();
    await t?.close();
  });

  it.each([30_000, 200_000])('ingests a heading padded with %i spaces (cubic backtracking before) at once, its title clipped', async (n) => {
    const text = `# a${' '.repeat(n)}b\n\nThe body under the padded heading.`;
    const result = resultOf<{ documents: { status: string; chunks: number }[] }>(await call('rag_ingest', { documents: [{ text, source: `padded/${n}` }] }));
    expect(result.documents).toEqual([expect.objectContaining({ status: 'created', chunks: 1 })]);
    const found = resultOf<{ results: { heading?: string }[] }>(await call('rag_search', { query: 'padded heading body', mode: 'text', filter: { source: `padded/${n}` } }));
    expect(found.results[0].heading).toBe('a');
    await othersStillAnswered();
  }, 20_000);

  it('refuses a document over RAG_MAX_DOCUMENT_BYTES, naming the field and the limit, on MCP and REST', async () => {
    const text = 'é'.repeat(150_000); // 150,000 characters, 300,000 bytes
    const error = errorOf(await call('rag_ingest', { documents: [{ text: 'fine' }, { text }] }));
    expect(error.status).toBe('invalid');
    expect(error.issues).toEqual([{ field: 'documents[1].text', message: 'is 300000 bytes (UTF-8), more than RAG_MAX_DOCUMENT_BYTES (262144)' }]);
    const rest = await t.http.post('/v1/tools/rag_ingest').set(bearer(t.primaryKey)).send({ documents: [{ text }] });
    expect(rest.status).toBe(400);
    expect(rest.body.issues).toEqual([expect.objectContaining({ field: 'documents[0].text', message: expect.stringContaining('RAG_MAX_DOCUMENT_BYTES (262144)') })]);
    await othersStillAnswered();
  });

  it('refuses a document of 10,000 one-line sections before embedding any of it (RAG_MAX_CHUNKS_PER_DOCUMENT)', async () => {
    const text = '# a\nb\n'.repeat(10_000);
    const error = errorOf(await call('rag_ingest', { documents: [{ text, source: 'sections' }] }));
    expect(error.issues).toEqual([{ field: 'documents[0].text', message: 'splits into 10000 chunks, more than RAG_MAX_CHUNKS_PER_DOCUMENT (2000)' }]);
    expect(resultOf<{ total: number }>(await call('rag_list_documents', { source: 'sections' })).total).toBe(0);
    await othersStillAnswered();
  }, 20_000);

  it.each([
    ['nested 20 deep', (): unknown => JSON.parse(`${'{"d":'.repeat(20)}1${'}'.repeat(20)}`) as unknown, 'must nest at most 8 levels deep'],
    ['with 2,000 keys', (): unknown => Object.fromEntries(Array.from({ length: 2_000 }, (_, i) => [`k${i}`, 0])), 'must have at most 256 keys in all'],
    ['of 100 KB', (): unknown => ({ blob: 'x'.repeat(100_000) }), 'must be at most 16384 bytes as JSON'],
  ])('refuses metadata %s, naming the bound, on ingest and as a search filter', async (_, metadata, message) => {
    const ingest = errorOf(await call('rag_ingest', { documents: [{ text: 'Some text.', metadata: metadata() }] }));
    expect(ingest.issues).toEqual(expect.arrayContaining([{ field: 'documents[0].metadata', message }]));
    const search = errorOf(await call('rag_search', { query: 'text', filter: { metadata: metadata() } }));
    expect(search.issues).toEqual(expect.arrayContaining([{ field: 'filter.metadata', message }]));
    await othersStillAnswered();
  }, 20_000);

  // The platform's parse limits answer this before rag_ingest runs (class-transformer and the audit digest recurse).
  it('refuses metadata nested 10,000 deep (sent as raw JSON) as invalid naming BODY_MAX_DEPTH, without a stack trace', async () => {
    const body = `{"documents":[{"text":"Some text.","metadata":${'{"d":'.repeat(10_000)}1${'}'.repeat(10_000)}}]}`;
    const answer = await t.http.post('/v1/tools/rag_ingest').set(bearer(t.primaryKey)).set('content-type', 'application/json').send(body).timeout(10_000);
    expect(answer.status).toBe(400);
    expect(answer.body).toMatchObject({ status: 'invalid' });
    expect(JSON.stringify(answer.body)).toContain('BODY_MAX_DEPTH');
    expect(JSON.stringify(answer.body)).not.toMatch(/RangeError|call stack|at \w/);
    await othersStillAnswered();
  }, 20_000);

  it.each([
    ['quoted phrases', '"alpha beta" '.repeat(150)],
    ['negations', '-alpha '.repeat(280)],
    ['OR chains', 'alpha or '.repeat(220)],
    ['one phrase of 300 words', `"${'alpha '.repeat(300)}"`],
    ['unbalanced quotes and operators (no word at all: the zero vector, NaN similarity before)', '"(-"<->&|!:*'.repeat(160)],
  ])('answers a 2,000-character full-text query of %s, and keeps answering', async (_, query) => {
    const result = await call('rag_search', { query: query.slice(0, 2000), k: 50 });
    expect(result.isError).toBeFalsy();
    await othersStillAnswered();
  }, 20_000);

  it('answers -32602 for a cursor with an impossible date (month 13), on both protocol eras', async () => {
    const cursor = documentCursor('2026-13-01 00:00:00+00');
    await expect(v1.listResources({ cursor })).rejects.toMatchObject({ code: -32602 });
    const v2 = new ClientV2({ name: 'rag-hostile-v2', version: '1.0.0' }, { versionNegotiation: { mode: { pin: '2026-07-28' } } });
    await v2.connect(new TransportV2(new URL(`${t.url}/mcp`), { requestInit: { headers: bearer(t.primaryKey) } }));
    try {
      await expect(v2.listResources({ cursor })).rejects.toMatchObject({ code: -32602 });
      await expect(v2.listResources({ cursor: documentCursor('2025-02-29 10:00:00+00') })).rejects.toMatchObject({ code: -32602 });
    } finally {
      await v2.close();
    }
    await othersStillAnswered();
  });

  it('counts the documents once for a flood of 300 concurrent /health requests', async () => {
    const repository = t.app.get(RagRepository, { strict: false });
    // A first call fills the cache; the flood must not query again within RAG_HEALTH_CACHE_SECONDS.
    await t.http.get('/health').timeout(5_000);
    const count = jest.spyOn(repository, 'countDocuments');
    try {
      const answers = await Promise.all(Array.from({ length: 300 }, () => t.http.get('/health').timeout(10_000)));
      expect(answers.every((answer) => answer.body?.info?.rag?.status === 'up' || answer.body?.details?.rag?.status === 'up')).toBe(true);
      expect(count.mock.calls.length).toBeLessThanOrEqual(1);
    } finally {
      count.mockRestore();
    }
    await othersStillAnswered();
  }, 30_000);
});

/** The `openai:` embedder's endpoint hangs: searches answer `retry` within RAG_EMBEDDINGS_TIMEOUT_SECONDS, others are served meanwhile. */
describe('RAG with an embeddings endpoint that hangs', () => {
  let t: TestApp;
  let fake: FakeUpstream;

  beforeAll(async () => {
    fake = await FakeUpstream.start();
    fake.always('/v1/embeddings', { kind: 'hang' });
    t = await createTestApp({
      DB_URL: '',
      DB_DATA_DIR: join(root, 'pglite-openai'),
      DB_SEED_SAMPLE_DATA: 'false',
      RAG_EMBEDDING_MODEL: 'openai:hanging-model',
      RAG_EMBEDDINGS_URL: fake.url,
      RAG_EMBEDDINGS_TIMEOUT_SECONDS: '2',
    });
  }, 120_000);
  afterAll(async () => {
    await t?.close();
    await fake?.close();
  });

  it('answers retry within the embed timeout while echo is answered meanwhile', async () => {
    // supertest sends on then(): start the search now, and wait until it hangs on the endpoint.
    const started = performance.now();
    const search = t.http.post('/v1/tools/rag_search').set(bearer(t.primaryKey)).send({ query: 'anything', mode: 'vector' }).timeout(10_000).then((answer) => answer);
    await fake.until(() => fake.requests.length > 0);
    const echo = await t.http.post('/v1/tools/echo').set(bearer(t.primaryKey)).send({ text: 'meanwhile' }).timeout(5_000);
    expect(echo.status).toBe(200);
    const answer = await search;
    process.stderr.write(`rag_search with a hanging embeddings endpoint answered ${answer.status} after ${Math.round(performance.now() - started)} ms\n`);
    expect(answer.status).toBe(503);
    expect(answer.body).toMatchObject({ status: 'retry' });
    expect(JSON.stringify(answer.body)).not.toContain('hanging-model');
  }, 20_000);
});
