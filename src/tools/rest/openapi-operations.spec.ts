import { loadOpenApiDocument } from './openapi-spec.loader';
import { annotationsFor, openApiOperations, OpenApiSpecError, operationIdFromPath, snakeCase, toJsonSchema } from './openapi-operations';

const EXAMPLE = 'examples/customers-api.openapi.yaml';

/** A minimal OpenAPI 3.0 document with the given paths. */
const documentWith = (paths: Record<string, unknown>, openapi = '3.0.3'): Record<string, unknown> => ({
  openapi,
  info: { title: 't', version: '1' },
  paths,
});

const ok = { '200': { description: 'ok' } };

describe('snakeCase and derived names', () => {
  it.each([
    ['getCustomerById', 'get_customer_by_id'],
    ['listHTTPLogs', 'list_http_logs'],
    ['orders.v2-list', 'orders_v2_list'],
    ['GetCustomer', 'get_customer'],
    ['create_customer', 'create_customer'],
    ['2fa-enable', 'op_2fa_enable'],
  ])('%s → %s', (operationId, expected) => {
    expect(snakeCase(operationId)).toBe(expected);
  });

  it('derives a name from method and path when there is no operationId', () => {
    expect(operationIdFromPath('GET', '/customers/{customerId}/orders')).toBe('get_customers_by_customer_id_orders');
    expect(operationIdFromPath('DELETE', '/v1/items/{id}')).toBe('delete_v1_items_by_id');
  });
});

describe('annotationsFor', () => {
  it.each([
    ['GET', true, false, true],
    ['HEAD', true, false, true],
    ['OPTIONS', true, false, true],
    ['PUT', false, true, true],
    ['DELETE', false, true, true],
    ['PATCH', false, true, false],
    ['POST', false, false, false],
  ] as const)('%s: readOnly %s, destructive %s, idempotent %s, open world', (method, readOnlyHint, destructiveHint, idempotentHint) => {
    expect(annotationsFor(method)).toEqual({ readOnlyHint, destructiveHint, idempotentHint, openWorldHint: true });
  });
});

describe('toJsonSchema', () => {
  it('rewrites OpenAPI 3.0 nullable and boolean exclusive bounds, drops OpenAPI-only keywords', () => {
    expect(
      toJsonSchema({
        type: 'object',
        'x-internal': true,
        example: { a: 1 },
        properties: {
          a: { type: 'integer', minimum: 0, exclusiveMinimum: true, maximum: 9, exclusiveMaximum: false },
          b: { type: 'string', nullable: true, enum: ['x', 'y'] },
          example: { type: 'string' },
        },
        items: [{ type: 'string' }],
      }),
    ).toEqual({
      type: 'object',
      properties: {
        a: { type: 'integer', exclusiveMinimum: 0, maximum: 9 },
        b: { type: ['string', 'null'], enum: ['x', 'y', null] },
        // A property that happens to be called `example` is a property, not the keyword.
        example: { type: 'string' },
      },
      items: [{ type: 'string' }],
    });
  });

  it('refuses a schema that contains itself', () => {
    const node: Record<string, unknown> = { type: 'object', properties: {} };
    (node.properties as Record<string, unknown>).child = node;
    expect(() => toJsonSchema(node)).toThrow();
  });
});

