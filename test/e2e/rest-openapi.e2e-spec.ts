import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Module, Type } from '@nestjs/common';
import { MODULE_METADATA } from '@nestjs/common/constants';
import { McpModule } from '../../src/platform/mcp/mcp.module';
import { OpenApiToolsRegistrar } from '../../src/tools/rest/openapi-tools.registrar';
import { RestToolsModule } from '../../src/tools/rest/rest.module';
import { FAKE_CUSTOMERS, FakeCustomer, FakeUpstream } from '../support/fake-upstream';
import { createMcpTestKit, McpTestKit } from '../support/mcp-test-kit';

/**
 * OPENAPI_SPEC booted for real: the example customers spec, the real UpstreamClient, and a real HTTP
 * upstream on 127.0.0.1 that records every request as received (raw path, headers, body), called through
 * a real MCP client.
 */

/** RestToolsModule once it lists OpenApiToolsRegistrar; until then, the registrar added next to it. */
const providers = (Reflect.getMetadata(MODULE_METADATA.PROVIDERS, RestToolsModule) ?? []) as unknown[];
@Module({ imports: [McpModule, RestToolsModule], providers: [OpenApiToolsRegistrar] })
class RestWithOpenApiModule {}
const OPENAPI_MODULE: Type<unknown> = providers.includes(OpenApiToolsRegistrar) ? RestToolsModule : RestWithOpenApiModule;

const EXAMPLE_SPEC = 'examples/customers-api.openapi.yaml';

const ADA = FAKE_CUSTOMERS[0];
const GRACE = FAKE_CUSTOMERS.find((customer) => customer.id === 42) as FakeCustomer;

type CallResult = { isError?: boolean; content: { type: string; text: string }[]; structuredContent?: Record<string, unknown> };

const bodyOf = (result: unknown): Record<string, unknown> => JSON.parse((result as CallResult).content[0].text) as Record<string, unknown>;

