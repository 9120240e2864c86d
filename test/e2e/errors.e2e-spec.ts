import { SECRET_IN_ERROR } from '../support/probe.controller';
import { bearer, createTestApp, TestApp } from '../support/test-app';

describe('error answers', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await createTestApp({ BODY_LIMIT_BYTES: '2048' });
  });
  afterAll(() => t.close());

  const expectNoLeak = (text: string): void => {
    expect(text).not.toContain('hunter2');
    expect(text).not.toMatch(/\bat .+\.(ts|js):\d+/);
    expect(text).not.toContain('driver exploded');
  };

  it('answers an unexpected error with a generic 500 and logs the full error with the request id', async () => {
    const res = await t.http.get('/probe/boom').set(bearer(t.primaryKey)).set('X-Request-ID', 'boom-1');
    expect(res.status).toBe(500);
    expect(res.body).toEqual({ error: 'Internal server error', request_id: 'boom-1' });
    expectNoLeak(res.text);
    const logged = t.logs.entries().find((entry) => entry.msg === 'request failed unexpectedly' && entry.request_id === 'boom-1');
    expect(JSON.stringify(logged)).toContain('driver exploded');
  });

  it.each([
    ['invalid', 400, { status: 'invalid', error: 'Invalid arguments: limit must not be greater than 1000' }],
    ['not_found', 404, { status: 'not_found', error: 'Customer 42 not found' }],
    ['retry', 503, { status: 'retry', error: 'Upstream timed out' }],
    ['error', 500, { status: 'error', error: 'Internal server error' }],
  ])('maps a %s ToolException to HTTP %i with a safe body', async (status, http, body) => {
    const res = await t.http.get(`/probe/tool-error/${status}`).set(bearer(t.primaryKey));
    expect(res.status).toBe(http);
    expect(res.body).toMatchObject({ ...body, request_id: res.headers['x-request-id'] });
    expectNoLeak(res.text);
  });

  it('names the bad field of an invalid call and sets Retry-After on retry', async () => {
    const invalid = await t.http.get('/probe/tool-error/invalid').set(bearer(t.primaryKey));
    expect(invalid.body.issues).toEqual([{ field: 'limit', message: 'must not be greater than 1000' }]);
    const retry = await t.http.get('/probe/tool-error/retry').set(bearer(t.primaryKey));
    expect(retry.headers['retry-after']).toBe('7');
  });

  it('answers a body over the limit with 413 JSON carrying the request id', async () => {
    const res = await t.http
      .post('/probe/echo')
      .set(bearer(t.primaryKey))
      .set('X-Request-ID', 'too-big-1')
      .send({ text: 'x'.repeat(4096) });
    expect(res.status).toBe(413);
    expect(res.body).toEqual({ error: 'Payload Too Large', request_id: 'too-big-1' });
  });

  it('answers malformed JSON with a 400 JSON body, and the server keeps serving', async () => {
    const res = await t.http
      .post('/probe/echo')
      .set(bearer(t.primaryKey))
      .set('Content-Type', 'application/json')
      .send('{"unterminated": ');
    expect(res.status).toBe(400);
    expect(res.body).toEqual({ error: 'Bad Request', request_id: res.headers['x-request-id'] });
    expectNoLeak(res.text);
    await t.http.post('/probe/echo').set(bearer(t.primaryKey)).send({ ok: true }).expect(201, { ok: true });
  });

  it('answers an unknown route with a JSON 404', async () => {
    const res = await t.http.get('/no/such/route');
    expect(res.status).toBe(404);
    expect(res.body).toEqual({ error: 'Not Found', request_id: res.headers['x-request-id'] });
  });

  it('never sends X-Powered-By', async () => {
    const res = await t.http.get('/');
    expect(res.headers['x-powered-by']).toBeUndefined();
  });

  it('keeps the secret out of every log line too, except the one full error log', () => {
    const leaking = t.logs.lines.filter((line) => line.includes(SECRET_IN_ERROR));
    expect(leaking.every((line) => line.includes('request failed unexpectedly'))).toBe(true);
  });
});
