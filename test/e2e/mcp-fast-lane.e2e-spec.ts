import { CanActivate } from '@nestjs/common';
import { GUARDS_METADATA } from '@nestjs/common/constants';
import { ApplicationConfig } from '@nestjs/core';
import { McpDirectRoute } from '../../src/platform/mcp/mcp-direct-route';
import { McpController } from '../../src/platform/mcp/mcp.controller';
import { McpServerFactory } from '../../src/platform/mcp/mcp-server.factory';
import { createTestApp, TestApp } from '../support/test-app';

const KEY = 'fast-lane-e2e-key-0123456789abcdef';
const REQUEST_ID = 'fast-lane-e2e-request';
const ENVELOPE = {
  'io.modelcontextprotocol/protocolVersion': '2026-07-28',
  'io.modelcontextprotocol/clientInfo': { name: 'fast-lane-e2e', version: '1.0.0' },
  'io.modelcontextprotocol/clientCapabilities': {},
};
const LEGACY: Record<string, string> = {
  'Content-Type': 'application/json',
  Accept: 'application/json, text/event-stream',
  'MCP-Protocol-Version': '2025-11-25',
  Authorization: `Bearer ${KEY}`,
  'X-Request-ID': REQUEST_ID,
};
const MODERN: Record<string, string> = { ...LEGACY, 'MCP-Protocol-Version': '2026-07-28' };

interface Exchange {
  readonly name: string;
  /** Answered without the SDK's per-request server (in the fast app). */
  readonly fast?: true;
  readonly path?: string;
  readonly headers: Record<string, string | undefined>;
  readonly body: string;
}

const call = (args: unknown, extra: Record<string, unknown> = {}): string =>
  JSON.stringify({ jsonrpc: '2.0', id: 7, method: 'tools/call', params: { name: 'echo', arguments: args, ...extra } });
const modernCall = (name: string, args: unknown): string =>
  JSON.stringify({ jsonrpc: '2.0', id: 'm1', method: 'tools/call', params: { name, arguments: args, _meta: ENVELOPE } });

/** Every shape the fast lane answers, and its near misses, which it must leave to the SDK. */
const EXCHANGES: Exchange[] = [
  { name: '2025-11-25 call', fast: true, headers: LEGACY, body: call({ text: 'hello' }) },
  { name: '2025-06-18 call', fast: true, headers: { ...LEGACY, 'MCP-Protocol-Version': '2025-06-18' }, body: call({ text: 'hello' }) },
  { name: '2025-03-26 call', fast: true, headers: { ...LEGACY, 'MCP-Protocol-Version': '2025-03-26' }, body: call({ text: 'hello' }) },
  { name: 'call without a version header', fast: true, headers: { ...LEGACY, 'MCP-Protocol-Version': undefined }, body: call({ text: 'hello' }) },
  { name: 'call with invalid arguments (a tool error)', fast: true, headers: LEGACY, body: call({ text: 5 }) },
  { name: 'call with no arguments', fast: true, headers: LEGACY, body: JSON.stringify({ jsonrpc: '2.0', id: 7, method: 'tools/call', params: { name: 'echo' } }) },
  { name: 'call of an unknown tool', headers: LEGACY, body: JSON.stringify({ jsonrpc: '2.0', id: 7, method: 'tools/call', params: { name: 'nope', arguments: {} } }) },
  { name: 'call with a progress token (streamed)', headers: LEGACY, body: call({ text: 'hello' }, { _meta: { progressToken: 'p' } }) },
  { name: 'call with arguments that are an array', headers: LEGACY, body: call([1]) },
  { name: 'tools/list', fast: true, headers: LEGACY, body: JSON.stringify({ jsonrpc: '2.0', id: 'l', method: 'tools/list' }) },
  { name: 'tools/list with a cursor', headers: LEGACY, body: JSON.stringify({ jsonrpc: '2.0', id: 'l', method: 'tools/list', params: { cursor: 'x' } }) },
  { name: '2026-07-28 call', fast: true, headers: { ...MODERN, 'Mcp-Method': 'tools/call', 'Mcp-Name': 'echo' }, body: modernCall('echo', { text: 'hello' }) },
  { name: '2026-07-28 call, tool error', fast: true, headers: { ...MODERN, 'Mcp-Method': 'tools/call', 'Mcp-Name': 'echo' }, body: modernCall('echo', { text: 5 }) },
  { name: '2026-07-28 call without Mcp-Name', headers: { ...MODERN, 'Mcp-Method': 'tools/call' }, body: modernCall('echo', { text: 'hello' }) },
  { name: '2026-07-28 call, Mcp-Name differs', headers: { ...MODERN, 'Mcp-Method': 'tools/call', 'Mcp-Name': 'other' }, body: modernCall('echo', { text: 'hello' }) },
  {
    name: '2026-07-28 tools/list',
    fast: true,
    headers: { ...MODERN, 'Mcp-Method': 'tools/list' },
    body: JSON.stringify({ jsonrpc: '2.0', id: 'm2', method: 'tools/list', params: { _meta: ENVELOPE } }),
  },
  { name: 'no credentials', headers: { ...LEGACY, Authorization: undefined }, body: call({ text: 'hello' }) },
  { name: 'a wrong key', headers: { ...LEGACY, Authorization: 'Bearer not-the-key-0123456789abcdef' }, body: call({ text: 'hello' }) },
  { name: 'an Origin not allowed', headers: { ...LEGACY, Origin: 'https://evil.example' }, body: call({ text: 'hello' }) },
  { name: 'a Host not allowed', headers: { ...LEGACY, Host: 'evil.example' }, body: call({ text: 'hello' }) },
  { name: 'malformed JSON', headers: LEGACY, body: '{"jsonrpc":' },
  { name: 'a batch', headers: LEGACY, body: `[${call({ text: 'hello' })}]` },
  { name: 'a body nested too deep', headers: LEGACY, body: call(JSON.parse('{"a":'.repeat(70) + '1' + '}'.repeat(70))) },
  { name: 'a Content-Type that is not JSON', headers: { ...LEGACY, 'Content-Type': 'text/plain' }, body: call({ text: 'hello' }) },
  { name: 'an Accept without SSE', headers: { ...LEGACY, Accept: 'application/json' }, body: call({ text: 'hello' }) },
  { name: 'an unsupported version header', headers: { ...LEGACY, 'MCP-Protocol-Version': '2024-01-01' }, body: call({ text: 'hello' }) },
  { name: 'the path spelled /MCP/', fast: true, path: '/MCP/?x=1', headers: LEGACY, body: call({ text: 'hello' }) },
  { name: 'a notification', headers: LEGACY, body: JSON.stringify({ jsonrpc: '2.0', method: 'notifications/cancelled', params: { requestId: 99 } }) },
];

