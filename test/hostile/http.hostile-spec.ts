import { randomUUID } from 'node:crypto';
import { request as httpRequest } from 'node:http';
import { McpStdioServer } from '../../src/platform/mcp/mcp-stdio.server';
import { DiagnosticsModule } from '../../src/tools/diagnostics/diagnostics.module';
import { createApiKey } from '../factories/api-key.factory';
import { createMcpTestKit } from '../support/mcp-test-kit';
import { createTestApp, TestApp } from '../support/test-app';
import { stdioPipes } from '../support/stdio-pipes';

const NESTING = 100_000;
const deepArray = (levels: number): string => `${'['.repeat(levels)}${']'.repeat(levels)}`;
const callBody = (args: string, id: number | string = 1): string =>
  `{"jsonrpc":"2.0","id":${JSON.stringify(id)},"method":"tools/call","params":{"name":"echo","arguments":${args}}}`;

interface RawAnswer {
  readonly status: number;
  readonly headers: Record<string, string | string[] | undefined>;
  readonly text: string;
  /** The JSON body, or the JSON of the first SSE `data:` line. */
  readonly json: Record<string, unknown> | undefined;
}

/** One request with the path sent exactly as written (fetch would normalise `/./mcp` and friends). */
function raw(base: string, method: string, path: string, headers: Record<string, string>, body?: string): Promise<RawAnswer> {
  const url = new URL(base);
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: url.hostname, port: url.port, method, path, headers, timeout: 10_000 }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (text += chunk));
      res.on('end', () => {
        const data = text.startsWith('event:') || text.startsWith('data:') ? /^data: (.*)$/m.exec(text)?.[1] : text;
        let json: Record<string, unknown> | undefined;
        try {
          json = data ? (JSON.parse(data) as Record<string, unknown>) : undefined;
        } catch {
          json = undefined;
        }
        resolve({ status: res.statusCode ?? 0, headers: res.headers, text, json });
      });
    });
    req.on('timeout', () => req.destroy(new Error(`${method} ${path} timed out`)));
    req.on('error', reject);
    req.end(body);
  });
}

const mcpHeaders = (key: string): Record<string, string> => ({
  'Content-Type': 'application/json',
  Accept: 'application/json, text/event-stream',
  'MCP-Protocol-Version': '2025-11-25',
  Authorization: `Bearer ${key}`,
});

/** Proof that the server still serves another caller: an echo tools/call over /mcp, answered in time. */
async function expectEchoAnswered(t: TestApp, key = t.primaryKey): Promise<void> {
  const text = `still here ${randomUUID()}`;
  const res = await raw(t.url, 'POST', '/mcp', mcpHeaders(key), callBody(JSON.stringify({ text }), 'echo-after'));
  expect(res.status).toBe(200);
  expect(res.json).toMatchObject({ id: 'echo-after', result: { structuredContent: { text } } });
}