describe('openApiOperations on the example spec', () => {
  let document: Record<string, unknown>;
  beforeAll(async () => {
    document = await loadOpenApiDocument(EXAMPLE);
  });

  it('yields every operation, named from its operationId, in document order', () => {
    const { operations, warnings } = openApiOperations(document);
    expect(operations.map((op) => op.toolName)).toEqual(['list_customers', 'create_customer', 'fetch_customer', 'delete_customer', 'get_health']);
    expect(warnings).toEqual([]);
  });

  it('leaves out what OPENAPI_EXCLUDE names by tag or operationId', () => {
    expect(openApiOperations(document, { exclude: ['internal', 'deleteCustomer'] }).operations.map((op) => op.toolName)).toEqual([
      'list_customers',
      'create_customer',
      'fetch_customer',
    ]);
  });

  it('keeps only what OPENAPI_INCLUDE names (tag, operationId or tool name), exclude winning', () => {
    const names = (include: string[], exclude: string[] = []): string[] =>
      openApiOperations(document, { include, exclude }).operations.map((op) => op.toolName);
    expect(names(['internal'])).toEqual(['get_health']);
    expect(names(['fetchCustomer', 'list_customers'])).toEqual(['list_customers', 'fetch_customer']);
    expect(names(['customers'], ['createCustomer'])).toEqual(['list_customers', 'fetch_customer', 'delete_customer']);
  });

  it('warns about selection entries that match nothing', () => {
    expect(openApiOperations(document, { exclude: ['intrenal'] }).warnings).toEqual(['OPENAPI_EXCLUDE entry "intrenal" matches no tag or operationId']);
  });

  it('derives the input schema from the query parameters, and the output schema from the 200 JSON object', () => {
    const list = openApiOperations(document).operations.find((op) => op.toolName === 'list_customers');
    expect(list).toMatchObject({ method: 'GET', path: '/customers', title: 'List customers', description: 'List customers\n\nOne page of customers, oldest first.' });
    expect(list?.inputSchema).toEqual({
      type: 'object',
      properties: {
        limit: { type: 'integer', minimum: 1, maximum: 100, default: 20, description: 'How many customers to return.' },
        offset: { type: 'integer', minimum: 0, default: 0, description: 'How many customers to skip.' },
      },
      additionalProperties: false,
    });
    expect(list?.outputSchema).toMatchObject({ type: 'object', required: ['items'], properties: { items: { type: 'array', items: { type: 'object' } } } });
    expect(list?.annotations).toEqual({ readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: true });
  });

  it('makes path parameters required arguments (path-level parameters included)', () => {
    const fetch = openApiOperations(document).operations.find((op) => op.toolName === 'fetch_customer');
    expect(fetch?.inputSchema).toEqual({
      type: 'object',
      properties: { customerId: { type: 'string', minLength: 1, maxLength: 64, description: "The customer's id." } },
      required: ['customerId'],
      additionalProperties: false,
    });
    expect(fetch?.parameters).toEqual([{ name: 'customerId', in: 'path', required: true, schema: expect.any(Object) }]);
  });

  it('passes the JSON request body as a required `body` argument; the output is the 201 object', () => {
    const create = openApiOperations(document).operations.find((op) => op.toolName === 'create_customer');
    expect(create?.inputSchema).toEqual({
      type: 'object',
      properties: {
        body: {
          type: 'object',
          required: ['name', 'email'],
          additionalProperties: false,
          properties: { name: { type: 'string', minLength: 1, maxLength: 200 }, email: { type: 'string', format: 'email', maxLength: 320 } },
          description: 'The new customer.',
        },
      },
      required: ['body'],
      additionalProperties: false,
    });
    expect(create?.outputSchema).toMatchObject({ type: 'object', required: ['id', 'name', 'email'] });
    expect(create?.annotations).toEqual({ readOnlyHint: false, destructiveHint: false, idempotentHint: false, openWorldHint: true });
  });

  it('gives a DELETE without a JSON answer no output schema and destructive, idempotent hints', () => {
    const remove = openApiOperations(document).operations.find((op) => op.toolName === 'delete_customer');
    expect(remove?.outputSchema).toBeUndefined();
    expect(remove?.annotations).toEqual({ readOnlyHint: false, destructiveHint: true, idempotentHint: true, openWorldHint: true });
  });
});

