import { RestToolsModule } from '../../src/tools/rest/rest.module';
import { createApiKey } from '../factories/api-key.factory';
import { FakeUpstream, FAKE_CUSTOMERS } from '../support/fake-upstream';
import { bearer, createTestApp, TestApp } from '../support/test-app';

/**
 * The original design's own checks, run unchanged against this server: its tool path `POST /v1/mcp/<tool>`,
 * its 401s, and its rate limit of 100 requests per minute.
 */
describe("the original design's paths", () => {
  let fake: FakeUpstream;
  let t: TestApp;

  beforeAll(async () => {
    fake = await FakeUpstream.start();
    t = await createTestApp({ API_BASE_URL: fake.url, RATE_LIMIT_RPM: '100' }, { imports: [RestToolsModule] });
  });
  afterAll(async () => {
    await t?.close();
    await fake?.close();
  });

  it('POST /v1/mcp/get_customer without a key is 401', async () => {
    const res = await t.http.post('/v1/mcp/get_customer').send({ customer_id: 42 });
    expect(res.status).toBe(401);
    expect(res.body).toEqual({ error: 'Unauthorized', request_id: res.headers['x-request-id'] });
  });

  it('POST /v1/mcp/get_customer with a wrong key is 401', async () => {
    const res = await t.http.post('/v1/mcp/get_customer').set(bearer(createApiKey())).send({ customer_id: 42 });
    expect(res.status).toBe(401);
  });

  it('answers what POST /v1/tools/get_customer answers, errors included', async () => {
    const alias = await t.http.post('/v1/mcp/get_customer').set(bearer(t.primaryKey)).send({ customer_id: 42 });
    const tools = await t.http.post('/v1/tools/get_customer').set(bearer(t.primaryKey)).send({ customer_id: 42 });
    expect(alias.status).toBe(200);
    expect(alias.body).toEqual(FAKE_CUSTOMERS[2]);
    expect(alias.body).toEqual(tools.body);

    const invalid = await t.http.post('/v1/mcp/get_customer').set(bearer(t.primaryKey)).send({ customer_id: 'x' });
    expect(invalid.status).toBe(400);
    expect(invalid.body.status).toBe('invalid');
    expect(invalid.body.issues).toContainEqual({ field: 'customer_id', message: 'must be an integer number' });
    const unknown = await t.http.post('/v1/mcp/no_such_tool').set(bearer(t.primaryKey)).send({});
    expect(unknown.status).toBe(404);
  });

  it('keeps the alias apart from /v1/tools in the metrics, and lists it once in the OpenAPI document', async () => {
    const metrics = await t.http.get('/metrics').set(bearer(t.primaryKey)).expect(200);
    expect(metrics.text).toMatch(/http_requests_total\{method="POST",route="\/v1\/mcp\/:name",status="200"\} \d+/);
    expect(metrics.text).toMatch(/http_requests_total\{method="POST",route="\/v1\/tools\/:name",status="200"\} \d+/);

    const doc = await t.http.get('/docs-json').expect(200);
    const paths = Object.keys(doc.body.paths as Record<string, unknown>);
    expect(paths.filter((path) => path.startsWith('/v1/mcp/'))).toEqual(['/v1/mcp/{name}']);
    const alias = doc.body.paths['/v1/mcp/{name}'].post;
    expect(alias.summary).toContain('alias of POST /v1/tools/{name}');
    expect(alias.parameters[0].schema.enum).toContain('get_customer');
  });

  it('with a limit of 100 per minute, the 101st request is 429 while the first 100 are not', async () => {
    const key = createApiKey();
    const limited = await createTestApp(
      { API_BASE_URL: fake.url, RATE_LIMIT_RPM: '100', API_KEY_PRIMARY: key },
      { imports: [RestToolsModule] },
    );
    try {
      const statuses: number[] = [];
      for (let i = 0; i < 101; i += 1) {
        const res = await limited.http.post('/v1/mcp/get_customer').set(bearer(key)).send({ customer_id: 42 });
        statuses.push(res.status);
      }
      expect(statuses.slice(0, 100).filter((status) => status === 429)).toEqual([]);
      expect(statuses[100]).toBe(429);
    } finally {
      await limited.close();
    }
  });
});