describe('hostile callers at the HTTP door', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await createTestApp({ AUTH_FAILURES_PER_MINUTE: '1000000' });
  });
  afterAll(() => t.close());

  describe('JSON shape limits, before any handler', () => {
    it(`answers a tools/call whose arguments nest ${NESTING} levels with JSON-RPC -32600 and 400`, async () => {
      const res = await raw(t.url, 'POST', '/mcp', mcpHeaders(t.primaryKey), callBody(`{"text":"x","deep":${deepArray(NESTING)}}`));
      expect(res.status).toBe(400);
      expect(res.json).toMatchObject({
        jsonrpc: '2.0',
        id: null,
        error: { code: -32600, data: { limit: 'BODY_MAX_DEPTH', value: 64, request_id: res.headers['x-request-id'] } },
      });
      expect(res.text).not.toMatch(/RangeError|stack|at /);
      await expectEchoAnswered(t);
    });

    it('answers the same nesting on the REST facade 400 invalid, naming the limit', async () => {
      const res = await raw(t.url, 'POST', '/v1/tools/echo', mcpHeaders(t.primaryKey), `{"text":"x","deep":${deepArray(NESTING)}}`);
      expect(res.status).toBe(400);
      expect(res.json).toMatchObject({ status: 'invalid', request_id: res.headers['x-request-id'] });
      expect(String(res.json?.error)).toContain('BODY_MAX_DEPTH');
      await expectEchoAnswered(t);
    });

    it('refuses an array or object over BODY_MAX_ELEMENTS on every route', async () => {
      const wide = `[${Array.from({ length: 10_001 }, () => '0').join(',')}]`;
      const mcp = await raw(t.url, 'POST', '/mcp', mcpHeaders(t.primaryKey), callBody(`{"text":"x","wide":${wide}}`));
      expect(mcp.status).toBe(400);
      expect(mcp.json).toMatchObject({ error: { code: -32600, data: { limit: 'BODY_MAX_ELEMENTS', value: 10_000 } } });
      const keys = `{${Array.from({ length: 10_001 }, (_, i) => `"k${i}":0`).join(',')}}`;
      const rest = await raw(t.url, 'POST', '/v1/tools/echo', mcpHeaders(t.primaryKey), keys);
      expect(rest.status).toBe(400);
      expect(String(rest.json?.error)).toContain('BODY_MAX_ELEMENTS');
      // Public routes parse bodies too, and are held to the same limits.
      const open = await raw(t.url, 'POST', '/health/live', { 'Content-Type': 'application/json' }, deepArray(NESTING));
      expect(open.status).toBe(400);
      expect(String(open.json?.error)).toContain('BODY_MAX_DEPTH');
      await expectEchoAnswered(t);
    });

    it('still serves arguments nested within the limit', async () => {
      const res = await raw(t.url, 'POST', '/v1/tools/echo', mcpHeaders(t.primaryKey), `{"text":"x","deep":${deepArray(60)}}`);
      // Within the shape limits the DTO answers: an unknown field, named.
      expect(res.status).toBe(400);
      expect(res.json).toMatchObject({ status: 'invalid', issues: [{ field: 'deep' }] });
    });
  });

  describe('every spelling of the MCP path', () => {
    const batch = `[${callBody('{"text":"a"}', 1)},${callBody('{"text":"b"}', 2)}]`;
    const spellings = ['/mcp', '/MCP', '/Mcp', '/mcP', '/mcp/', '/MCP/', '/mcp//', '//mcp', '/%2Fmcp', '/mcp%2F', '/./mcp', '/mcp/.', '/%6Dcp', '/mcp?x=1', '/mcp/?x=1'];

    it.each(spellings)('refuses a batch array sent to %s (never runs it)', async (path) => {
      const res = await raw(t.url, 'POST', path, mcpHeaders(t.primaryKey), batch);
      expect(res.text).not.toContain('"result"');
      if (res.status !== 404) {
        expect(res.status).toBe(400);
        expect(res.json).toMatchObject({ error: { code: -32600, message: 'Batch requests are not supported' } });
      }
    });

    it('applies the MCP shape limits however the path is written', async () => {
      for (const path of ['/MCP', '/mcp/', '/Mcp/']) {
        const res = await raw(t.url, 'POST', path, mcpHeaders(t.primaryKey), callBody(`{"text":"x","deep":${deepArray(NESTING)}}`));
        expect({ path, status: res.status, code: (res.json?.error as { code?: number } | undefined)?.code }).toEqual({ path, status: 400, code: -32600 });
      }
      await expectEchoAnswered(t);
    });
  });

  describe('Authorization scheme', () => {
    it.each(['bearer', 'BEARER', 'BeArEr'])('accepts the scheme spelled %s (RFC 9110: case-insensitive)', async (scheme) => {
      await t.http.get('/probe/items/1').set('Authorization', `${scheme} ${t.primaryKey}`).expect(200, { id: '1' });
    });

    it('tolerates several spaces between scheme and key, and still refuses a wrong key', async () => {
      await t.http.get('/probe/items/1').set('Authorization', `Bearer   ${t.primaryKey}`).expect(200);
      await t.http.get('/probe/items/1').set('Authorization', `bearer ${createApiKey()}`).expect(401);
      await t.http.get('/probe/items/1').set('Authorization', `bearer${t.primaryKey}`).expect(401);
    });
  });

  describe('Host allowlist (DNS rebinding) on a loopback-bound server', () => {
    const port = (): string => new URL(t.url).port;

    it.each(['/', '/health', '/v1/tools', '/metrics'])('answers 403 JSON to %s when Host is a rebound name', async (path) => {
      const res = await raw(t.url, 'GET', path, { Host: `attacker.example:${port()}`, Authorization: `Bearer ${t.primaryKey}` });
      expect(res.status).toBe(403);
      expect(res.json).toEqual({ error: 'Forbidden', request_id: res.headers['x-request-id'] });
    });

    it('answers a JSON-RPC error on /mcp (any spelling) when Host is a rebound name', async () => {
      for (const path of ['/mcp', '/MCP/']) {
        const res = await raw(t.url, 'POST', path, { ...mcpHeaders(t.primaryKey), Host: 'attacker.example' }, callBody('{"text":"x"}'));
        expect(res.status).toBe(403);
        expect(res.json).toMatchObject({ jsonrpc: '2.0', id: null, error: { code: -32600, message: 'Host not allowed' } });
      }
    });

    it('refuses Host values that only smuggle a loopback name', async () => {
      for (const host of ['localhost.attacker.example', 'localhost@attacker.example', 'attacker.example#localhost', '127.0.0.1.nip.io']) {
        const res = await raw(t.url, 'GET', '/', { Host: host });
        expect({ host, status: res.status }).toEqual({ host, status: 403 });
      }
    });

    it('serves the loopback names on any port, and the probes whatever the Host', async () => {
      for (const host of ['localhost', `localhost:${port()}`, `127.0.0.1:${port()}`, '[::1]:8000', 'LOCALHOST']) {
        const res = await raw(t.url, 'GET', '/', { Host: host });
        expect({ host, status: res.status }).toEqual({ host, status: 200 });
      }
      for (const path of ['/health/live', '/health/ready']) {
        const res = await raw(t.url, 'GET', path, { Host: '10.1.2.3:8000' });
        expect({ path, status: res.status }).toEqual({ path, status: 200 });
      }
      await expectEchoAnswered(t);
    });
  });
});

