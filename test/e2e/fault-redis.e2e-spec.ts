import { performance } from 'node:perf_hooks';
import { createApiKey, createRedisPrefix } from '../factories/api-key.factory';
import { DisposableRedis } from '../support/redis-server';
import { createTestApp, TestApp } from '../support/test-app';
import { startStream } from '../support/fault-kit';
import { waitFor } from '../support/wait';

/** Calls per minute per key: small, so the stream hits the limit within its first few calls. */
const RPM = 5;
/** Every answer must come within this (a call waiting on a dead Redis would exceed it). */
const CALL_BOUND_MS = 1_000;
/** What a client-visible error must never contain. */
const LEAK = /ECONN|Stream isn't writeable|offline|redis:\/\/|127\.0\.0\.1|:\d{4,5}\b|\.[jt]s:\d+/i;

interface Outcome {
  /** performance.now() when the call started, and when it answered. */
  readonly at: number;
  readonly end: number;
  /** The HTTP status, 0 when there was no answer within CALL_BOUND_MS. */
  readonly status: number;
  readonly retryAfter: string | null;
  readonly body: string;
}

/**
 * Rate limits kept in a private redis-server that is killed (SIGKILL: it loses its counters) and started
 * again while two callers keep calling the `echo` tool over the REST facade. Complements
 * rate-limit-redis.e2e-spec.ts (one app sharing a budget, a Redis unreachable from the start, one request
 * at a time across a restart) with the steady stream and both policies across an outage.
 */
