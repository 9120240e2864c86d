import { performance } from 'node:perf_hooks';
import type { Client as McpClient } from '@modelcontextprotocol/sdk/client/index.js';
import { DataSource } from 'typeorm';
import { seedSampleData } from '../../src/platform/database/sample-data';
import { FakeUpstream } from '../support/fake-upstream';
import { TcpProxy } from '../support/tcp-proxy';
import { createTestApp, TestApp } from '../support/test-app';
import { CallOutcome, connectMcpClient, mcpOutcome, restOutcome, startStream, ToolCall } from '../support/fault-kit';
import { sleep } from '../support/wait';

const DEADLINE_MS = 1_000;
/** A REST tool answers within the upstream deadline plus this (the tool's own deadline is 1 s later; a loaded 2-core machine needs the room). */
const REST_MARGIN_MS = 800;
/** The other families answer within this, whatever the upstream does. */
const OTHER_BOUND_MS = 1_000;
/** What a client-visible error must never contain: upstream addresses, bodies, driver codes, stacks. */
const LEAK = /secret|ECONN|ETIMEDOUT|socket|127\.0\.0\.1|:\d{4,5}\b|\.[jt]s:\d+|aborted/i;

const GET_CUSTOMER: ToolCall = { tool: 'get_customer', args: { customer_id: 1 } };
const OTHERS: readonly ToolCall[] = [
  { tool: 'echo', args: { text: 'still here' } },
  { tool: 'sql_query', args: { sql: 'SELECT count(*)::int AS n FROM orders WHERE customer_id <= $1::int', params: [10] } },
  { tool: 'get_top_customers', args: { limit: 3 } },
];

/**
 * The REST tools while their upstream API hangs or is down, with the other families called at the same
 * time: the REST tools answer `retry` within API_DEADLINE_SECONDS, the SQL and diagnostics tools keep
 * answering promptly (no shared pool or event-loop starvation), and the REST tools recover by themselves.
 * The upstream is a real local HTTP server behind a TCP proxy; the upstream connection pool is kept small
 * (API_MAX_CONNECTIONS=4) and outnumbered by concurrent get_customer calls.
 */
describe('Upstream API faults, with the other tool families called alongside', () => {
  let fake: FakeUpstream;
  let proxy: TcpProxy;
  let t: TestApp;
  let mcp: McpClient;

  const restCall = (call: ToolCall): Promise<CallOutcome> => restOutcome(t.url, t.primaryKey, call, DEADLINE_MS * 4);
  const mcpCall = (call: ToolCall): Promise<CallOutcome> => mcpOutcome(mcp, call, DEADLINE_MS * 4);

  /** Eight get_customer callers over REST and two over /mcp, beside one caller cycling through the other families. */
  function startMixedStream(): { stop: () => Promise<CallOutcome[]> } {
    let next = 0;
    return startStream(
      [
        ...Array.from({ length: 8 }, () => () => restCall(GET_CUSTOMER)),
        ...Array.from({ length: 2 }, () => () => mcpCall(GET_CUSTOMER)),
        () => restCall(OTHERS[next++ % OTHERS.length]),
      ],
      20,
    );
  }

  function expectOthersUnaffected(outcomes: readonly CallOutcome[]): void {
    const others = outcomes.filter((o) => o.tool !== GET_CUSTOMER.tool);
    expect(new Set(others.map((o) => o.tool))).toEqual(new Set(OTHERS.map((call) => call.tool)));
    expect(others.filter((o) => o.kind !== 'ok' || o.ms > OTHER_BOUND_MS)).toEqual([]);
  }

  function expectRestRetryWithinDeadline(outcomes: readonly CallOutcome[], message: string): void {
    const rest = outcomes.filter((o) => o.tool === GET_CUSTOMER.tool);
    expect(rest.length).toBeGreaterThan(10);
    expect(new Set(rest.map((o) => o.door))).toEqual(new Set(['rest', 'mcp']));
    expect(rest.filter((o) => o.kind !== 'retry' || o.ms > DEADLINE_MS + REST_MARGIN_MS || LEAK.test(o.text))).toEqual([]);
    expect(new Set(rest.map((o) => (JSON.parse(o.text) as { error: string }).error))).toEqual(new Set([message]));
  }

  /** get_customer answers the customer again (first try after the fault ended may still be in flight). */
  async function expectRecovered(): Promise<void> {
    const started = performance.now();
    let last: CallOutcome;
    do {
      last = await restCall(GET_CUSTOMER);
      if (last.kind === 'ok') break;
      await sleep(100);
    } while (performance.now() - started < 5_000);
    expect(last.kind).toBe('ok');
    expect(JSON.parse(last.text)).toMatchObject({ id: 1, name: 'Ada Lovelace' });
    expect(await mcpCall(GET_CUSTOMER)).toMatchObject({ kind: 'ok' });
  }

  beforeAll(async () => {
    fake = await FakeUpstream.start({ prefix: '/api' });
    proxy = await TcpProxy.start(Number(new URL(fake.url).port));
    t = await createTestApp({
      API_BASE_URL: `http://127.0.0.1:${proxy.port}/api`,
      API_DEADLINE_SECONDS: String(DEADLINE_MS / 1000),
      API_TIMEOUT_SECONDS: '0.4',
      API_MAX_RETRIES: '2',
      API_BACKOFF_FACTOR: '0.05',
      API_MAX_CONNECTIONS: '4',
      // Keep the breaker closed: every call must go through the deadline path under load.
      API_CIRCUIT_FAILURE_THRESHOLD: '1000',
      RATE_LIMIT_RPM: '1000000',
    });
    await seedSampleData(t.app.get(DataSource));
    mcp = await connectMcpClient(t.url, t.primaryKey, 'fault-upstream');
  }, 30_000);

  afterAll(async () => {
    await mcp?.close();
    await t?.close();
    await proxy?.close();
    await fake?.close();
  });

  beforeEach(() => fake.reset());

  it('answers retry within the deadline while the upstream hangs, and the SQL and echo tools stay prompt', async () => {
    fake.always('*', { kind: 'hang' });
    const stream = startMixedStream();
    await sleep(2_500);
    const ready = await fetch(`${t.url}/health/ready`);
    const outcomes = await stream.stop();

    expectRestRetryWithinDeadline(outcomes, 'The upstream API did not answer in time');
    expectOthersUnaffected(outcomes);
    expect(ready.status).toBe(200);
    // The upstream saw the attempts time out: the client gave each one up rather than leaving it open.
    expect(fake.requests.length).toBeGreaterThan(0);
    await fake.until(() => fake.requests.every((request) => request.aborted), 2_000);

    fake.reset();
    await expectRecovered();
  }, 20_000);

  it('answers retry at once while the upstream is down (connections refused), and the other tools stay prompt', async () => {
    proxy.refuse();
    proxy.cut();
    const stream = startMixedStream();
    await sleep(1_500);
    const outcomes = await stream.stop();

    expectRestRetryWithinDeadline(outcomes, 'The upstream API could not be reached');
    expectOthersUnaffected(outcomes);

    await proxy.resume();
    await expectRecovered();
  }, 20_000);
});
