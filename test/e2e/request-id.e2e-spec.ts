import { bearer, createTestApp, TestApp } from '../support/test-app';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe('request ids', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(() => t.close());

  it('echoes a well-formed X-Request-ID and puts it on every log line of the request', async () => {
    const id = 'trace-01.abc:XYZ_9-';
    const res = await t.http.get('/probe/items/5').set(bearer(t.primaryKey)).set('X-Request-ID', id).expect(200);
    expect(res.headers['x-request-id']).toBe(id);
    const lines = t.logs.entries().filter((entry) => entry.request_id === id);
    expect(lines.map((entry) => entry.msg)).toContain('request completed');
  });

  it.each([
    ['too long', 'a'.repeat(129)],
    ['with a space', 'abc def'],
    ['with a slash', 'abc/def'],
    ['with a newline-like escape', 'abc%0Adef'],
  ])('replaces an id that is %s with a new UUID', async (_name, id) => {
    const res = await t.http.get('/health/live').set('X-Request-ID', id).expect(200);
    expect(res.headers['x-request-id']).toMatch(UUID);
  });

  it('gives every request a distinct id when none is sent', async () => {
    const first = await t.http.get('/health/live');
    const second = await t.http.get('/health/live');
    expect(first.headers['x-request-id']).toMatch(UUID);
    expect(second.headers['x-request-id']).not.toBe(first.headers['x-request-id']);
  });

  it('puts the request id in error bodies', async () => {
    const res = await t.http.get('/probe/items/1').set('X-Request-ID', 'err-body-1');
    expect(res.status).toBe(401);
    expect(res.body.request_id).toBe('err-body-1');
  });
});
