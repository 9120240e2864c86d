import { createApiKey } from '../factories/api-key.factory';
import { bearer, createTestApp, TestApp } from '../support/test-app';

describe('rate limiting (memory storage)', () => {
  const secondaryKey = createApiKey();
  let t: TestApp;

  beforeAll(async () => {
    t = await createTestApp({ RATE_LIMIT_RPM: '3', API_KEY_SECONDARY: secondaryKey });
  });
  afterAll(() => t.close());

  it('answers 429 with Retry-After exactly after the limit, one budget across routes', async () => {
    const key = bearer(t.primaryKey);
    await t.http.get('/probe/items/1').set(key).expect(200);
    await t.http.post('/probe/echo').set(key).send({ a: 1 }).expect(201);
    await t.http.get('/probe/items/3').set(key).expect(200);
    const limited = await t.http.get('/probe/items/2').set(key);
    expect(limited.status).toBe(429);
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
    expect(Number(limited.headers['retry-after'])).toBeLessThanOrEqual(60);
    expect(limited.body).toEqual({ error: 'Too Many Requests', request_id: limited.headers['x-request-id'] });
  });

  it('keeps a separate budget for each key', async () => {
    await t.http.get('/probe/items/1').set(bearer(secondaryKey)).expect(200);
  });

  it('never limits /health or /metrics scrapes, and does not count rejected keys against a budget', async () => {
    for (let i = 0; i < 6; i += 1) await t.http.get('/health').expect(200);
    for (let i = 0; i < 6; i += 1) await t.http.get('/metrics').set(bearer(t.primaryKey)).expect(200);
    for (let i = 0; i < 6; i += 1) await t.http.get('/probe/items/1').set(bearer(createApiKey())).expect(401);
  });

  it('counts rejections in rate_limit_rejections_total by key id', async () => {
    const res = await t.http.get('/metrics').set(bearer(secondaryKey)).expect(200);
    expect(res.text).toMatch(/rate_limit_rejections_total\{key_id="primary"\} [1-9]/);
  });
});
