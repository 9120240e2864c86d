import { RestToolsModule } from '../../src/tools/rest/rest.module';
import { FakeUpstream, FAKE_CUSTOMERS } from '../support/fake-upstream';
import { createMcpTestKit, McpTestKit } from '../support/mcp-test-kit';
import { bearer, createTestApp, TestApp } from '../support/test-app';

/** Grace Hopper: no fields beyond the declared ones. */
const GRACE = FAKE_CUSTOMERS[2];

describe('REST tools', () => {
  let fake: FakeUpstream;

  beforeAll(async () => {
    fake = await FakeUpstream.start();
  });
  beforeEach(() => fake.reset());
  afterAll(() => fake?.close());

  describe('over MCP', () => {
    let kit: McpTestKit;

    beforeAll(async () => {
      kit = await createMcpTestKit({ imports: [RestToolsModule], env: { API_BASE_URL: fake.url } });
    });
    afterAll(() => kit?.close());

    it('exposes exactly get_customer: read-only, idempotent, open-world, with its schemas', async () => {
      const { tools } = await kit.client.listTools();
      expect(tools.map((tool) => tool.name)).toEqual(['get_customer']);
      const [tool] = tools;
      expect(tool.annotations).toEqual({ readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: true });
      expect(tool.inputSchema).toMatchObject({
        type: 'object',
        required: ['customer_id'],
        additionalProperties: false,
        properties: { customer_id: { type: 'integer', minimum: 1 } },
      });
      expect(tool.outputSchema).toMatchObject({
        type: 'object',
        required: expect.arrayContaining(['id', 'name', 'email']),
        properties: { id: { type: 'integer' }, name: { type: 'string' }, email: { type: 'string' }, created_at: { type: 'string' } },
      });
      expect(kit.logs.text).toContain('RestTools.getCustomer -> get_customer');
    });

    it('answers the customer as structured content', async () => {
      const result = await kit.client.callTool({ name: 'get_customer', arguments: { customer_id: 42 } });
      expect(result.isError).toBeFalsy();
      expect(result.structuredContent).toEqual(GRACE);
    });

    it('answers an unknown customer as not_found', async () => {
      const result = await kit.client.callTool({ name: 'get_customer', arguments: { customer_id: 404 } });
      expect(result.isError).toBe(true);
      expect(JSON.parse((result.content as { text: string }[])[0].text)).toMatchObject({
        status: 'not_found',
        error: 'Customer 404 not found',
      });
    });
  });

  describe('over the REST facade, with an upstream credential', () => {
    let t: TestApp;

    beforeAll(async () => {
      t = await createTestApp({ API_BASE_URL: fake.url, API_AUTH_TOKEN: 'Bearer upstream-secret', API_MAX_RETRIES: '1', API_BACKOFF_FACTOR: '0.01' });
    });
    afterAll(() => t?.close());

    it('lists get_customer and answers the same customer as over MCP', async () => {
      const list = await t.http.get('/v1/tools').set(bearer(t.primaryKey)).expect(200);
      expect(list.body.tools.map((tool: { name: string }) => tool.name)).toContain('get_customer');
      const res = await t.http.post('/v1/tools/get_customer').set(bearer(t.primaryKey)).set('X-Request-ID', 'rest-customer-1').send({ customer_id: 42 });
      expect(res.status).toBe(200);
      expect(res.body).toEqual(GRACE);
    });

    it('forwards X-Request-ID and the configured credential upstream, never the caller\'s API key', async () => {
      await t.http.post('/v1/tools/get_customer').set(bearer(t.primaryKey)).set('X-Request-ID', 'rest-customer-2').send({ customer_id: 1 }).expect(200);
      expect(fake.requests).toHaveLength(1);
      const [{ headers }] = fake.requests;
      expect(headers['x-request-id']).toBe('rest-customer-2');
      expect(headers.authorization).toBe('Bearer upstream-secret');
      expect(JSON.stringify(fake.requests)).not.toContain(t.primaryKey);
    });

    it('maps not_found to 404, an unavailable upstream to 503 with the upstream Retry-After (not waited for: past the cap), a bad id to 400', async () => {
      const missing = await t.http.post('/v1/tools/get_customer').set(bearer(t.primaryKey)).send({ customer_id: 5 });
      expect(missing.status).toBe(404);
      expect(missing.body).toMatchObject({ status: 'not_found', error: 'Customer 5 not found' });

      fake.always('/customers/1', { kind: 'status', status: 503, headers: { 'Retry-After': '45' } });
      const down = await t.http.post('/v1/tools/get_customer').set(bearer(t.primaryKey)).send({ customer_id: 1 });
      expect(down.status).toBe(503);
      expect(down.headers['retry-after']).toBe('45');
      expect(down.body).toMatchObject({ status: 'retry' });
      expect(JSON.stringify(down.body)).not.toContain('secret');

      const bad = await t.http.post('/v1/tools/get_customer').set(bearer(t.primaryKey)).send({ customer_id: '../admin' });
      expect(bad.status).toBe(400);
      expect(fake.requestsTo('/customers/..%2Fadmin')).toEqual([]);
    });

    it('reports the upstream in /health without gating readiness, and caches the probe', async () => {
      fake.always('/health', { kind: 'status', status: 503 });
      const health = await t.http.get('/health');
      expect(health.status).toBe(503);
      expect(health.body.details.upstream_api).toMatchObject({ status: 'down', state: 'unreachable', circuit: 'closed' });
      expect(JSON.stringify(health.body)).not.toContain('secret detail');
      const ready = await t.http.get('/health/ready');
      expect(ready.body.details.upstream_api).toBeUndefined();
      await t.http.get('/health');
      expect(fake.requestsTo('/health')).toHaveLength(1);
      expect(fake.requestsTo('/health')[0].headers.authorization).toBe('Bearer upstream-secret');
    });

    it('exports the upstream metrics', async () => {
      const res = await t.http.get('/metrics').set(bearer(t.primaryKey)).expect(200);
      const upstream = new URL(fake.url).host;
      expect(res.text).toContain(`upstream_requests_total{upstream="${upstream}",method="GET",status="200"}`);
      expect(res.text).toContain(`upstream_request_duration_seconds_count{upstream="${upstream}",method="GET"}`);
    });
  });

  describe('without API_BASE_URL', () => {
    it('registers no REST tool, says so at boot, and reports the upstream as not configured', async () => {
      const t = await createTestApp();
      try {
        const list = await t.http.get('/v1/tools').set(bearer(t.primaryKey)).expect(200);
        expect(list.body.tools.map((tool: { name: string }) => tool.name)).not.toContain('get_customer');
        expect(t.logs.text).toContain('REST tools disabled: API_BASE_URL is not set');
        const health = await t.http.get('/health').expect(200);
        expect(health.body.details.upstream_api).toEqual({ status: 'up', state: 'not_configured' });
        await t.http.post('/v1/tools/get_customer').set(bearer(t.primaryKey)).send({ customer_id: 1 }).expect(404);
      } finally {
        await t.close();
      }
    });

    it('lists no tool over MCP', async () => {
      const kit = await createMcpTestKit({ imports: [RestToolsModule] });
      try {
        expect((await kit.client.listTools()).tools).toEqual([]);
      } finally {
        await kit.close();
      }
    });
  });
});
