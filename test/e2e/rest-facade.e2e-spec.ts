import { request as httpRequest } from 'node:http';
import { ApiKeyStore } from '../../src/platform/auth/api-key.store';
import { ToolRegistry } from '../../src/platform/mcp/tool.registry';
import { FixtureTools, FixtureToolsModule } from '../fixtures/fixture.tools';
import { bearer, createTestApp, TestApp } from '../support/test-app';

type OpenApi = {
  openapi: string;
  paths: Record<string, Record<string, { operationId?: string; requestBody?: unknown; responses: Record<string, unknown> } & Record<string, unknown>>>;
  components: { schemas: Record<string, unknown>; responses: Record<string, unknown>; securitySchemes: Record<string, unknown> };
  security: unknown[];
};

const refsIn = (value: unknown, into: string[] = []): string[] => {
  if (Array.isArray(value)) value.forEach((item) => refsIn(item, into));
  else if (value && typeof value === 'object') {
    for (const [key, nested] of Object.entries(value)) {
      if (key === '$ref' && typeof nested === 'string') into.push(nested);
      else refsIn(nested, into);
    }
  }
  return into;
};

describe('REST facade /v1/tools', () => {
  let t: TestApp;
  let key: Record<string, string>;

  beforeAll(async () => {
    t = await createTestApp({ ALLOWED_ORIGINS: 'https://console.example.test' }, { imports: [FixtureToolsModule] });
    key = bearer(t.primaryKey);
  });
  afterAll(() => t.close());

  const auditOf = (requestId: string): Record<string, unknown> | undefined =>
    t.logs.entries().find((entry) => entry.audit === true && entry.request_id === requestId);

  describe('GET /v1/tools', () => {
    it('needs an API key', async () => {
      const res = await t.http.get('/v1/tools');
      expect(res.status).toBe(401);
      expect(res.headers['www-authenticate']).toMatch(/^Bearer/);
      expect(res.body).toEqual({ error: 'Unauthorized', request_id: res.headers['x-request-id'] });
    });

    it('lists every registered tool in registry order, with schemas and annotations', async () => {
      const res = await t.http.get('/v1/tools').set(key).expect(200);
      expect(res.body.tools).toEqual(t.app.get(ToolRegistry).definitions());
      expect(res.body.tools.map((tool: { name: string }) => tool.name)).toEqual([
        'echo',
        'fixture_add',
        'fixture_admin',
        'fixture_bad_output',
        'fixture_crash',
        'fixture_missing',
        'fixture_tags',
        'fixture_wait',
        'get_top_customers',
        'sql_describe_table',
        'sql_list_tables',
        'sql_query',
      ]);
      expect(res.body.tools[1]).toMatchObject({
        name: 'fixture_add',
        description: 'Adds two integers',
        inputSchema: { type: 'object', required: ['a'], additionalProperties: false },
        outputSchema: { type: 'object', properties: { sum: { type: 'integer' } } },
        annotations: { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: false },
      });
    });
  });

  describe('POST /v1/tools/:name', () => {
    it('answers 200 with the structured result, defaults applied, and audits the call as the rest door', async () => {
      const res = await t.http.post('/v1/tools/fixture_add').set(key).set('X-Request-ID', 'rest-add-1').send({ a: 2 });
      expect(res.status).toBe(200);
      expect(res.body).toEqual({ sum: 3 });
      expect(res.headers['x-request-id']).toBe('rest-add-1');
      expect(auditOf('rest-add-1')).toMatchObject({ tool: 'fixture_add', door: 'rest', key_id: 'primary', outcome: 'ok' });
    });

    it('passes the request id to the tool', async () => {
      const res = await t.http.post('/v1/tools/echo').set(key).set('X-Request-ID', 'rest-echo-1').send({ text: 'hi' }).expect(200);
      expect(res.body).toEqual({ text: 'hi', request_id: 'rest-echo-1' });
    });

    it('answers the documented example of an unknown field exactly', async () => {
      const res = await t.http.post('/v1/tools/echo').set(key).send({ text: 'hello', colour: 'red' });
      expect(res.status).toBe(400);
      expect(res.body).toEqual({
        error: 'Invalid arguments: colour is not an accepted field',
        status: 'invalid',
        request_id: res.headers['x-request-id'],
        issues: [{ field: 'colour', message: 'is not an accepted field' }],
      });
    });

    it('answers { text } when the tool returns text', async () => {
      await t.http.post('/v1/tools/fixture_admin').set(key).send({}).expect(200, { text: 'admin only' });
    });

    it('treats a call without a body as empty arguments', async () => {
      const res = await t.http.post('/v1/tools/fixture_missing').set(key);
      expect(res.status).toBe(404);
      expect(res.body.status).toBe('not_found');
    });

    it.each([
      [{ a: 'two' }, 'a', 'must be an integer number'],
      [{ a: 5000 }, 'a', 'must not be greater than 1000'],
      [{ a: 1, extra: true }, 'extra', 'is not an accepted field'],
    ])('answers bad arguments %j with 400 naming %s', async (args, field, message) => {
      const res = await t.http.post('/v1/tools/fixture_add').set(key).send(args);
      expect(res.status).toBe(400);
      expect(res.body).toMatchObject({ status: 'invalid', request_id: res.headers['x-request-id'] });
      expect(res.body.issues).toEqual(expect.arrayContaining([{ field, message }]));
      expect(res.body.error).toMatch(/^Invalid arguments: /);
    });

    it('names a nested field by its path', async () => {
      const res = await t.http.post('/v1/tools/fixture_tags').set(key).send({ tags: [{ label: 'a' }, { label: 7 }] });
      expect(res.status).toBe(400);
      expect(res.body.issues).toEqual([{ field: 'tags[1].label', message: 'must be a string' }]);
    });

    it.each([
      ['an array', '[1, 2]'],
      ['a string', '"two"'],
      ['a number', '42'],
    ])('answers a body that is %s with 400 naming (arguments)', async (_kind, body) => {
      const res = await t.http.post('/v1/tools/fixture_add').set(key).set('Content-Type', 'application/json').send(body);
      expect(res.status).toBe(400);
      expect(res.body).toMatchObject({
        status: 'invalid',
        issues: [{ field: '(arguments)', message: 'must be a JSON object' }],
        request_id: res.headers['x-request-id'],
      });
    });

    it('answers malformed JSON with 400 and no parser detail', async () => {
      const res = await t.http.post('/v1/tools/fixture_add').set(key).set('Content-Type', 'application/json').send('{"a": ');
      expect(res.status).toBe(400);
      expect(res.body).toEqual({ error: 'Bad Request', request_id: res.headers['x-request-id'] });
    });

    it('maps a not-found tool error to 404 with its safe message', async () => {
      const res = await t.http.post('/v1/tools/fixture_missing').set(key).send({});
      expect(res.status).toBe(404);
      expect(res.body).toEqual({ error: 'Customer 42 does not exist', status: 'not_found', request_id: res.headers['x-request-id'] });
    });

    it('answers an unknown tool with 404', async () => {
      const res = await t.http.post('/v1/tools/no_such_tool').set(key).send({});
      expect(res.status).toBe(404);
      expect(res.body).toEqual({ error: 'Unknown tool: no_such_tool', status: 'not_found', request_id: res.headers['x-request-id'] });
    });

    it('hides an unexpected error behind a generic 500 and logs it in full', async () => {
      const res = await t.http.post('/v1/tools/fixture_crash').set(key).set('X-Request-ID', 'rest-crash-1').send({});
      expect(res.status).toBe(500);
      expect(res.body).toEqual({ error: 'Internal server error', status: 'error', request_id: 'rest-crash-1' });
      expect(res.text).not.toContain('password');
      expect(res.text).not.toContain('10.0.0.5');
      expect(t.logs.text).toContain('password authentication failed');
      expect(auditOf('rest-crash-1')).toMatchObject({ door: 'rest', outcome: 'error' });
    });

    it('answers a result that breaks the output schema with a generic 500', async () => {
      const res = await t.http.post('/v1/tools/fixture_bad_output').set(key).send({});
      expect(res.status).toBe(500);
      expect(res.body).toMatchObject({ error: 'Internal server error', status: 'error' });
    });

    it('answers 403 when the key lacks the tool scope', async () => {
      jest.spyOn(t.app.get(ApiKeyStore), 'verify').mockReturnValueOnce({ status: 'ok', principal: { subject: 'primary', clientId: 'primary', scopes: [], via: 'api_key' } });
      const res = await t.http.post('/v1/tools/fixture_admin').set(key).send({});
      expect(res.status).toBe(403);
      expect(res.body).toEqual({ error: 'The caller lacks the scope(s): admin', status: 'forbidden', request_id: res.headers['x-request-id'] });
    });

    it('answers a call past its deadline with 503 and Retry-After', async () => {
      const res = await t.http.post('/v1/tools/fixture_wait').set(key).send({ ms: 5000 });
      expect(res.status).toBe(503);
      expect(res.headers['retry-after']).toBe('1');
      expect(res.body).toEqual({ error: 'Tool call timed out after 2s', status: 'retry', request_id: res.headers['x-request-id'] });
      expect(t.app.get(FixtureTools).lastWaitAbort).toBe('DeadlineExceeded');
    });

    it('aborts the tool signal when the client disconnects', async () => {
      const tools = t.app.get(FixtureTools);
      tools.lastWaitAbort = undefined;
      const body = JSON.stringify({ ms: 1500 });
      const client = httpRequest(`${t.url}/v1/tools/fixture_wait`, {
        method: 'POST',
        headers: { ...key, 'Content-Type': 'application/json', 'Content-Length': String(body.length), 'X-Request-ID': 'rest-gone-1' },
      });
      client.on('error', () => undefined);
      client.end(body);
      await new Promise((resolve) => setTimeout(resolve, 200));
      client.destroy();
      await new Promise((resolve) => setTimeout(resolve, 200));
      expect(tools.lastWaitAbort).toBe('CallCancelled');
      expect(auditOf('rest-gone-1')).toMatchObject({ door: 'rest', outcome: 'cancelled' });
    });

    it('does not abort a call whose client stays', async () => {
      const tools = t.app.get(FixtureTools);
      tools.lastWaitAbort = undefined;
      await t.http.post('/v1/tools/fixture_wait').set(key).send({ ms: 50 }).expect(200, { waited: 50 });
      expect(tools.lastWaitAbort).toBeUndefined();
    });
  });

  describe('Origin', () => {
    it('refuses a foreign Origin with 403 on both routes', async () => {
      for (const call of [t.http.get('/v1/tools'), t.http.post('/v1/tools/fixture_add').send({ a: 1 })]) {
        const res = await call.set(key).set('Origin', 'https://evil.example.test');
        expect(res.status).toBe(403);
        expect(res.body).toEqual({ error: 'Forbidden', request_id: res.headers['x-request-id'] });
      }
    });

    it('accepts an allowed Origin and, in development, a loopback one', async () => {
      await t.http.post('/v1/tools/fixture_add').set(key).set('Origin', 'https://console.example.test').send({ a: 1 }).expect(200);
      await t.http.get('/v1/tools').set(key).set('Origin', 'http://localhost:6274').expect(200);
    });
  });

  describe('OpenAPI document', () => {
    let doc: OpenApi;

    beforeAll(async () => {
      const res = await t.http.get('/docs-json').expect(200).expect('Content-Type', /json/);
      doc = res.body as OpenApi;
    });

    it('is OpenAPI 3 with bearer security applied to every operation', () => {
      expect(doc.openapi).toMatch(/^3\.\d+\.\d+$/);
      expect(doc.components.securitySchemes).toEqual({ bearer: expect.objectContaining({ type: 'http', scheme: 'bearer' }) });
      expect(doc.security).toEqual([{ bearer: [] }]);
    });

    it('has GET /v1/tools and one POST operation per registered tool', () => {
      const names = t.app.get(ToolRegistry).definitions().map((tool) => tool.name);
      expect(doc.paths['/v1/tools'].get.operationId).toBe('listTools');
      const expected = ['/v1/tools', ...names.map((name) => `/v1/tools/${name}`), '/v1/mcp/{name}'];
      expect(Object.keys(doc.paths).sort()).toEqual(expected.sort());
      for (const name of names) expect(doc.paths[`/v1/tools/${name}`].post.operationId).toBe(name);
    });

    it('describes each tool: body = inputSchema, 200 = outputSchema, the error answers, the annotations', () => {
      const add = doc.paths['/v1/tools/fixture_add'].post;
      expect(add).toMatchObject({
        summary: 'fixture_add',
        description: 'Adds two integers',
        requestBody: { content: { 'application/json': { schema: { type: 'object', required: ['a'] } } } },
        responses: { '200': { content: { 'application/json': { schema: { properties: { sum: { type: 'integer' } } } } } } },
        'x-mcp-annotations': { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: false },
      });
      expect(Object.keys(add.responses).sort()).toEqual(['200', '400', '401', '403', '404', '429', '500', '503']);
      expect(doc.paths['/v1/tools/echo'].post.summary).toBe('Echo');
      expect(doc.components.schemas.ErrorBody).toMatchObject({ required: ['error', 'request_id'] });
    });

    it('moves nested DTOs to components/schemas and every $ref resolves there', () => {
      expect(JSON.stringify(doc)).not.toContain('$defs');
      expect(doc.components.schemas.Tag).toMatchObject({ type: 'object', properties: { label: { type: 'string' } } });
      const tags = doc.paths['/v1/tools/fixture_tags'].post.requestBody as { content: Record<string, { schema: unknown }> };
      expect(refsIn(tags)).toEqual(['#/components/schemas/Tag']);
      for (const target of refsIn(doc)) {
        const [, section, name] = /^#\/components\/(schemas|responses)\/(.+)$/.exec(target) ?? [];
        expect(doc.components[section as 'schemas' | 'responses']?.[name]).toBeDefined();
      }
    });

    it('serves Swagger UI at /docs without a key', async () => {
      const page = await t.http.get('/docs').expect(200).expect('Content-Type', /html/);
      expect(page.text).toContain('swagger-ui');
      const init = await t.http.get('/docs/swagger-ui-init.js').expect(200);
      expect(init.text).toContain('fixture_add');
    });
  });
});

describe('REST facade under the rate limit', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await createTestApp({ RATE_LIMIT_RPM: '3' }, { imports: [FixtureToolsModule] });
  });
  afterAll(() => t.close());

  it('counts /v1/tools calls against the key budget, not the public docs', async () => {
    const key = bearer(t.primaryKey);
    await t.http.get('/v1/tools').set(key).expect(200);
    await t.http.post('/v1/tools/fixture_add').set(key).send({ a: 1 }).expect(200);
    await t.http.post('/v1/tools/fixture_add').set(key).send({ a: 2 }).expect(200);
    const limited = await t.http.post('/v1/tools/fixture_add').set(key).send({ a: 3 });
    expect(limited.status).toBe(429);
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
    expect(limited.body).toEqual({ error: 'Too Many Requests', request_id: limited.headers['x-request-id'] });
    for (let i = 0; i < 5; i += 1) {
      await t.http.get('/docs-json').expect(200);
      await t.http.get('/docs').set(key).expect(200);
    }
  });
});