describe.each([
  ['memory', {}],
  ['redis', { RATE_LIMIT_STORAGE: 'redis', REDIS_URL: process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379/2' }],
])('failed authentications per address (%s storage)', (_storage, storageEnv: Record<string, string>) => {
  const limit = 5;
  let t: TestApp;

  beforeAll(async () => {
    t = await createTestApp({ AUTH_FAILURES_PER_MINUTE: String(limit), RATE_LIMIT_REDIS_PREFIX: `hostile-${randomUUID()}`, ...storageEnv });
  });
  afterAll(() => t.close());

  it(`answers 429 with Retry-After after ${limit} failures a minute, logs once, and still serves a valid key`, async () => {
    const statuses: number[] = [];
    for (let i = 0; i < limit + 3; i += 1) {
      const res = await t.http.get('/probe/items/1').set('Authorization', `Bearer ${createApiKey()}`);
      statuses.push(res.status);
      if (res.status === 429) {
        expect(Number(res.headers['retry-after'])).toBeGreaterThan(0);
        expect(res.body).toEqual({ error: 'Too Many Requests', request_id: res.headers['x-request-id'] });
      }
    }
    expect(statuses).toEqual([...Array<number>(limit).fill(401), 429, 429, 429]);
    // Missing and malformed headers count as failures too.
    await t.http.get('/probe/items/1').expect(429);

    const warnings = t.logs.entries().filter((entry) => entry.level === 40);
    expect(warnings.filter((entry) => entry.msg === 'API key rejected')).toHaveLength(1);
    expect(warnings.filter((entry) => String(entry.msg).startsWith('too many failed authentications'))).toHaveLength(1);

    await t.http.get('/probe/items/1').set('Authorization', `Bearer ${t.primaryKey}`).expect(200, { id: '1' });
    await expectEchoAnswered(t);
  });
});

describe('deep arguments over stdio', () => {
  it(`answers a tools/call nested ${NESTING} levels with an invalid result, and keeps serving`, async () => {
    const kit = await createMcpTestKit({ imports: [DiagnosticsModule] });
    const { stdin, stdout, lines } = stdioPipes();
    const served = kit.app.get(McpStdioServer).start({ stdin, stdout });
    try {
      const answer = async (id: number): Promise<Record<string, unknown> | undefined> => {
        for (let i = 0; i < 250; i += 1) {
          const line = lines.find((entry) => entry.id === id);
          if (line) return line;
          await new Promise((resolve) => setTimeout(resolve, 20));
        }
        return undefined;
      };
      stdin.write(`${JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'initialize', params: { protocolVersion: '2025-11-25', capabilities: {}, clientInfo: { name: 'raw', version: '1' } } })}\n`);
      stdin.write(`${JSON.stringify({ jsonrpc: '2.0', method: 'notifications/initialized' })}\n`);
      stdin.write(`${callBody(`{"text":"x","deep":${deepArray(NESTING)}}`, 2)}\n`);
      const deep = await answer(2);
      expect(deep).toMatchObject({ id: 2, result: { isError: true } });
      const body = JSON.parse(((deep?.result as { content: { text: string }[] }).content[0]).text) as Record<string, unknown>;
      expect(body).toMatchObject({ status: 'invalid' });
      expect(String(body.error)).toContain('BODY_MAX_DEPTH');
      const audit = kit.logs.entries().find((entry) => entry.audit === true && entry.door === 'stdio');
      expect(audit).toMatchObject({ outcome: 'invalid', arguments_sha256: 'unhashable' });

      stdin.write(`${callBody('{"text":"after"}', 3)}\n`);
      expect(await answer(3)).toMatchObject({ id: 3, result: { structuredContent: { text: 'after' } } });
    } finally {
      stdin.end();
      await served;
      await kit.close();
    }
  });
});
