import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, IncomingMessage, Server, ServerResponse } from 'node:http';
import { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import type { Client as McpClient } from '@modelcontextprotocol/sdk/client/index.js';
import { FixtureToolsModule } from '../fixtures/fixture.tools';
import { connectMcpClient } from '../support/fault-kit';
import { createTestApp, TestApp } from '../support/test-app';
import { sleep } from '../support/wait';

/** Another caller must get its answer within this while a hostile call is under way. */
const OTHERS_BOUND_MS = 2_000;
/** What a client-visible error must never contain: upstream addresses, bodies, driver codes, stacks. */
const LEAK = /secret|ECONN|ETIMEDOUT|HPE_|socket|127\.0\.0\.1|:\d{4,5}\b|\.[jt]s:\d+|URIError|Invalid character/i;

/**
 * A real local upstream for the hostile cases: `/customers/1` never answers, `/customers/2` answers 4 MB of
 * nested arrays typed JSON, `/customers/3` answers 20 KiB of headers, `/search/…` echoes what it received.
 */
async function startHostileUpstream(): Promise<{ url: string; server: Server; hanging: IncomingMessage[] }> {
  const hanging: IncomingMessage[] = [];
  const deep = '['.repeat(2_000_000) + ']'.repeat(2_000_000);
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    req.resume();
    const path = (req.url ?? '/').split('?')[0];
    if (path === '/customers/1') {
      hanging.push(req);
      return;
    }
    if (path === '/customers/2') {
      res.writeHead(200, { 'Content-Type': 'application/json' }).end(deep);
      return;
    }
    if (path === '/customers/3') {
      const headers = Object.fromEntries(Array.from({ length: 200 }, (_, i) => [`x-filler-${i}`, 'f'.repeat(100)]));
      res.writeHead(200, { 'Content-Type': 'application/json', ...headers }).end('{"id":3,"name":"n","email":"e@x.test","created_at":"2024-01-01T00:00:00Z"}');
      return;
    }
    res.writeHead(200, { 'Content-Type': 'application/json' }).end(JSON.stringify({ url: req.url, tenant: req.headers['x-tenant'] ?? null }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server, hanging };
}

const SEARCH_SPEC = {
  openapi: '3.1.0',
  info: { title: 'hostile', version: '1' },
  paths: {
    '/search/{term}': {
      get: {
        operationId: 'search',
        parameters: [
          { name: 'term', in: 'path', required: true, schema: { type: 'string' } },
          { name: 'q', in: 'query', schema: { type: 'string' } },
          { name: 'X-Tenant', in: 'header', schema: { type: 'string' } },
        ],
        responses: { '200': { description: 'ok', content: { 'application/json': { schema: { type: 'object' } } } } },
      },
    },
  },
};

interface Answer {
  readonly status: number;
  readonly body: { status?: string; error?: string; issues?: { field: string; message: string }[] };
  readonly text: string;
  readonly retryAfter: string | null;
  readonly ms: number;
}

async function post(t: TestApp, tool: string, args: Record<string, unknown>, boundMs = 70_000): Promise<Answer> {
  const started = performance.now();
  const res = await fetch(`${t.url}/v1/tools/${tool}`, {
    method: 'POST',
    headers: { Authorization: `Bearer ${t.primaryKey}`, 'Content-Type': 'application/json' },
    body: JSON.stringify(args),
    signal: AbortSignal.timeout(boundMs),
  });
  const text = await res.text();
  return { status: res.status, body: JSON.parse(text) as Answer['body'], text, retryAfter: res.headers.get('retry-after'), ms: performance.now() - started };
}

/** Another caller's echo and liveness answer promptly. */
async function expectOthersAnswer(t: TestApp): Promise<void> {
  const echo = await post(t, 'echo', { text: 'still here' }, OTHERS_BOUND_MS);
  expect(echo.status).toBe(200);
  const live = await fetch(`${t.url}/health/live`, { signal: AbortSignal.timeout(OTHERS_BOUND_MS) });
  expect(live.status).toBe(200);
}

describe('REST tools against hostile callers and upstreams (default deadlines)', () => {
  let upstream: Awaited<ReturnType<typeof startHostileUpstream>>;
  let t: TestApp;
  let mcp: McpClient;
  const dir = mkdtempSync(join(tmpdir(), 'rest-hostile-'));

  beforeAll(async () => {
    upstream = await startHostileUpstream();
    const spec = join(dir, 'search.openapi.json');
    writeFileSync(spec, JSON.stringify(SEARCH_SPEC));
    // Only what the case needs; every deadline, retry and backoff setting keeps its default.
    t = await createTestApp({ API_BASE_URL: upstream.url, OPENAPI_SPEC: spec, RATE_LIMIT_RPM: '1000000', LOG_LEVEL: 'warn' });
    mcp = await connectMcpClient(t.url, t.primaryKey, 'rest-hostile');
  }, 30_000);

  afterAll(async () => {
    await mcp?.close();
    await t?.close();
    upstream?.server.closeAllConnections();
    await new Promise<void>((resolve) => upstream?.server.close(() => resolve()));
    rmSync(dir, { recursive: true, force: true });
  });

  it('answers get_customer `retry` well inside the SDK client\'s 60 s while the upstream never answers, serving others meanwhile', async () => {
    const started = performance.now();
    // No timeout option: the SDK client's own default (60 s) is the patience being tested.
    const mcpCall = mcp.callTool({ name: 'get_customer', arguments: { customer_id: 1 } }).then((result) => ({ result, ms: performance.now() - started }));
    const restCall = post(t, 'get_customer', { customer_id: 1 });
    const others: number[] = [];
    let settled = false;
    const bothSettled = Promise.allSettled([mcpCall, restCall]).then(() => (settled = true));
    while (!settled) {
      const before = performance.now();
      await expectOthersAnswer(t);
      others.push(performance.now() - before);
      // Every 2 s, but no longer once both calls have answered.
      await Promise.race([sleep(2_000), bothSettled]);
    }
    const [{ result, ms: mcpMs }, rest] = await Promise.all([mcpCall, restCall]);

    const text = (result.content as { text: string }[])[0].text;
    expect(result.isError).toBe(true);
    expect(JSON.parse(text)).toMatchObject({ status: 'retry', error: 'The upstream API did not answer in time' });
    expect(rest).toMatchObject({ status: 503, body: { status: 'retry', error: 'The upstream API did not answer in time' } });
    expect(Number(rest.retryAfter)).toBeGreaterThanOrEqual(1);
    expect(LEAK.test(text) || LEAK.test(rest.text)).toBe(false);
    // API_DEADLINE_SECONDS (29 s) ends the call; the 60 s the client waits is never reached.
    expect(Math.max(mcpMs, rest.ms)).toBeLessThan(45_000);
    // The upstream saw the first attempt and the retries the deadline left room for (10 s attempts, 2 s and 4 s waits).
    expect(upstream.hanging.length).toBeGreaterThanOrEqual(4);
    expect(others.length).toBeGreaterThan(5);
    process.stderr.write(`get_customer on a hanging upstream answered retry after ${Math.round(mcpMs)} ms (MCP) and ${Math.round(rest.ms)} ms (REST); ` +
      `others answered meanwhile in at most ${Math.round(Math.max(...others))} ms\n`);
    await expectOthersAnswer(t);
  }, 70_000);

  it.each([
    ['a header value above U+00FF', { term: 'a', 'X-Tenant': 'Zoë 東京' }, 'X-Tenant'],
    ['a header value with a line break', { term: 'a', 'X-Tenant': 'a\r\nX-Evil: 1' }, 'X-Tenant'],
    ['a lone surrogate in a path value', { term: 'a\uD800' }, 'term'],
    ['a lone surrogate in a query value', { term: 'a', q: '\uDC00x' }, 'q'],
    ['a query too long for any upstream URL', { term: 'a', q: 'é'.repeat(5_000) }, 'q'],
    ['a header too long for any upstream', { term: 'a', 'X-Tenant': 't'.repeat(20_000) }, 'X-Tenant'],
  ])('answers %s with `invalid` naming the argument, never a 500', async (_case, args, field) => {
    const answer = await post(t, 'search', args, 10_000);
    expect(answer.status).toBe(400);
    expect(answer.body.status).toBe('invalid');
    expect(answer.body.issues?.map((issue) => issue.field)).toEqual([field]);
    expect(LEAK.test(answer.text)).toBe(false);
    await expectOthersAnswer(t);
  });

  it('still sends what upstreams accept: printable ASCII headers, well-formed Unicode, long-but-fitting queries', async () => {
    const answer = await post(t, 'search', { term: 'é 😀', q: 'x'.repeat(7_000), 'X-Tenant': 'acme\tco' }, 10_000);
    expect(answer.status).toBe(200);
    expect(answer.body).toMatchObject({ url: `/search/%C3%A9%20%F0%9F%98%80?q=${'x'.repeat(7_000)}`, tenant: 'acme\tco' });
  });

  it('answers `error` for an upstream JSON answer nested 2,000,000 deep, without parsing it, and keeps serving', async () => {
    const answer = await post(t, 'get_customer', { customer_id: 2 }, 10_000);
    expect(answer).toMatchObject({ status: 500, body: { status: 'error', error: 'Internal server error' } });
    expect(t.logs.text).toContain('JSON deeper than 64 levels');
    process.stderr.write(`a 4 MB, 2,000,000-deep upstream answer was refused in ${Math.round(answer.ms)} ms\n`);
    await expectOthersAnswer(t);
  });

  it('answers `error` for an upstream answer with 20 KiB of headers (Node\'s parser stops at 16 KiB), and keeps serving', async () => {
    const answer = await post(t, 'get_customer', { customer_id: 3 }, 10_000);
    expect(answer.status).toBe(500);
    expect(answer.body.status).toBe('error');
    expect(LEAK.test(answer.text)).toBe(false);
    await expectOthersAnswer(t);
  });
});

describe('TOOL_MAX_TIMEOUT_SECONDS caps a tool\'s own timeoutMs', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await createTestApp({ TOOL_MAX_TIMEOUT_SECONDS: '1', TOOL_TIMEOUT_SECONDS: '1', LOG_LEVEL: 'warn' }, { imports: [FixtureToolsModule] });
  }, 30_000);
  afterAll(() => t?.close());

  it('cuts a tool declaring timeoutMs 2000 at the 1 s ceiling with a typed `retry`', async () => {
    const answer = await post(t, 'fixture_wait', { ms: 1_600 }, 10_000);
    expect(answer).toMatchObject({ status: 503, body: { status: 'retry', error: 'Tool call timed out after 1s' } });
    expect(answer.retryAfter).toBe('1');
    await expectOthersAnswer(t);
  });
});
