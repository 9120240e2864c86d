import { InvalidArgumentsException, ToolFailedException, ToolNotFoundException, ToolRetryException } from '../../platform/errors/tool.exception';
import { openApiOperations, OpenApiOperation } from './openapi-operations';
import { openApiRequest, openApiResult } from './openapi-request';

const ctx = { signal: new AbortController().signal, requestId: 'req-1', tool: 'update_thing' };

const operation: OpenApiOperation = openApiOperations({
  openapi: '3.1.0',
  info: { title: 't', version: '1' },
  paths: {
    '/things/{id}/parts/{part}': {
      patch: {
        operationId: 'updateThing',
        parameters: [
          { name: 'id', in: 'path', required: true, schema: { type: 'string' } },
          { name: 'part', in: 'path', required: true, schema: { type: 'integer' } },
          { name: 'tag', in: 'query', schema: { type: 'array', items: { type: 'string' } } },
          { name: 'dry_run', in: 'query', schema: { type: 'boolean' } },
          { name: 'X-Tenant', in: 'header', schema: { type: 'string' } },
        ],
        requestBody: { content: { 'application/json': { schema: { type: 'object' } } } },
        responses: { '200': { description: 'ok', content: { 'application/json': { schema: { type: 'object', properties: { id: { type: 'string' } } } } } } },
      },
    },
  },
}).operations[0];

describe('openApiRequest', () => {
  it('fills the path with encoded segments and sends only the declared, given parameters', () => {
    expect(openApiRequest(operation, { id: 'a b', part: 3, tag: ['x', 'y'], 'X-Tenant': 't1', body: { name: 'n' }, stray: 'never' }, ctx)).toEqual({
      method: 'PATCH',
      path: '/things/a%20b/parts/3',
      query: { tag: ['x', 'y'] },
      headers: { 'X-Tenant': 't1' },
      body: { name: 'n' },
      ...ctx,
    });
  });

  it('leaves out query, headers and body when none are given', () => {
    expect(openApiRequest(operation, { id: 'a', part: 1, dry_run: false }, ctx)).toEqual({ method: 'PATCH', path: '/things/a/parts/1', query: { dry_run: false }, ...ctx });
  });

  it.each([
    ['../admin', '..%2Fadmin'],
    ['%2e%2e', '%252e%252e'],
    ['//evil.example', '%2F%2Fevil.example'],
    ['http://evil.example/x', 'http%3A%2F%2Fevil.example%2Fx'],
    ['@evil', '%40evil'],
    ['a?b#c', 'a%3Fb%23c'],
  ])('keeps %s as one segment (%s)', (id, encoded) => {
    expect(openApiRequest(operation, { id, part: 1 }, ctx).path).toBe(`/things/${encoded}/parts/1`);
  });

  it.each(['..', '.', ''])('refuses %j as a path value, naming the argument', (id) => {
    expect(() => openApiRequest(operation, { id, part: 1 }, ctx)).toThrow(InvalidArgumentsException);
    try {
      openApiRequest(operation, { id, part: 1 }, ctx);
    } catch (error) {
      expect((error as InvalidArgumentsException).issues[0].field).toBe('id');
    }
  });

  it('refuses a header value with a line break', () => {
    expect(() => openApiRequest(operation, { id: 'a', part: 1, 'X-Tenant': 't\r\nX-Evil: 1' }, ctx)).toThrow(InvalidArgumentsException);
  });

  const issuesOf = (args: Record<string, unknown>): unknown => {
    try {
      openApiRequest(operation, args, ctx);
    } catch (error) {
      if (error instanceof InvalidArgumentsException) return error.issues;
      throw error;
    }
    throw new Error('expected the arguments to be refused');
  };

  it.each(['Zoë', '东京', 'emoji 😀', '\u0100'])('refuses the non-ASCII header value %j as invalid, naming the argument (Node would throw)', (tenant) => {
    expect(issuesOf({ id: 'a', part: 1, 'X-Tenant': tenant })).toEqual([{ field: 'X-Tenant', message: 'must hold only printable ASCII characters (a header value)' }]);
  });

  it.each([
    ['id', { id: 'a\uD800b', part: 1 }],
    ['id', { id: '\uDFFF', part: 1 }],
    ['tag', { id: 'a', part: 1, tag: ['ok', 'x\uDBFF'] }],
  ])('refuses a lone surrogate in %s as invalid (encodeURIComponent would throw URIError)', (field, args) => {
    expect(issuesOf(args)).toEqual([{ field, message: 'must be well-formed Unicode (it holds a lone surrogate)' }]);
  });

  it('keeps a well-formed surrogate pair', () => {
    expect(openApiRequest(operation, { id: '😀', part: 1, tag: ['😀'] }, ctx)).toMatchObject({ path: '/things/%F0%9F%98%80/parts/1', query: { tag: ['😀'] } });
  });

  it('refuses a path and query longer than upstreams accept, naming the largest argument and the limit', () => {
    expect(issuesOf({ id: 'a'.repeat(100), part: 1, tag: Array.from({ length: 800 }, () => 'é') })).toEqual([
      { field: 'tag', message: `makes the upstream path and query ${'/things/{id}/parts/{part}'.length + 1 + 100 + 1 + 800 * 'tag=%C3%A9&'.length} characters long; the limit is 8000` },
    ]);
    expect(openApiRequest(operation, { id: 'a'.repeat(7000), part: 1 }, ctx).path).toHaveLength(7000 + '/things//parts/1'.length);
  });

  it('refuses header arguments longer than upstreams accept', () => {
    expect(issuesOf({ id: 'a', part: 1, 'X-Tenant': 't'.repeat(8000) })).toEqual([
      { field: 'X-Tenant', message: 'makes the header arguments 8010 characters long; the limit is 8000' },
    ]);
  });
});

