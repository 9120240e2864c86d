import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import type { Client as McpClient } from '@modelcontextprotocol/sdk/client/index.js';
import { Client as PgClient } from 'pg';
import { DataSource } from 'typeorm';
import { seedSampleData } from '../../src/platform/database/sample-data';
import { TcpProxy } from '../support/tcp-proxy';
import { createTestApp, TestApp } from '../support/test-app';
import { TEST_DB_URL } from '../support/test-database';
import { CallOutcome, connectMcpClient, mcpOutcome, restOutcome, startStream } from '../support/fault-kit';
import { sleep, waitFor } from '../support/wait';

/** Every call must end within the tool deadline plus this (a hang would exceed it). */
const TOOL_TIMEOUT_MS = 3_000;
const CALL_BOUND_MS = TOOL_TIMEOUT_MS + 750;
/** What a client-visible error must never contain: driver text, addresses, SQLSTATEs of the outage, stacks. */
const LEAK = /ECONN|EPIPE|terminat|Connection|read timeout|127\.0\.0\.1|localhost|:\d{4,5}\b|57P01|\.[jt]s:\d+|pg_|mcp_test/i;

const CALLS = [
  { tool: 'sql_query', args: { sql: 'SELECT count(*)::int AS n FROM customers a, customers b WHERE a.id < 50' } },
  { tool: 'get_top_customers', args: { limit: 3 } },
] as const;

/**
 * The SQL tools while PostgreSQL goes away, hangs or kills the app's sessions. The app reaches the real
 * PostgreSQL through a TCP proxy (faults are injected there, the shared server is never touched), under
 * its own application_name so that pg_terminate_backend hits only its sessions. A steady stream of tool
 * calls over the REST facade and /mcp runs through every fault.
 */