/** The lines about a request itself, which the direct route writes with its own request log. */
const LOGGED_MESSAGES = new Set(['request completed', 'request errored', 'request aborted', 'API key rejected']);

/** What a client can observe of one answer: status, media type, the headers that carry meaning, the body. */
interface Observed {
  /** The request's lines: the request line (when not silent) and the rejected-key line, without timings. */
  logs?: Record<string, unknown>[];
  readonly status: number;
  readonly type: string;
  readonly headers: Record<string, string | null>;
  readonly body: unknown;
}

async function observe(t: TestApp, exchange: Exchange): Promise<Observed> {
  const headers = Object.fromEntries(Object.entries(exchange.headers).filter((entry): entry is [string, string] => entry[1] !== undefined));
  const res = await fetch(`${t.url}${exchange.path ?? '/mcp'}`, { method: 'POST', headers, body: exchange.body });
  const text = await res.text();
  const type = (res.headers.get('content-type') ?? '').split(';')[0];
  const sse = type === 'text/event-stream' ? text.split('\n').filter((line) => line.startsWith('data: ')).map((line) => JSON.parse(line.slice(6)) as unknown) : undefined;
  return {
    status: res.status,
    type,
    headers: Object.fromEntries(['x-request-id', 'www-authenticate', 'x-ratelimit-limit', 'retry-after', 'allow'].map((name) => [name, res.headers.get(name)])),
    body: sse ?? (text === '' ? '' : (JSON.parse(text) as unknown)),
  };
}

/**
 * The fast lane (the direct POST route and the fast tools/list + tools/call answers) against the long way
 * (`MCP_FAST_LANE=false`: Express's router, Nest's pipeline, the SDK's per-request server), on the same requests:
 * what a client observes must be the same, for the shapes the lane answers and for every near miss.
 */