describe('Redis outage under a steady stream of tool calls (RATE_LIMIT_STORAGE=redis)', () => {
  let redis: DisposableRedis | undefined;
  let t: TestApp | undefined;
  /** A second key, with its own budget, that no stream uses: probes the limit after recovery. */
  const probeKey = createApiKey();

  afterEach(async () => {
    await t?.close();
    await redis?.stop();
    t = undefined;
    redis = undefined;
  });

  async function boot(failMode: 'open' | 'closed'): Promise<TestApp> {
    redis = await DisposableRedis.start();
    t = await createTestApp({
      RATE_LIMIT_STORAGE: 'redis',
      REDIS_URL: redis.url,
      RATE_LIMIT_REDIS_PREFIX: createRedisPrefix(),
      RATE_LIMIT_FAIL_MODE: failMode,
      RATE_LIMIT_RPM: String(RPM),
      API_KEY_SECONDARY: probeKey,
    });
    return t;
  }

  /** One `echo` over the REST facade, as the stream records it. */
  async function echo(app: TestApp): Promise<Outcome> {
    const at = performance.now();
    try {
      const res = await fetch(`${app.url}/v1/tools/echo`, {
        method: 'POST',
        headers: { Authorization: `Bearer ${app.primaryKey}`, 'Content-Type': 'application/json' },
        body: JSON.stringify({ text: 'steady' }),
        signal: AbortSignal.timeout(CALL_BOUND_MS),
      });
      const body = await res.text();
      return { at, end: performance.now(), status: res.status, retryAfter: res.headers.get('retry-after'), body };
    } catch {
      return { at, end: performance.now(), status: 0, retryAfter: null, body: '' };
    }
  }

  /** Two callers of `echo`, 40 ms between calls, until stopped. */
  const startEchoes = (app: TestApp): ReturnType<typeof startStream<Outcome>> => startStream([() => echo(app), () => echo(app)], 40);

  // Waits on what the stream shows rather than a fixed sleep, which a loaded machine fills with fewer calls.
  const duringOutage = (stream: { seen: () => readonly Outcome[] }, faultAt: number): Promise<number> =>
    waitFor(() => within(stream.seen(), faultAt + 300, Infinity).length > RPM, 8_000, 'more than RPM calls answered during the outage');
  const limitedAgain = (stream: { seen: () => readonly Outcome[] }, recoveredAt: number): Promise<number> =>
    waitFor(() => within(stream.seen(), recoveredAt, Infinity).some((o) => o.status === 429), 5_000, 'a limited call after recovery');

  const get = async (app: TestApp, path: string): Promise<{ status: number; body: string }> => {
    const res = await fetch(`${app.url}${path}`, { signal: AbortSignal.timeout(5_000) });
    return { status: res.status, body: await res.text() };
  };

  /** The calls that started at or after `from` and answered before `to`. */
  const within = (outcomes: readonly Outcome[], from: number, to: number): Outcome[] => outcomes.filter((o) => o.at >= from && o.end < to);

  /** The limit holds on a fresh window: exactly RPM calls pass, every other one is limited (429). */
  function expectLimitEnforced(outcomes: readonly Outcome[]): void {
    const statuses = outcomes.map((o) => o.status);
    expect(statuses.length).toBeGreaterThan(RPM + 2);
    expect(statuses.filter((status) => status === 200)).toHaveLength(RPM);
    expect(statuses.filter((status) => status !== 200 && status !== 429)).toEqual([]);
  }

  /**
   * After recovery the stream's key is limited again (its budget may have gone on calls made between
   * Redis coming back and the check seeing it), and the untouched probe key gets exactly RPM calls.
   */
  async function expectLimitsResumed(app: TestApp, afterRecovery: readonly Outcome[]): Promise<void> {
    expect(afterRecovery.filter((o) => o.status === 429).length).toBeGreaterThan(0);
    expect(afterRecovery.filter((o) => o.status === 200).length).toBeLessThanOrEqual(RPM);
    const probe: number[] = [];
    for (let i = 0; i < RPM + 2; i += 1) {
      const res = await fetch(`${app.url}/v1/tools/echo`, {
        method: 'POST',
        headers: { Authorization: `Bearer ${probeKey}`, 'Content-Type': 'application/json' },
        body: JSON.stringify({ text: 'probe' }),
        signal: AbortSignal.timeout(CALL_BOUND_MS),
      });
      probe.push(res.status);
    }
    expect(probe).toEqual([...Array<number>(RPM).fill(200), 429, 429]);
  }

  it('fail-open: lets every call through uncounted while Redis is down, reports it, stays ready, and limits again after recovery', async () => {
    const app = await boot('open');
    const stream = startEchoes(app);
    // Enough calls before the fault for the limit to show (RPM allowed, then 429s), however loaded the machine.
    await waitFor(() => stream.count() > RPM + 3, 5_000, 'calls before the fault');
    const faultAt = performance.now();
    await redis?.stop();
    await waitFor(async () => (await get(app, '/health')).status === 503, 3_000, '/health 503');
    const health = await get(app, '/health');
    const ready = await get(app, '/health/ready');
    const live = await get(app, '/health/live');
    await duringOutage(stream, faultAt);
    const resumedAt = performance.now();
    await redis?.resume();
    const recoveredAt = await waitFor(async () => (await get(app, '/health')).status === 200, 6_000, '/health 200 after Redis is back');
    await limitedAgain(stream, recoveredAt);
    const outcomes = await stream.stop();

    expect(outcomes.filter((o) => ![200, 429].includes(o.status) || o.end - o.at > CALL_BOUND_MS)).toEqual([]);
    expectLimitEnforced(within(outcomes, 0, faultAt));
    const during = within(outcomes, faultAt + 300, resumedAt);
    expect(during.length).toBeGreaterThan(RPM);
    expect(during.every((o) => o.status === 200)).toBe(true);
    await expectLimitsResumed(app, within(outcomes, recoveredAt, Infinity));

    expect(health.status).toBe(503);
    expect(JSON.parse(health.body)).toMatchObject({ error: { redis: { status: 'down', message: 'Redis did not answer PING' } } });
    expect(health.body).not.toMatch(LEAK);
    expect(ready.status).toBe(200);
    expect(live.status).toBe(200);
    expect(JSON.parse((await get(app, '/health')).body)).toMatchObject({ details: { redis: { status: 'up' } } });
    const metrics = await fetch(`${app.url}/metrics`, { headers: { Authorization: `Bearer ${app.primaryKey}` } });
    expect(await metrics.text()).toMatch(/rate_limit_storage_errors_total\{policy="open"\} [1-9]/);
  }, 20_000);

  it('fail-closed: answers 503 with Retry-After while Redis is down, leaves readiness, and serves and limits again after recovery', async () => {
    const app = await boot('closed');
    const stream = startEchoes(app);
    // Enough calls before the fault for the limit to show (RPM allowed, then 429s), however loaded the machine.
    await waitFor(() => stream.count() > RPM + 3, 5_000, 'calls before the fault');
    const faultAt = performance.now();
    await redis?.stop();
    await waitFor(async () => (await get(app, '/health/ready')).status === 503, 3_000, '/health/ready 503');
    const live = await get(app, '/health/live');
    await duringOutage(stream, faultAt);
    const resumedAt = performance.now();
    await redis?.resume();
    const recoveredAt = await waitFor(async () => (await get(app, '/health/ready')).status === 200, 6_000, '/health/ready 200 after Redis is back');
    await limitedAgain(stream, recoveredAt);
    const outcomes = await stream.stop();

    expect(outcomes.filter((o) => ![200, 429, 503].includes(o.status) || o.end - o.at > CALL_BOUND_MS)).toEqual([]);
    expectLimitEnforced(within(outcomes, 0, faultAt));
    const during = within(outcomes, faultAt + 300, resumedAt);
    expect(during.length).toBeGreaterThan(RPM);
    for (const outcome of during) {
      expect(outcome.status).toBe(503);
      expect(outcome.retryAfter).toBe('5');
      expect(JSON.parse(outcome.body)).toEqual({ error: 'Service Unavailable', request_id: expect.any(String) });
    }
    await expectLimitsResumed(app, within(outcomes, recoveredAt, Infinity));
    expect(live.status).toBe(200);
  }, 20_000);
});