describe('PostgreSQL faults under a steady stream of SQL tool calls', () => {
  const applicationName = `fault-pg-${randomUUID().slice(0, 8)}`;
  let proxy: TcpProxy;
  let t: TestApp;
  let mcp: McpClient;

  /** Three REST callers and one MCP caller, each cycling through CALLS from its own offset, 50 ms between calls. */
  function startCalls(): { stop: () => Promise<CallOutcome[]> } {
    const caller = (door: 'rest' | 'mcp', offset: number): (() => Promise<CallOutcome>) => {
      let index = offset;
      return () => {
        const call = CALLS[index++ % CALLS.length];
        return door === 'rest' ? restOutcome(t.url, t.primaryKey, call, CALL_BOUND_MS) : mcpOutcome(mcp, call, CALL_BOUND_MS);
      };
    };
    return startStream([caller('rest', 0), caller('rest', 1), caller('rest', 2), caller('mcp', 1)], 50);
  }

  const readiness = async (): Promise<number> =>
    (await fetch(`${t.url}/health/ready`, { signal: AbortSignal.timeout(CALL_BOUND_MS) })).status;


  /** No hang, nothing untyped, no leak: every answer is `ok` or a 503/`retry`, within the bound. */
  function expectOnlyOkOrRetry(outcomes: readonly CallOutcome[]): void {
    const bad = outcomes.filter((o) => (o.kind !== 'ok' && o.kind !== 'retry') || o.ms > CALL_BOUND_MS || (o.kind !== 'ok' && LEAK.test(o.text)));
    expect(bad).toEqual([]);
  }

  beforeAll(async () => {
    const target = new URL(TEST_DB_URL);
    proxy = await TcpProxy.start(Number(target.port || 5432), target.hostname);
    const viaProxy = new URL(TEST_DB_URL);
    viaProxy.hostname = '127.0.0.1';
    viaProxy.port = String(proxy.port);
    viaProxy.searchParams.set('application_name', applicationName);
    t = await createTestApp({
      DB_URL: viaProxy.href,
      DB_QUERY_TIMEOUT_SECONDS: '1',
      DB_POOL_SIZE: '4',
      DB_POOL_MAX_OVERFLOW: '0',
      TOOL_TIMEOUT_SECONDS: String(TOOL_TIMEOUT_MS / 1000),
      RATE_LIMIT_RPM: '1000000',
    });
    await seedSampleData(t.app.get(DataSource));
    mcp = await connectMcpClient(t.url, t.primaryKey, 'fault-postgres');
  }, 30_000);

  afterAll(async () => {
    await mcp?.close();
    await t?.close();
    await proxy?.close();
  });

  beforeEach(async () => {
    await waitFor(async () => (await readiness()) === 200, 10_000, 'a ready app before the fault');
  });

  it('answers retry while PostgreSQL is down (connections reset, new ones refused), /health/ready 503, then recovers without a restart', async () => {
    const stream = startCalls();
    await sleep(500);
    const faultAt = performance.now();
    proxy.refuse();
    proxy.cut();
    await sleep(300);
    const readyDuring = await readiness();
    // Long enough for every caller (one of them over MCP) to make at least one whole call during the outage.
    await sleep(2_500);
    const resumedAt = performance.now();
    await proxy.resume();
    const recoveredAt = await waitFor(async () => (await readiness()) === 200, 8_000, '/health/ready 200 after the outage');
    await sleep(800);
    const outcomes = await stream.stop();

    expect(readyDuring).toBe(503);
    expectOnlyOkOrRetry(outcomes);
    expect(outcomes.filter((o) => o.at + o.ms < faultAt).every((o) => o.kind === 'ok')).toBe(true);
    const during = outcomes.filter((o) => o.at >= faultAt + 50 && o.at + o.ms < resumedAt);
    expect(during.length).toBeGreaterThan(0);
    expect(during.every((o) => o.kind === 'retry')).toBe(true);
    expect(new Set(during.map((o) => o.door))).toEqual(new Set(['rest', 'mcp']));
    const after = outcomes.filter((o) => o.at > recoveredAt);
    expect(after.length).toBeGreaterThan(3);
    expect(after.every((o) => o.kind === 'ok')).toBe(true);
  }, 25_000);

  it('answers retry within the deadline while PostgreSQL hangs (bytes black-holed), /health/ready 503, then recovers', async () => {
    const stream = startCalls();
    await sleep(500);
    const faultAt = performance.now();
    proxy.blackhole();
    const readyDuring = await readiness();
    // Longer than the 3 s tool deadline, so the calls that start early in the hang must end before it lifts.
    await sleep(3_500);
    const resumedAt = performance.now();
    await proxy.resume();
    const recoveredAt = await waitFor(async () => (await readiness()) === 200, 8_000, '/health/ready 200 after the hang');
    await sleep(800);
    const outcomes = await stream.stop();

    expect(readyDuring).toBe(503);
    expectOnlyOkOrRetry(outcomes);
    const stuck = outcomes.filter((o) => o.at >= faultAt + 50 && o.at + o.ms < resumedAt);
    expect(stuck.length).toBeGreaterThan(0);
    expect(stuck.every((o) => o.kind === 'retry')).toBe(true);
    const after = outcomes.filter((o) => o.at > recoveredAt);
    expect(after.length).toBeGreaterThan(3);
    expect(after.every((o) => o.kind === 'ok')).toBe(true);
  }, 25_000);

  it("keeps answering when pg_terminate_backend kills the app's sessions, and stays ready", async () => {
    // The app's own role may end its own sessions (no superuser needed, so this runs wherever the suite does);
    // PostgreSQL sends them 57P01 and closes them, as on a fast shutdown.
    const admin = new PgClient({ connectionString: TEST_DB_URL, application_name: 'fault-pg-admin' });
    await admin.connect();
    try {
      const stream = startCalls();
      await sleep(500);
      let terminated = 0;
      for (let round = 0; round < 12; round += 1) {
        const { rows } = await admin.query<{ n: number }>(
          'SELECT count(pg_terminate_backend(pid))::int AS n FROM pg_stat_activity WHERE application_name = $1 AND pid <> pg_backend_pid()',
          [applicationName],
        );
        terminated += rows[0].n;
        await sleep(100);
      }
      const lastKillAt = performance.now();
      // Long enough for several calls on a loaded machine (each sql_query is two statements: describe, then run).
      await sleep(2_000);
      const outcomes = await stream.stop();

      expect(terminated).toBeGreaterThanOrEqual(6);
      expectOnlyOkOrRetry(outcomes);
      const after = outcomes.filter((o) => o.at > lastKillAt + 100);
      expect(after.length).toBeGreaterThan(3);
      expect(after.every((o) => o.kind === 'ok')).toBe(true);
      expect(await readiness()).toBe(200);
    } finally {
      await admin.end();
    }
  }, 15_000);
});