describe('/mcp fast lane: the same answers as the SDK path', () => {
  const answers = new Map<string, Observed[]>();
  const builds = new Map<string, number>();
  const direct = jest.spyOn(McpDirectRoute.prototype, 'serve');

  async function record(lane: 'fast' | 'sdk'): Promise<void> {
    const t = await createTestApp({ API_KEY_PRIMARY: KEY, MCP_FAST_LANE: lane === 'fast' ? 'true' : 'false', RATE_LIMIT_RPM: '1000' });
    const built = jest.spyOn(t.app.get(McpServerFactory), 'create');
    try {
      const observed: Observed[] = [];
      for (const exchange of EXCHANGES) {
        built.mockClear();
        const before = t.logs.lines.length;
        const answer = await observe(t, exchange);
        await new Promise((resolve) => setTimeout(resolve, 20));
        answer.logs = t.logs.lines
          .slice(before)
          .map((line) => JSON.parse(line) as Record<string, unknown>)
          .filter((entry) => LOGGED_MESSAGES.has(String(entry.msg)))
          .map(({ time: _time, responseTime: _responseTime, ...rest }) => rest);
        observed.push(answer);
        builds.set(`${lane} ${exchange.name}`, built.mock.calls.length);
      }
      // The app still answers after every near miss.
      observed.push(await observe(t, EXCHANGES[0]));
      answers.set(lane, observed);
    } finally {
      await t.close();
    }
  }

  beforeAll(async () => {
    await record('fast');
    directServed = direct.mock.calls.length;
    await record('sdk');
    directServedWhenOff = direct.mock.calls.length - directServed;
  }, 120_000);
  let directServed = 0;
  let directServedWhenOff = 0;

  afterAll(() => direct.mockRestore());

  it('takes the fast lane for exactly the shapes it claims, and only when on', () => {
    expect(directServed).toBe(EXCHANGES.length + 1);
    expect(directServedWhenOff).toBe(0);
    for (const exchange of EXCHANGES) {
      if (exchange.fast) expect([exchange.name, builds.get(`fast ${exchange.name}`)]).toEqual([exchange.name, 0]);
    }
    const sdkBuilt = EXCHANGES.filter((exchange) => exchange.fast).map((exchange) => builds.get(`sdk ${exchange.name}`));
    expect(sdkBuilt.every((count) => (count ?? 0) >= 1)).toBe(true);
    expect(builds.get('fast call with a progress token (streamed)')).toBeGreaterThanOrEqual(1);
  });

  it.each(EXCHANGES.map((exchange, index) => [exchange.name, index] as const))('%s', (_name, index) => {
    const fast = answers.get('fast')?.[index];
    const sdk = answers.get('sdk')?.[index];
    expect(sdk).toBeDefined();
    expect(fast).toEqual(sdk);
  });

  it('logs the refused requests alike on both paths (the comparison is not between two empty logs)', () => {
    const names = EXCHANGES.map((exchange) => exchange.name);
    const wrongKey = answers.get('fast')?.[names.indexOf('a wrong key')]?.logs ?? [];
    expect(wrongKey.map((entry) => entry.msg)).toEqual(['API key rejected', 'request completed']);
    expect(wrongKey[1]).toMatchObject({ level: 40, request_id: REQUEST_ID, req: { method: 'POST', url: '/mcp' }, res: { status: 401 } });
    expect(answers.get('fast')?.[0]?.logs).toEqual([]);
  });

  it('answers the first call with the echo after all of them', () => {
    const last = answers.get('fast')?.at(-1);
    expect(last?.status).toBe(200);
    expect(last?.body).toMatchObject({ id: 7, result: { structuredContent: { text: 'hello', request_id: REQUEST_ID } } });
  });
});

/**
 * Architecture: the direct route may skip Express's router, never a rule. Its guards must be the very instances
 * Nest runs for the `/mcp` controller method, in Nest's order: every global guard (API key/OAuth, rate limit,
 * and any added later), then the controller's and the method's own (`@UseGuards`). A guard added to any of
 * those places and not to the direct route fails here.
 */
describe('/mcp direct route: the guards Nest runs for the route', () => {
  it('runs the global guard instances, then the controller and method guards, in order', async () => {
    const installed: McpDirectRoute[] = [];
    const install = jest.spyOn(McpDirectRoute.prototype, 'install').mockImplementation(function (this: McpDirectRoute) {
      installed.push(this);
    });
    const t = await createTestApp({ API_KEY_PRIMARY: KEY });
    install.mockRestore();
    try {
      const globals = (t.app as unknown as { config: ApplicationConfig }).config.getGlobalGuards();
      const declared = [
        ...((Reflect.getMetadata(GUARDS_METADATA, McpController) as (new (...args: never[]) => CanActivate)[] | undefined) ?? []),
        ...((Reflect.getMetadata(GUARDS_METADATA, McpController.prototype.handle) as (new (...args: never[]) => CanActivate)[] | undefined) ?? []),
      ];
      expect(installed).toHaveLength(1);
      const guards = (installed[0] as unknown as { target: { guards: readonly CanActivate[] } }).target.guards;
      expect(globals.length).toBeGreaterThanOrEqual(2);
      expect(guards).toHaveLength(globals.length + declared.length);
      globals.forEach((guard, index) => expect(guards[index]).toBe(guard));
      declared.forEach((type, index) => expect(guards[globals.length + index]).toBeInstanceOf(type));
    } finally {
      await t.close();
    }
  });
});