describe('openApiResult', () => {
  const plain = { ...operation, outputSchema: undefined };
  const answer = (status: number, body?: unknown, headers: Record<string, string> = {}) => ({ status, headers, body });

  it('answers a 2xx object as is, other JSON as is, no body as a short text', () => {
    expect(openApiResult(operation, answer(200, { id: 'a' }))).toEqual({ id: 'a' });
    expect(openApiResult(plain, answer(200, [1, 2]))).toEqual([1, 2]);
    expect(openApiResult(plain, answer(204))).toBe('The API answered HTTP 204 with no content.');
  });

  it('refuses a 2xx answer that does not match the output schema', () => {
    expect(() => openApiResult(operation, answer(200, [1]))).toThrow(ToolFailedException);
    expect(() => openApiResult(operation, answer(200, { id: 1 }), () => false)).toThrow('The API answer did not match its declared response schema');
  });

  it('maps error statuses without the upstream body', () => {
    const secret = { detail: 'internal stack trace' };
    expect(() => openApiResult(operation, answer(404, secret))).toThrow(ToolNotFoundException);
    for (const status of [400, 422]) {
      try {
        openApiResult(operation, answer(status, secret));
        throw new Error('expected a throw');
      } catch (error) {
        expect(error).toBeInstanceOf(InvalidArgumentsException);
        expect((error as InvalidArgumentsException).issues).toEqual([{ field: '(upstream)', message: `The API refused the request (HTTP ${status})` }]);
      }
    }
    expect(() => openApiResult(operation, answer(401, secret))).toThrow('The API refused our credentials');
    expect(() => openApiResult(operation, answer(403, secret))).toThrow('The API refused our credentials');
    expect(() => openApiResult(operation, answer(409, secret))).toThrow('The API answered HTTP 409');
    expect(() => openApiResult(operation, answer(503, secret, { 'retry-after': '7' }))).toThrow(ToolRetryException);
  });
});
