import { createApiKey, createRedisPrefix } from '../factories/api-key.factory';
import { DisposableRedis, TEST_REDIS_URL } from '../support/redis-server';
import { bearer, createTestApp, TestApp } from '../support/test-app';
import { waitFor } from '../support/wait';

const redisEnv = (url: string, extra: Record<string, string> = {}): Record<string, string> => ({
  RATE_LIMIT_STORAGE: 'redis',
  REDIS_URL: url,
  RATE_LIMIT_REDIS_PREFIX: createRedisPrefix(),
  ...extra,
});


describe('rate limiting in Redis', () => {
  it('makes two app instances on one Redis share one per-key budget', async () => {
    const key = createApiKey();
    const env = redisEnv(TEST_REDIS_URL, { RATE_LIMIT_RPM: '4', API_KEY_PRIMARY: key });
    const a = await createTestApp(env);
    const b = await createTestApp(env);
    try {
      const statuses: number[] = [];
      for (const instance of [a, b, a, b, a, b]) {
        statuses.push((await instance.http.get('/probe/items/1').set(bearer(key))).status);
      }
      expect(statuses).toEqual([200, 200, 200, 200, 429, 429]);
      const health = await a.http.get('/health').expect(200);
      expect(health.body.details.redis).toMatchObject({ status: 'up' });
    } finally {
      await a.close();
      await b.close();
    }
  });

  describe('when Redis is unreachable (bad REDIS_URL), fail-open by default', () => {
    let t: TestApp;

    beforeAll(async () => {
      t = await createTestApp(redisEnv('redis://127.0.0.1:1', { RATE_LIMIT_RPM: '1' }));
    });
    afterAll(() => t.close());

    it('reports redis down on /health (503) while /health/live and /health/ready stay 200', async () => {
      const res = await t.http.get('/health').expect(503);
      expect(res.body).toMatchObject({ status: 'error', error: { redis: { status: 'down' } } });
      expect(res.text).not.toMatch(/ECONNREFUSED|127\.0\.0\.1:1\b/);
      await t.http.get('/health/live').expect(200);
      await t.http.get('/health/ready').expect(200);
    });

    it('keeps serving, uncounted, and counts the storage failures', async () => {
      for (let i = 0; i < 3; i += 1) await t.http.get('/probe/items/1').set(bearer(t.primaryKey)).expect(200);
      const metrics = await t.http.get('/metrics').set(bearer(t.primaryKey)).expect(200);
      expect(metrics.text).toMatch(/rate_limit_storage_errors_total\{policy="open"\} [1-9]/);
      expect(t.logs.text).toContain('rate-limit storage failed');
    });
  });

  describe('when Redis is unreachable and RATE_LIMIT_FAIL_MODE=closed', () => {
    let t: TestApp;

    beforeAll(async () => {
      t = await createTestApp(redisEnv('redis://127.0.0.1:1', { RATE_LIMIT_FAIL_MODE: 'closed' }));
    });
    afterAll(() => t.close());

    it('answers 503 with Retry-After and takes the replica out of readiness', async () => {
      const res = await t.http.get('/probe/items/1').set(bearer(t.primaryKey));
      expect(res.status).toBe(503);
      expect(res.headers['retry-after']).toBe('5');
      expect(res.body).toEqual({ error: 'Service Unavailable', request_id: res.headers['x-request-id'] });
      await t.http.get('/health/ready').expect(503);
      await t.http.get('/health/live').expect(200);
    });
  });

  describe('when Redis stops and comes back', () => {
    let redis: DisposableRedis;
    let t: TestApp;

    beforeAll(async () => {
      redis = await DisposableRedis.start();
      t = await createTestApp(redisEnv(redis.url, { RATE_LIMIT_RPM: '2' }));
    });
    afterAll(async () => {
      // Optional: when beforeAll failed, the redis-server child must still stop, or jest never exits.
      await t?.close();
      await redis?.stop();
    });

    it('reports the outage, stays up, and enforces limits again after recovery', async () => {
      await t.http.get('/health').expect(200);
      await redis.stop();
      await waitFor(async () => (await t.http.get('/health')).status === 503, 10_000, '/health 503');
      await t.http.get('/probe/items/1').set(bearer(t.primaryKey)).expect(200);

      await redis.resume();
      await waitFor(async () => (await t.http.get('/health')).status === 200, 10_000, '/health 200');
      const statuses: number[] = [];
      for (let i = 0; i < 3; i += 1) statuses.push((await t.http.get('/probe/items/1').set(bearer(t.primaryKey))).status);
      expect(statuses).toEqual([200, 200, 429]);
    });
  });
});
