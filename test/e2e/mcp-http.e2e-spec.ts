import { Client as ClientV1 } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport as TransportV1 } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { Client as ClientV2, StreamableHTTPClientTransport as TransportV2 } from '@modelcontextprotocol/client';
import { FixtureTools, FixtureToolsModule } from '../fixtures/fixture.tools';
import { createTestApp, TestApp } from '../support/test-app';

const MODERN = '2026-07-28';

/** The per-request `_meta` envelope a 2026-07-28 request carries instead of an `initialize` handshake. */
function modernMeta(): Record<string, unknown> {
  return {
    'io.modelcontextprotocol/protocolVersion': MODERN,
    'io.modelcontextprotocol/clientInfo': { name: 'raw-e2e', version: '1.0.0' },
    'io.modelcontextprotocol/clientCapabilities': {},
  };
}

describe('/mcp over real HTTP', () => {
  let t: TestApp;
  const auth = (): Record<string, string> => ({ Authorization: `Bearer ${t.primaryKey}` });

  async function v1Client(): Promise<ClientV1> {
    const client = new ClientV1({ name: 'e2e-v1', version: '1.0.0' });
    await client.connect(new TransportV1(new URL(`${t.url}/mcp`), { requestInit: { headers: auth() } }));
    return client;
  }

  async function v2Client(): Promise<ClientV2> {
    const client = new ClientV2({ name: 'e2e-v2', version: '1.0.0' }, { versionNegotiation: { mode: { pin: MODERN } } });
    await client.connect(new TransportV2(new URL(`${t.url}/mcp`), { requestInit: { headers: auth() } }));
    return client;
  }

  /** `callTool` with request options: the v1 client takes them third, the v2 client second. */
  function callWithOptions(
    client: ClientV1 | ClientV2,
    params: { name: string; arguments: Record<string, unknown> },
    options: { signal?: AbortSignal; onprogress?: (progress: { progress: number }) => void },
  ): Promise<unknown> {
    return client instanceof ClientV1 ? client.callTool(params, undefined, options) : client.callTool(params, options);
  }

  /** One raw JSON-RPC POST, as a 2025-era stateless client sends it. */
  async function rpc(body: string, headers: Record<string, string> = {}): Promise<{ status: number; json: unknown; text: string }> {
    const res = await fetch(`${t.url}/mcp`, {
      method: 'POST',
      headers: {
        'Content-Type': 'application/json',
        Accept: 'application/json, text/event-stream',
        'MCP-Protocol-Version': '2025-11-25',
        ...auth(),
        ...headers,
      },
      body,
    });
    const text = await res.text();
    const data = text.startsWith('event:') || text.startsWith('data:') ? /data: (.*)/.exec(text)?.[1] : text;
    let json: unknown;
    try {
      json = data ? JSON.parse(data) : undefined;
    } catch {
      json = undefined;
    }
    return { status: res.status, json, text };
  }

  beforeAll(async () => {
    t = await createTestApp({ ALLOWED_ORIGINS: 'https://agents.example', BODY_LIMIT_BYTES: '4096' }, { imports: [FixtureToolsModule] });
  });
  afterAll(() => t.close());

  describe.each([
    ['2025 era, v1 SDK client', v1ClientFactory],
    ['2026-07-28 era, v2 SDK client', v2ClientFactory],
  ])('%s', (_era, make) => {
    let client: ClientV1 | ClientV2;

    beforeAll(async () => {
      client = await make();
    });
    afterAll(() => client.close());

    it('lists the tools in name order', async () => {
      const { tools } = await client.listTools();
      expect(tools.map((tool) => tool.name)).toEqual([...tools.map((tool) => tool.name)].sort());
      expect(tools.map((tool) => tool.name)).toEqual(expect.arrayContaining(['echo', 'fixture_add', 'fixture_wait']));
    });

    it('calls a tool and gets structured content with the HTTP request id', async () => {
      const result = await client.callTool({ name: 'echo', arguments: { text: 'hello' } });
      expect(result.isError).toBeFalsy();
      expect(result.structuredContent).toMatchObject({ text: 'hello', request_id: expect.any(String) });
    });

    it('answers bad arguments with an isError result naming the field', async () => {
      const result = await client.callTool({ name: 'echo', arguments: { text: 42 } });
      expect(result.isError).toBe(true);
      const body = JSON.parse((result.content as { text: string }[])[0].text) as { status: string; issues: unknown[] };
      expect(body).toMatchObject({ status: 'invalid', issues: expect.arrayContaining([{ field: 'text', message: 'must be a string' }]) });
    });

    it('answers an unknown tool with a protocol error', async () => {
      await expect(client.callTool({ name: 'nope', arguments: {} })).rejects.toThrow(/Unknown tool: nope/);
    });

    it('delivers progress notifications', async () => {
      const seen: number[] = [];
      const result = await callWithOptions(client, { name: 'fixture_wait', arguments: { ms: 60, steps: 3 } }, {
        onprogress: (progress) => seen.push(progress.progress),
      });
      expect(result).toMatchObject({ structuredContent: { waited: 60 } });
      expect(seen).toEqual([1, 2, 3]);
    });

    it('aborts the tool when the client cancels', async () => {
      const tools = t.app.get(FixtureTools);
      tools.lastWaitAbort = undefined;
      const controller = new AbortController();
      const call = callWithOptions(client, { name: 'fixture_wait', arguments: { ms: 1500 } }, { signal: controller.signal });
      setTimeout(() => controller.abort('stop'), 150);
      await expect(call).rejects.toThrow();
      for (let i = 0; i < 40 && tools.lastWaitAbort === undefined; i += 1) await new Promise((resolve) => setTimeout(resolve, 25));
      expect(tools.lastWaitAbort).toBe('CallCancelled');
    });
  });

  function v1ClientFactory(): Promise<ClientV1 | ClientV2> {
    return v1Client();
  }
  function v2ClientFactory(): Promise<ClientV1 | ClientV2> {
    return v2Client();
  }

  it('answers a 2025-era call as one JSON body, or as an SSE stream carrying its progress when it asks for progress', async () => {
    const call = (meta: Record<string, unknown>): string =>
      JSON.stringify({ jsonrpc: '2.0', id: 7, method: 'tools/call', params: { name: 'fixture_wait', arguments: { ms: 20, steps: 2 }, ...meta } });
    const plain = await fetch(`${t.url}/mcp`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Accept: 'application/json, text/event-stream', 'MCP-Protocol-Version': '2025-11-25', ...auth() },
      body: call({}),
    });
    expect(plain.headers.get('content-type')).toMatch(/^application\/json/);
    expect(await plain.json()).toMatchObject({ id: 7, result: { structuredContent: { waited: 20 } } });

    const streamed = await fetch(`${t.url}/mcp`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Accept: 'application/json, text/event-stream', 'MCP-Protocol-Version': '2025-11-25', ...auth() },
      body: call({ _meta: { progressToken: 'p1' } }),
    });
    expect(streamed.headers.get('content-type')).toMatch(/^text\/event-stream/);
    const messages = (await streamed.text())
      .split('\n')
      .filter((line) => line.startsWith('data:'))
      .map((line) => JSON.parse(line.slice(5)) as { method?: string; params?: { progress?: number }; result?: unknown });
    expect(messages.filter((m) => m.method === 'notifications/progress').map((m) => m.params?.progress)).toEqual([1, 2]);
    expect(messages.at(-1)).toMatchObject({ id: 7, result: { structuredContent: { waited: 20 } } });
  });

  it('refuses a 2025-era call that does not accept both answer types, on the JSON leg as on the SDK\'s', async () => {
    const answer = await rpc(JSON.stringify({ jsonrpc: '2.0', id: 8, method: 'tools/call', params: { name: 'echo', arguments: { text: 'x' } } }), {
      Accept: 'application/json',
    });
    expect(answer.status).toBe(406);
    const after = await rpc(JSON.stringify({ jsonrpc: '2.0', id: 9, method: 'tools/list' }));
    expect(after.status).toBe(200);
  });

  it('keeps concurrent clients apart even when they reuse the same JSON-RPC ids', async () => {
    const calls = Array.from({ length: 12 }, (_, i) =>
      rpc(JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/call', params: { name: 'fixture_add', arguments: { a: i, b: 100 } } })),
    );
    const answers = await Promise.all(calls);
    answers.forEach((answer, i) => {
      expect(answer.status).toBe(200);
      expect(answer.json).toMatchObject({ id: 1, result: { structuredContent: { sum: i + 100 } } });
    });
  });

  it.each(['2025-11-25', MODERN])('aborts the tool when the client drops the connection (%s)', async (version) => {
    const tools = t.app.get(FixtureTools);
    tools.lastWaitAbort = undefined;
    const dropped = new AbortController();
    const params = { name: 'fixture_wait', arguments: { ms: 1500 } };
    const body =
      version === MODERN
        ? { jsonrpc: '2.0', id: 5, method: 'tools/call', params: { ...params, _meta: modernMeta() } }
        : { jsonrpc: '2.0', id: 5, method: 'tools/call', params };
    const call = fetch(`${t.url}/mcp`, {
      method: 'POST',
      signal: dropped.signal,
      headers: {
        'Content-Type': 'application/json',
        Accept: 'application/json, text/event-stream',
        'MCP-Protocol-Version': version,
        ...(version === MODERN ? { 'Mcp-Method': 'tools/call', 'Mcp-Name': 'fixture_wait' } : {}),
        ...auth(),
      },
      body: JSON.stringify(body),
    });
    setTimeout(() => dropped.abort(), 150);
    await expect(call).rejects.toThrow();
    for (let i = 0; i < 40 && tools.lastWaitAbort === undefined; i += 1) await new Promise((resolve) => setTimeout(resolve, 25));
    expect(tools.lastWaitAbort).toBe('CallCancelled');
  });

  it('exports tool metrics: calls by tool, status and key id; duration; in-flight', async () => {
    const res = await fetch(`${t.url}/metrics`, { headers: auth() });
    const text = await res.text();
    expect(text).toMatch(/mcp_tool_calls_total\{tool="echo",status="ok",key_id="primary"\} [1-9]/);
    expect(text).toMatch(/mcp_tool_calls_total\{tool="echo",status="invalid",key_id="primary"\} [1-9]/);
    expect(text).toMatch(/mcp_tool_calls_total\{tool="fixture_wait",status="cancelled",key_id="primary"\} [1-9]/);
    expect(text).toMatch(/mcp_tool_duration_seconds_count\{tool="echo"\} [1-9]/);
    expect(text).toContain('mcp_tool_in_flight{tool="fixture_wait"} 0');
    expect(text).not.toContain('tool="nope"');
  });

  describe('protocol errors (never -32603, never a crash)', () => {
    it('answers malformed JSON with a parse error', async () => {
      const answer = await rpc('{"jsonrpc": "2.0", "id": 1, "method": ');
      expect(answer.status).toBe(400);
      expect(answer.json).toMatchObject({ error: { code: -32700 } });
    });

    it('refuses a batch array with invalid request', async () => {
      const answer = await rpc(JSON.stringify([{ jsonrpc: '2.0', id: 1, method: 'tools/list' }]));
      expect(answer.status).toBe(400);
      expect(answer.json).toMatchObject({ id: null, error: { code: -32600, data: { request_id: expect.any(String) } } });
    });

    it('answers an unknown method with method-not-found', async () => {
      const answer = await rpc(JSON.stringify({ jsonrpc: '2.0', id: 7, method: 'tools/frobnicate', params: {} }));
      expect(answer.json).toMatchObject({ id: 7, error: { code: -32601 } });
    });

    it('answers tools/call without a name with invalid params', async () => {
      const answer = await rpc(JSON.stringify({ jsonrpc: '2.0', id: 8, method: 'tools/call', params: { arguments: {} } }));
      expect(answer.json).toMatchObject({ id: 8, error: { code: -32602 } });
    });

    it('answers an unsupported MCP-Protocol-Version with 400', async () => {
      const answer = await rpc(JSON.stringify({ jsonrpc: '2.0', id: 9, method: 'tools/list' }), { 'MCP-Protocol-Version': '1999-01-01' });
      expect(answer.status).toBe(400);
    });

    it('answers a body over the limit with 413', async () => {
      const answer = await rpc(
        JSON.stringify({ jsonrpc: '2.0', id: 10, method: 'tools/call', params: { name: 'echo', arguments: { text: 'x'.repeat(8000) } } }),
      );
      expect(answer.status).toBe(413);
      expect(answer.json).toMatchObject({ error: { code: -32600, message: 'Request body too large' } });
    });

    it('keeps serving after all of that', async () => {
      const answer = await rpc(JSON.stringify({ jsonrpc: '2.0', id: 11, method: 'tools/list' }));
      expect(answer.status).toBe(200);
    });
  });

  describe('guards', () => {
    it('requires an API key', async () => {
      const res = await fetch(`${t.url}/mcp`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '{}' });
      expect(res.status).toBe(401);
      expect(res.headers.get('www-authenticate')).toMatch(/^Bearer/);
    });

    it('refuses a foreign Origin with 403 and accepts an allowed one', async () => {
      const list = JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/list' });
      const foreign = await rpc(list, { Origin: 'https://evil.example' });
      expect(foreign.status).toBe(403);
      expect(foreign.json).toMatchObject({ error: 'Forbidden', request_id: expect.any(String) });
      expect((await rpc(list, { Origin: 'https://agents.example' })).status).toBe(200);
    });

    it('answers GET (no server-sent stream in stateless mode) with 405', async () => {
      const res = await fetch(`${t.url}/mcp`, { headers: { Accept: 'text/event-stream', ...auth() } });
      expect(res.status).toBe(405);
    });
  });
});

describe('/mcp rate limit', () => {
  it('shares the per-key budget with every other route', async () => {
    const t = await createTestApp({ RATE_LIMIT_RPM: '2' });
    try {
      const post = (): Promise<Response> =>
        fetch(`${t.url}/mcp`, {
          method: 'POST',
          headers: {
            'Content-Type': 'application/json',
            Accept: 'application/json, text/event-stream',
            'MCP-Protocol-Version': '2025-11-25',
            Authorization: `Bearer ${t.primaryKey}`,
          },
          body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/list' }),
        });
      expect((await post()).status).toBe(200);
      expect((await t.http.get('/probe/items/1').set('Authorization', `Bearer ${t.primaryKey}`)).status).toBe(200);
      const limited = await post();
      expect(limited.status).toBe(429);
      expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
    } finally {
      await t.close();
    }
  });
});