describe('openApiOperations on edge cases', () => {
  it('names an operation without operationId from method and path', () => {
    const { operations } = openApiOperations(documentWith({ '/items/{id}': { get: { parameters: [{ name: 'id', in: 'path', required: true, schema: { type: 'string' } }], responses: ok } } }));
    expect(operations.map((op) => [op.toolName, op.operationId, op.description])).toEqual([['get_items_by_id', 'get_items_by_id', 'GET /items/{id}']]);
  });

  it('fails listing every colliding and over-long name', () => {
    const long = `get${'Thing'.repeat(14)}`;
    const document = documentWith({
      '/a': { get: { operationId: 'listItems', responses: ok } },
      '/b': { get: { operationId: 'list_items', responses: ok } },
      '/c': { get: { operationId: long, responses: ok } },
    });
    let error: unknown;
    try {
      openApiOperations(document);
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(OpenApiSpecError);
    const problems = (error as OpenApiSpecError).problems;
    expect(problems).toHaveLength(2);
    expect(problems[0]).toContain(`GET /c (${long})`);
    expect(problems[1]).toBe('tool name "list_items" would be used by GET /a (listItems) and GET /b (list_items); rename an operationId or exclude one');
  });

  it('an excluded operation cannot collide', () => {
    const document = documentWith({
      '/a': { get: { operationId: 'listItems', responses: ok } },
      '/b': { get: { operationId: 'list_items', tags: ['old'], responses: ok } },
    });
    expect(openApiOperations(document, { exclude: ['old'] }).operations.map((op) => op.path)).toEqual(['/a']);
  });

  it('never takes credential, cookie or framing headers from the caller; a required one skips the operation', () => {
    const document = documentWith({
      '/a': {
        get: {
          operationId: 'a',
          parameters: [
            { name: 'Authorization', in: 'header', schema: { type: 'string' } },
            { name: 'X-Api-Key', in: 'header', schema: { type: 'string' } },
            { name: 'session', in: 'cookie', schema: { type: 'string' } },
            { name: 'X-Tenant', in: 'header', required: true, schema: { type: 'string' } },
          ],
          responses: ok,
        },
      },
      '/b': { get: { operationId: 'b', parameters: [{ name: 'Cookie', in: 'header', required: true, schema: { type: 'string' } }], responses: ok } },
    });
    const { operations, warnings } = openApiOperations(document, { reservedHeaders: ['X-API-KEY'] });
    expect(operations.map((op) => op.toolName)).toEqual(['a']);
    expect(operations[0].parameters.map((p) => [p.in, p.name, p.required])).toEqual([['header', 'X-Tenant', true]]);
    expect(warnings).toEqual([
      'GET /a (a): header parameter "Authorization" is never sent: it is a reserved header (credentials and framing headers come from configuration)',
      'GET /a (a): header parameter "X-Api-Key" is never sent: it is a reserved header (credentials and framing headers come from configuration)',
      'GET /a (a): cookie parameter "session" is never sent: it is a cookie (cookies are never sent)',
      'GET /b (b): skipped, its required header parameter "Cookie" is a reserved header (credentials and framing headers come from configuration)',
    ]);
  });

  it('never sends a header whose declared name Node would refuse; a required one skips the operation', () => {
    const document = documentWith({
      '/a': { get: { operationId: 'a', parameters: [{ name: 'X Tenant', in: 'header', schema: { type: 'string' } }], responses: ok } },
      '/b': { get: { operationId: 'b', parameters: [{ name: 'X-Région', in: 'header', required: true, schema: { type: 'string' } }], responses: ok } },
    });
    const { operations, warnings } = openApiOperations(document);
    expect(operations.map((op) => [op.toolName, op.parameters.length])).toEqual([['a', 0]]);
    expect(warnings).toEqual([
      'GET /a (a): header parameter "X Tenant" is never sent: it is not a valid HTTP header name',
      'GET /b (b): skipped, its required header parameter "X-Région" is not a valid HTTP header name',
    ]);
  });

  it('skips a required non-JSON body and object-typed query parameters', () => {
    const document = documentWith({
      '/upload': { post: { operationId: 'upload', requestBody: { required: true, content: { 'multipart/form-data': { schema: { type: 'object' } } } }, responses: ok } },
      '/search': { get: { operationId: 'search', parameters: [{ name: 'filter', in: 'query', schema: { type: 'object' } }, { name: 'tag', in: 'query', schema: { type: 'array', items: { type: 'string' } } }], responses: ok } },
    });
    const { operations, warnings } = openApiOperations(document);
    expect(operations.map((op) => [op.toolName, op.parameters.map((p) => p.name)])).toEqual([['search', ['tag']]]);
    expect(warnings).toEqual([
      'POST /upload (upload): skipped, its request body is not JSON',
      'GET /search (search): query parameter "filter" is never sent: it has a type that cannot be sent as a query value',
    ]);
  });

  it('accepts +json media types and OpenAPI 3.1 type arrays; no output schema for arrays or nullable objects', () => {
    const document = documentWith(
      {
        '/a': {
          put: {
            operationId: 'a',
            requestBody: { content: { 'application/merge-patch+json': { schema: { type: 'object' } } } },
            responses: { '200': { description: 'ok', content: { 'application/json': { schema: { type: 'array', items: { type: 'string' } } } } } },
          },
        },
        '/b': { get: { operationId: 'b', responses: { '200': { description: 'ok', content: { 'application/json': { schema: { type: ['object', 'null'] } } } } } } },
      },
      '3.1.0',
    );
    const [a, b] = openApiOperations(document).operations;
    expect(a.body).toEqual({ required: false, schema: { type: 'object' } });
    expect(a.inputSchema.required).toBeUndefined();
    expect(a.outputSchema).toBeUndefined();
    expect(b.outputSchema).toBeUndefined();
  });

  it('refuses an argument name used twice (a parameter called body with a body)', () => {
    const document = documentWith({
      '/a': { post: { operationId: 'a', parameters: [{ name: 'body', in: 'query', schema: { type: 'string' } }], requestBody: { content: { 'application/json': { schema: { type: 'object' } } } }, responses: ok } },
    });
    expect(openApiOperations(document).warnings).toEqual(['POST /a (a): skipped, two of its arguments would be named "body"']);
  });

  it('fails on a circular schema of a selected operation only', () => {
    const node: Record<string, unknown> = { type: 'object', properties: {} };
    (node.properties as Record<string, unknown>).parent = node;
    const document = documentWith({
      '/tree': { get: { operationId: 'tree', tags: ['tree'], responses: { '200': { description: 'ok', content: { 'application/json': { schema: node } } } } } },
    });
    expect(() => openApiOperations(document)).toThrow(/GET \/tree \(tree\): a schema refers to itself/);
    expect(openApiOperations(document, { exclude: ['tree'] }).operations).toEqual([]);
  });

  it('refuses Swagger 2.0', () => {
    expect(() => openApiOperations({ swagger: '2.0', paths: {} })).toThrow(OpenApiSpecError);
  });
});