describe('OpenAPI-described tools (OPENAPI_SPEC)', () => {
  let upstream: FakeUpstream;
  const dir = mkdtempSync(join(tmpdir(), 'openapi-tools-'));

  beforeAll(async () => {
    upstream = await FakeUpstream.start();
  });
  afterAll(async () => {
    await upstream.close();
    rmSync(dir, { recursive: true, force: true });
  });

  describe('the example spec through a real MCP client', () => {
    let kit: McpTestKit;
    const call = async (name: string, args: Record<string, unknown>): Promise<CallResult> =>
      (await kit.client.callTool({ name, arguments: args })) as CallResult;

    beforeAll(async () => {
      kit = await createMcpTestKit({
        imports: [OPENAPI_MODULE],
        env: { API_BASE_URL: upstream.url, OPENAPI_SPEC: EXAMPLE_SPEC, OPENAPI_EXCLUDE: 'internal', API_MAX_RETRIES: '0' },
      });
    }, 30_000);
    afterAll(() => kit.close());
    beforeEach(() => upstream.reset());

    it('yields one tool per selected operation, logged as file#operationId -> tool', async () => {
      const { tools } = await kit.client.listTools();
      expect(tools.map((tool) => tool.name).filter((name) => name !== 'get_customer')).toEqual([
        'create_customer',
        'delete_customer',
        'fetch_customer',
        'list_customers',
      ]);
      for (const [operationId, tool] of [
        ['listCustomers', 'list_customers'],
        ['createCustomer', 'create_customer'],
        ['fetchCustomer', 'fetch_customer'],
        ['deleteCustomer', 'delete_customer'],
      ]) {
        expect(kit.logs.text).toContain(`OpenAPI ${EXAMPLE_SPEC}#${operationId} -> ${tool}`);
      }
      expect(kit.logs.text).not.toContain('#getHealth');
    });

    it('advertises the spec’s schemas and the method’s hints', async () => {
      const { tools } = await kit.client.listTools();
      const byName = Object.fromEntries(tools.map((tool) => [tool.name, tool]));
      expect(byName.fetch_customer).toMatchObject({
        title: 'Fetch one customer',
        description: 'Fetch one customer\n\nThe customer with this id.',
        inputSchema: {
          type: 'object',
          properties: { customerId: { type: 'string', minLength: 1, maxLength: 64, description: "The customer's id." } },
          required: ['customerId'],
          additionalProperties: false,
        },
        outputSchema: { type: 'object', required: ['id', 'name', 'email'] },
        annotations: { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: true },
      });
      expect(byName.list_customers.inputSchema.properties).toEqual({
        limit: { type: 'integer', minimum: 1, maximum: 100, default: 20, description: 'How many customers to return.' },
        offset: { type: 'integer', minimum: 0, default: 0, description: 'How many customers to skip.' },
      });
      expect(byName.create_customer.inputSchema).toMatchObject({ required: ['body'], properties: { body: { required: ['name', 'email'] } } });
      expect(byName.create_customer.annotations).toEqual({ readOnlyHint: false, destructiveHint: false, idempotentHint: false, openWorldHint: true });
      expect(byName.delete_customer.annotations).toEqual({ readOnlyHint: false, destructiveHint: true, idempotentHint: true, openWorldHint: true });
      expect(byName.delete_customer.outputSchema).toBeUndefined();
    });

    it('sends only the declared parameters that were given, with the request id and no caller credentials', async () => {
      upstream.always('/customers', { kind: 'json', body: { items: [ADA], total: 1 } });
      const result = await call('list_customers', { limit: 2 });
      expect(result.isError).toBeFalsy();
      expect(result.structuredContent).toEqual({ items: [ADA], total: 1 });
      expect(upstream.requests).toHaveLength(1);
      const [sent] = upstream.requests;
      expect([sent.method, sent.url]).toEqual(['GET', '/customers?limit=2']);
      expect(sent.headers.host).toBe(new URL(upstream.url).host);
      expect(sent.headers['x-request-id']).toEqual(expect.any(String));
      expect(sent.headers.authorization).toBeUndefined();
      expect(sent.headers.cookie).toBeUndefined();
      const expected = ['accept', 'accept-encoding', 'connection', 'host', 'user-agent', 'x-request-id'];
      expect(Object.keys(sent.headers).filter((name) => !expected.includes(name))).toEqual([]);
    });

    it('refuses undeclared arguments before anything is sent', async () => {
      const result = await call('list_customers', { limit: 2, admin: true });
      expect(result.isError).toBe(true);
      expect(bodyOf(result)).toMatchObject({ status: 'invalid', issues: [{ field: 'admin', message: 'is not an accepted field' }] });
      expect(upstream.requests).toEqual([]);
    });

    it('checks simple arguments with the spec’s bounds', async () => {
      const result = await call('list_customers', { limit: 0 });
      expect(bodyOf(result)).toMatchObject({ status: 'invalid', issues: [{ field: 'limit', message: 'must not be less than 1' }] });
      expect(upstream.requests).toEqual([]);
    });

    it.each([
      ['../admin', '..%2Fadmin'],
      ['%2e%2e', '%252e%252e'],
      ['//evil.example', '%2F%2Fevil.example'],
      ['http://evil.example/x', 'http%3A%2F%2Fevil.example%2Fx'],
      ['@evil.example', '%40evil.example'],
      ['42/../../admin?x=1#f', '42%2F..%2F..%2Fadmin%3Fx%3D1%23f'],
    ])('path value %j reaches the upstream as one encoded segment under /customers/', async (customerId, encoded) => {
      const result = await call('fetch_customer', { customerId });
      expect(bodyOf(result)).toMatchObject({ status: 'not_found' });
      expect(upstream.requests.map((request) => [request.method, request.url, request.headers.host])).toEqual([
        ['GET', `/customers/${encoded}`, new URL(upstream.url).host],
      ]);
    });

    it.each(['..', '.'])('refuses path value %j (it cannot stay one segment) without a request', async (customerId) => {
      const result = await call('fetch_customer', { customerId });
      expect(bodyOf(result)).toMatchObject({ status: 'invalid', issues: [{ field: 'customerId' }] });
      expect(upstream.requests).toEqual([]);
    });

    it('answers the customer as structured content', async () => {
      const result = await call('fetch_customer', { customerId: '42' });
      expect(result.isError).toBeFalsy();
      expect(result.structuredContent).toEqual(GRACE);
    });

    it('maps an upstream 404 to not_found, without the upstream body', async () => {
      const result = await call('fetch_customer', { customerId: '99' });
      expect(result.isError).toBe(true);
      expect(bodyOf(result)).toEqual({ error: 'The API found no such resource (HTTP 404)', status: 'not_found', request_id: expect.any(String) });
      expect(result.content[0].text).not.toContain('internal detail');
    });

    it('refuses an answer that does not match the response schema', async () => {
      upstream.script('/customers/7', { kind: 'json', body: { id: 'not-an-integer' } });
      const result = await call('fetch_customer', { customerId: '7' });
      expect(bodyOf(result)).toMatchObject({ status: 'error' });
    });

    it('names each bad body field, and sends nothing', async () => {
      const missing = await call('create_customer', { body: { name: 'Ada' } });
      expect(bodyOf(missing)).toMatchObject({ status: 'invalid', issues: [{ field: 'body.email', message: 'is required' }] });
      const wrong = await call('create_customer', { body: { name: 'Ada', email: 'not-an-email', admin: true } });
      expect(bodyOf(wrong).issues).toEqual([
        { field: 'body.admin', message: 'is not an accepted field' },
        { field: 'body.email', message: 'must match format "email"' },
      ]);
      const notObject = await call('create_customer', { body: 'Ada' });
      expect(bodyOf(notObject)).toMatchObject({ status: 'invalid', issues: [{ field: 'body', message: 'must be an object' }] });
      expect(upstream.requests).toEqual([]);
    });

    it('posts the body as JSON and answers the created customer', async () => {
      const created = { id: 43, name: 'Edsger', email: 'edsger@example.test' };
      upstream.script('/customers', { kind: 'json', status: 201, body: created });
      const body = { name: 'Edsger', email: 'edsger@example.test' };
      const result = await call('create_customer', { body });
      expect(result.structuredContent).toEqual(created);
      const [sent] = upstream.requests;
      expect([sent.method, sent.url, sent.headers['content-type'], sent.headers['content-length']]).toEqual([
        'POST',
        '/customers',
        'application/json',
        String(Buffer.byteLength(JSON.stringify(body))),
      ]);
    });

    it('maps an upstream 422 to invalid naming (upstream), without the upstream body', async () => {
      upstream.script('/customers', { kind: 'status', status: 422 });
      const result = await call('create_customer', { body: { name: 'Ada', email: 'taken@example.test' } });
      expect(bodyOf(result)).toMatchObject({ status: 'invalid', issues: [{ field: '(upstream)', message: 'The API refused the request (HTTP 422)' }] });
      expect(result.content[0].text).not.toContain('upstream secret');
    });

    it('answers a 204 with a short text', async () => {
      upstream.script('/customers/42', { kind: 'status', status: 204 });
      const result = await call('delete_customer', { customerId: '42' });
      expect(result.isError).toBeFalsy();
      expect(result.content[0].text).toBe('The API answered HTTP 204 with no content.');
      expect(upstream.requests.map((request) => [request.method, request.url])).toEqual([['DELETE', '/customers/42']]);
    });
  });

  it('maps 401/403 to error and 400 to invalid', async () => {
    const kit = await createMcpTestKit({ imports: [OPENAPI_MODULE], env: { API_BASE_URL: upstream.url, OPENAPI_SPEC: EXAMPLE_SPEC, API_MAX_RETRIES: '0' } });
    try {
      upstream.script('/customers/1', { kind: 'status', status: 401 }, { kind: 'status', status: 403 }, { kind: 'status', status: 400 });
      for (const expected of [{ status: 'error' }, { status: 'error' }, { status: 'invalid', issues: [{ field: '(upstream)', message: 'The API refused the request (HTTP 400)' }] }]) {
        const result = await kit.client.callTool({ name: 'fetch_customer', arguments: { customerId: '1' } });
        expect(bodyOf(result)).toMatchObject(expected);
        expect(bodyOf(result).error).not.toContain('secret');
      }
    } finally {
      await kit.close();
    }
  });

  describe('boot', () => {
    const names = async (kit: McpTestKit): Promise<string[]> => (await kit.client.listTools()).tools.map((tool) => tool.name);

    it('OPENAPI_INCLUDE keeps only the named tags or operations', async () => {
      const kit = await createMcpTestKit({
        imports: [OPENAPI_MODULE],
        env: { API_BASE_URL: upstream.url, OPENAPI_SPEC: EXAMPLE_SPEC, OPENAPI_INCLUDE: 'internal,fetchCustomer' },
      });
      try {
        expect((await names(kit)).filter((name) => name !== 'get_customer')).toEqual(['fetch_customer', 'get_health']);
      } finally {
        await kit.close();
      }
    });

    it('without API_BASE_URL registers nothing and warns', async () => {
      const kit = await createMcpTestKit({ imports: [OPENAPI_MODULE], env: { OPENAPI_SPEC: EXAMPLE_SPEC } });
      try {
        expect(await names(kit)).toEqual([]);
        expect(kit.logs.text).toContain('OPENAPI_SPEC is set but API_BASE_URL is not: no OpenAPI tools registered');
      } finally {
        await kit.close();
      }
    });

    it('an invalid document fails the boot naming the file and the parser’s reason', async () => {
      const file = join(dir, 'invalid.yaml');
      writeFileSync(file, 'openapi: 3.0.3\ninfo: { title: t, version: "1" }\npaths:\n  /a:\n    get:\n      responses: { "200": { description: ok } }\n      parameters: [{ name: a, in: nowhere }]\n');
      await expect(createMcpTestKit({ imports: [OPENAPI_MODULE], env: { API_BASE_URL: upstream.url, OPENAPI_SPEC: file } })).rejects.toThrow(
        new RegExp(`^OPENAPI_SPEC ${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} is not a valid OpenAPI 3.x document: .+`),
      );
    });

    it('a missing file fails the boot', async () => {
      await expect(
        createMcpTestKit({ imports: [OPENAPI_MODULE], env: { API_BASE_URL: upstream.url, OPENAPI_SPEC: 'examples/missing.openapi.yaml' } }),
      ).rejects.toThrow('OPENAPI_SPEC examples/missing.openapi.yaml is not a valid OpenAPI 3.x document');
    });

    it('a name colliding with an existing tool fails the boot', async () => {
      const file = join(dir, 'collides.yaml');
      writeFileSync(
        file,
        'openapi: 3.0.3\ninfo: { title: t, version: "1" }\npaths:\n  /customers/{id}:\n    get:\n      operationId: getCustomer\n' +
          '      parameters: [{ name: id, in: path, required: true, schema: { type: string } }]\n      responses: { "200": { description: ok } }\n',
      );
      await expect(createMcpTestKit({ imports: [OPENAPI_MODULE], env: { API_BASE_URL: upstream.url, OPENAPI_SPEC: file } })).rejects.toThrow(
        /Duplicate MCP tool name "get_customer"/,
      );
    });

    it('colliding operation names fail the boot listing them', async () => {
      const file = join(dir, 'twins.yaml');
      writeFileSync(
        file,
        'openapi: 3.1.0\ninfo: { title: t, version: "1" }\npaths:\n  /a:\n    get: { operationId: listThings, responses: { "200": { description: ok } } }\n' +
          '  /b:\n    get: { operationId: list_things, responses: { "200": { description: ok } } }\n',
      );
      await expect(createMcpTestKit({ imports: [OPENAPI_MODULE], env: { API_BASE_URL: upstream.url, OPENAPI_SPEC: file } })).rejects.toThrow(
        'tool name "list_things" would be used by GET /a (listThings) and GET /b (list_things)',
      );
    });
  });
});
