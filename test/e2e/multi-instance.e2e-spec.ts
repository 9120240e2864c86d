import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { createApiKey, createRedisPrefix } from '../factories/api-key.factory';
import { TEST_REDIS_URL } from '../support/redis-server';
import { ListeningServer, startListeningServer, stopServer } from '../support/server-process';
import { waitFor } from '../support/wait';
import { TEST_DB_URL } from '../support/test-database';
import { resultOf } from '../support/tool-results';

const RPM = 20;

interface Served {
  readonly origin: string;
  readonly method: string;
  readonly sessionId: string | null;
}

/** One raw 2025-era JSON-RPC POST to `/mcp`, without any `initialize` sent to that process before. */
async function rpc(url: string, key: string, method: string, params: unknown): Promise<{ status: number; headers: Headers; body: unknown }> {
  const res = await fetch(`${url}/mcp`, {
    method: 'POST',
    headers: {
      Authorization: `Bearer ${key}`,
      'Content-Type': 'application/json',
      Accept: 'application/json, text/event-stream',
      'MCP-Protocol-Version': '2025-11-25',
    },
    body: JSON.stringify({ jsonrpc: '2.0', id: 1, method, params }),
  });
  const text = await res.text();
  const data = /^data: (.*)$/m.exec(text)?.[1] ?? text;
  return { status: res.status, headers: res.headers, body: res.ok ? JSON.parse(data) : text };
}

describe('two server processes sharing one PostgreSQL and one Redis', () => {
  const primary = createApiKey();
  const secondary = createApiKey();
  let cwd: string;
  let a: ListeningServer | undefined;
  let b: ListeningServer | undefined;
  const servers = (): [ListeningServer, ListeningServer] => [a as ListeningServer, b as ListeningServer];

  beforeAll(async () => {
    cwd = mkdtempSync(join(tmpdir(), 'mcp-multi-instance-'));
    const env = {
      DB_URL: TEST_DB_URL,
      RATE_LIMIT_STORAGE: 'redis',
      REDIS_URL: TEST_REDIS_URL,
      RATE_LIMIT_REDIS_PREFIX: createRedisPrefix(),
      RATE_LIMIT_RPM: String(RPM),
      API_KEY_PRIMARY: primary,
      API_KEY_SECONDARY: secondary,
    };
    const started = await Promise.allSettled([startListeningServer(env, cwd), startListeningServer(env, cwd)]);
    [a, b] = started.map((result) => (result.status === 'fulfilled' ? result.value : undefined));
    for (const result of started) if (result.status === 'rejected') throw result.reason;
  }, 45_000);

  afterAll(async () => {
    await Promise.all([stopServer(a), stopServer(b)]);
    rmSync(cwd, { recursive: true, force: true });
  }, 10_000);

  it('serves one SDK client through a round-robin balancer: initialize, tools/list and tools/call land on either process', async () => {
    const [first, second] = servers();
    const served: Served[] = [];
    let turn = 0;
    const balancer = async (input: string | URL, init?: RequestInit): Promise<Response> => {
      const target = new URL(input);
      const backend = turn++ % 2 === 0 ? first : second;
      target.port = String(backend.port);
      const response = await fetch(target, init);
      const body = typeof init?.body === 'string' ? (JSON.parse(init.body) as { method?: string }) : {};
      served.push({ origin: target.origin, method: `${init?.method ?? 'GET'} ${body.method ?? ''}`.trim(), sessionId: response.headers.get('mcp-session-id') });
      return response;
    };
    const client = new Client({ name: 'multi-instance-e2e', version: '1.0.0' });
    await client.connect(
      new StreamableHTTPClientTransport(new URL(`${first.url}/mcp`), { fetch: balancer, requestInit: { headers: { Authorization: `Bearer ${primary}` } } }),
    );
    try {
      const tools = await client.listTools();
      expect(tools.tools.map((tool) => tool.name)).toContain('echo');
      for (const text of ['one', 'two', 'three', 'four']) {
        expect(resultOf(await client.callTool({ name: 'echo', arguments: { text } }))).toMatchObject({ text });
      }
    } finally {
      await client.close();
    }
    const callsOn = (server: ListeningServer): Served[] => served.filter((s) => s.origin === server.url && s.method === 'POST tools/call');
    expect(served.find((s) => s.method === 'POST initialize')?.origin).toBe(first.url);
    expect(callsOn(first).length).toBeGreaterThan(0);
    expect(callsOn(second).length).toBeGreaterThan(0);
    expect(served.filter((s) => s.sessionId !== null)).toEqual([]);
  }, 15_000);

  it('answers a tools/call on the second process that never saw an initialize, and logs it there', async () => {
    const [, second] = servers();
    const res = await rpc(second.url, primary, 'tools/call', { name: 'echo', arguments: { text: 'no session needed' } });
    expect(res.status).toBe(200);
    expect(res.headers.get('mcp-session-id')).toBeNull();
    const result = resultOf<{ text: string; request_id: string }>((res.body as { result: unknown }).result);
    expect(result.text).toBe('no session needed');
    expect(res.headers.get('x-request-id')).toBe(result.request_id);
    // The audit line reaches the process's stdout pipe just after the answer: wait for it, bounded.
    await waitFor(() => second.stdout().includes(result.request_id), 3_000, `request ${result.request_id} in the second process's log`);
    expect(second.stdout()).toContain(result.request_id);
  }, 10_000);

  it('lists the same tools, with the same schemas, on both processes', async () => {
    const [first, second] = servers();
    const [fromA, fromB] = await Promise.all([first, second].map((server) => rpc(server.url, primary, 'tools/list', {})));
    expect(fromA.status).toBe(200);
    const tools = (fromA.body as { result: { tools: { name: string }[] } }).result.tools;
    expect(tools.map((tool) => tool.name)).toEqual(expect.arrayContaining(['echo', 'sql_query']));
    expect(fromB.body).toEqual(fromA.body);
  }, 10_000);

  it('keeps one per-key budget across both: the request after RATE_LIMIT_RPM gets 429 on either process', async () => {
    const [first, second] = servers();
    const statuses: number[] = [];
    for (let i = 0; i < RPM + 2; i += 1) {
      const server = i % 2 === 0 ? first : second;
      const res = await rpc(server.url, secondary, 'tools/call', { name: 'echo', arguments: { text: String(i) } });
      statuses.push(res.status);
      if (res.status === 429) expect(Number(res.headers.get('retry-after'))).toBeGreaterThan(0);
    }
    expect(statuses).toEqual([...Array<number>(RPM).fill(200), 429, 429]);
  }, 15_000);
});
