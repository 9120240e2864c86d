import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { Worker } from 'node:worker_threads';
import { DATABASE_TARGET, DatabaseTarget } from '../../src/platform/database/database-target';
import { createTestApp, TestApp } from '../support/test-app';
import { waitFor } from '../support/wait';

/** ~144 million rows counted: about 10 s in PGlite on one core (`pg_sleep` is refused by the SQL tools' policy). */
const LONG_QUERY = 'SELECT count(*) AS n FROM generate_series(1, 12000) a, generate_series(1, 12000) b';

interface Answer {
  readonly status: number;
  readonly body: string;
  readonly ms: number;
}

/**
 * One process on the embedded default (no DB_URL): its single PGlite session is held by one caller's long
 * `sql_query`, or its worker dies. Other callers keep being answered: readiness from the worker's state, not
 * a `SELECT 1` queued behind the query; a dead worker restarted by itself.
 */
describe('hostile: the embedded database under one caller', () => {
  const root = mkdtempSync(join(tmpdir(), 'embedded-hostile-'));
  let t: TestApp;

  const call = async (path: string, init: RequestInit = {}, timeoutMs = 5_000): Promise<Answer> => {
    const started = performance.now();
    const res = await fetch(`${t.url}${path}`, {
      ...init,
      headers: { Authorization: `Bearer ${t.primaryKey}`, 'Content-Type': 'application/json' },
      signal: AbortSignal.timeout(timeoutMs),
    });
    return { status: res.status, body: await res.text(), ms: performance.now() - started };
  };
  const tool = (name: string, args: Record<string, unknown>, timeoutMs?: number): Promise<Answer> =>
    call(`/v1/tools/${name}`, { method: 'POST', body: JSON.stringify(args) }, timeoutMs);

  beforeAll(async () => {
    t = await createTestApp({
      DB_URL: '',
      DB_DATA_DIR: join(root, 'pglite'),
      ENABLE_RAG: 'false',
      DB_QUERY_TIMEOUT_SECONDS: '25',
      TOOL_TIMEOUT_SECONDS: '30',
      LOG_LEVEL: 'info',
    });
  }, 120_000);

  afterAll(async () => {
    await t?.close();
    rmSync(root, { recursive: true, force: true });
  }, 30_000);

  it('answers /health/ready (200, within 2 s) and echo while a long sql_query holds the single session', async () => {
    const long = tool('sql_query', { sql: LONG_QUERY }, 40_000);
    const target = t.app.get<DatabaseTarget>(DATABASE_TARGET);
    await waitFor(() => (target.embedded?.activity().busyMs ?? 0) > 500, 10_000, 'the long query to hold the session');

    const ready = await call('/health/ready', {}, 2_000);
    expect(ready.status).toBe(200);
    expect(JSON.parse(ready.body)).toMatchObject({ details: { database: { status: 'up', busy_ms: expect.any(Number) } } });
    const echo = await tool('echo', { text: 'still here' }, 2_000);
    expect(echo.status).toBe(200);
    expect(echo.body).toContain('still here');

    const answer = await long;
    expect([200, 503]).toContain(answer.status); // counted, or past its deadline on a slow machine (`retry`)
    await waitFor(() => target.embedded?.activity().busyMs === undefined, 5_000, 'the session to be idle again');
  }, 60_000);

  it('restarts a worker that died on its own: tools answer again without a process restart, and it is counted', async () => {
    const target = t.app.get<DatabaseTarget>(DATABASE_TARGET);
    const host = Reflect.get(target.embedded!, 'host') as object;
    await (Reflect.get(host, 'current') as { worker: Worker }).worker.terminate(); // a crash nobody asked for
    const died = performance.now();

    const recovered = await waitFor(
      async () => (await tool('sql_query', { sql: 'SELECT 1 AS one' }).catch(() => ({ status: 0 }))).status === 200,
      20_000,
      'sql_query to answer again',
    );
    process.stdout.write(`sql_query answered again ${Math.round(recovered - died)} ms after the worker died\n`);

    const metrics = await call('/metrics');
    expect(metrics.body).toMatch(/^embedded_database_restarts_total\{reason="crash"\} 1$/m);
    expect(t.logs.entries().some((line) => line.msg === 'embedded PostgreSQL worker died')).toBe(true);
    expect((await call('/health/ready', {}, 2_000)).status).toBe(200);
    expect((await tool('echo', { text: 'after' }, 2_000)).status).toBe(200);
  }, 40_000);
});
