import { createApiKey } from '../factories/api-key.factory';
import { bearer, createTestApp, TestApp } from '../support/test-app';

describe('API-key authentication', () => {
  const secondaryKey = createApiKey();
  let t: TestApp;

  beforeAll(async () => {
    t = await createTestApp({ API_KEY_SECONDARY: secondaryKey });
  });
  afterAll(() => t.close());

  const rejected = [
    ['no Authorization header', {}, ''],
    ['an empty Authorization header', { Authorization: '' }, ''],
    ['an empty Bearer value', { Authorization: 'Bearer ' }, ''],
    ['a wrong key', { Authorization: `Bearer ${createApiKey()}` }, ''],
    ['the right key with the Basic scheme', 'basic', ''],
    ['the right key in the query string', {}, 'query'],
  ] as const;

  it.each(rejected)('answers 401 with WWW-Authenticate for %s', async (_name, headers, mode) => {
    const basic = { Authorization: `Basic ${Buffer.from(`user:${t.primaryKey}`).toString('base64')}` };
    const path = mode === 'query' ? `/probe/items/1?api_key=${t.primaryKey}&access_token=${t.primaryKey}` : '/probe/items/1';
    const res = await t.http.get(path).set(headers === 'basic' ? basic : headers);
    expect(res.status).toBe(401);
    expect(res.headers['www-authenticate']).toMatch(/^Bearer /);
    expect(res.body).toEqual({ error: 'Unauthorized', request_id: res.headers['x-request-id'] });
  });

  it('accepts the primary and the secondary key (rotation)', async () => {
    await t.http.get('/probe/items/1').set(bearer(t.primaryKey)).expect(200, { id: '1' });
    await t.http.get('/probe/items/2').set(bearer(secondaryKey)).expect(200, { id: '2' });
  });

  it('rejects a key that only differs from the real one by a suffix or a prefix', async () => {
    await t.http.get('/probe/items/1').set(bearer(`${t.primaryKey}x`)).expect(401);
    await t.http.get('/probe/items/1').set(bearer(t.primaryKey.slice(0, -1))).expect(401);
  });

  it('serves the public routes without a key', async () => {
    await t.http.get('/').expect(200);
    await t.http.get('/health').expect(200);
    await t.http.get('/health/live').expect(200);
    await t.http.get('/health/ready').expect(200);
  });

  it('requires a key for /metrics by default', async () => {
    await t.http.get('/metrics').expect(401);
    const res = await t.http.get('/metrics').set(bearer(t.primaryKey)).expect(200);
    expect(res.text).toContain('http_requests_total');
  });

  it('logs each rejection with request id, path, source and reason, and never a key', async () => {
    const wrongKey = createApiKey();
    const res = await t.http.get('/probe/items/9').set(bearer(wrongKey)).set('X-Request-ID', 'auth-log-check-1');
    expect(res.status).toBe(401);
    const line = t.logs.entries().find((entry) => entry.msg === 'API key rejected' && entry.request_id === 'auth-log-check-1');
    expect(line).toMatchObject({ path: '/probe/items/9', source: '127.0.0.1', reason: 'unknown_key' });
    for (const key of [t.primaryKey, secondaryKey, wrongKey]) expect(t.logs.text).not.toContain(key);
  });
});
