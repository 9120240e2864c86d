import { validateDto } from '../../platform/mcp/dto-validator';
import { OpenApiSchemaCompiler, openApiInputDto } from './openapi-input.dto';
import { openApiOperations, OpenApiOperation } from './openapi-operations';

/** The one operation of a document with the given parameters and body. */
function operationWith(parameters: unknown[], requestBody?: unknown, method = 'post'): OpenApiOperation {
  const document = {
    openapi: '3.0.3',
    info: { title: 't', version: '1' },
    paths: { '/things/{id}': { [method]: { operationId: 'updateThing', parameters, ...(requestBody ? { requestBody } : {}), responses: { '200': { description: 'ok' } } } } },
  };
  return openApiOperations(document).operations[0];
}

const idParameter = { name: 'id', in: 'path', required: true, schema: { type: 'string', minLength: 2, maxLength: 5, pattern: '^[a-z]+$' } };
const body = {
  required: true,
  content: {
    'application/json': {
      schema: {
        type: 'object',
        required: ['name'],
        additionalProperties: false,
        properties: {
          name: { type: 'string', minLength: 1 },
          email: { type: 'string', format: 'email' },
          tags: { type: 'array', items: { type: 'object', required: ['label'], properties: { label: { type: 'string' } } } },
        },
      },
    },
  },
};

describe('openApiInputDto', () => {
  const operation = operationWith(
    [
      idParameter,
      { name: 'limit', in: 'query', schema: { type: 'integer', minimum: 1, maximum: 10 } },
      { name: 'ratio', in: 'query', schema: { type: 'number' } },
      { name: 'verbose', in: 'query', schema: { type: 'boolean' } },
      { name: 'sort', in: 'query', schema: { type: 'string', enum: ['asc', 'desc'] } },
      { name: 'X-Tenant', in: 'header', schema: { type: 'string' } },
    ],
    body,
  );
  const Input = openApiInputDto(operation);

  it('is named after the tool', () => {
    expect(Input.name).toBe('OpenApiUpdateThingInput');
  });

  it('accepts valid arguments, headers named as declared', async () => {
    const result = await validateDto(Input, { id: 'abc', limit: 3, ratio: 0.5, verbose: true, sort: 'asc', 'X-Tenant': 't1', body: { name: 'n' } });
    expect(result.ok).toBe(true);
  });

  it.each([
    [{ body: { name: 'n' } }, 'id', 'must be a string'],
    [{ id: 'a', body: {} }, 'id', 'must be longer than or equal to 2 characters'],
    [{ id: 'abcdef', body: {} }, 'id', 'must be shorter than or equal to 5 characters'],
    [{ id: 'AB', body: {} }, 'id', 'must match /^[a-z]+$/u regular expression'],
    [{ id: 'ab', limit: 0, body: {} }, 'limit', 'must not be less than 1'],
    [{ id: 'ab', limit: 11, body: {} }, 'limit', 'must not be greater than 10'],
    [{ id: 'ab', limit: 1.5, body: {} }, 'limit', 'must be an integer number'],
    [{ id: 'ab', ratio: 'x', body: {} }, 'ratio', 'must be a number conforming to the specified constraints'],
    [{ id: 'ab', verbose: 'yes', body: {} }, 'verbose', 'must be a boolean value'],
    [{ id: 'ab', sort: 'up', body: {} }, 'sort', 'must be one of the following values: asc, desc'],
    [{ id: 'ab' }, 'body', 'must be an object'],
    [{ id: 'ab', body: [] }, 'body', 'must be an object'],
    [{ id: 'ab', body: {}, extra: 1 }, 'extra', 'is not an accepted field'],
  ])('%j → %s %s', async (args, field, message) => {
    const result = await validateDto(Input, args);
    expect(result.ok).toBe(false);
    expect(result.ok ? [] : result.issues).toContainEqual({ field, message });
  });
});

describe('OpenApiSchemaCompiler', () => {
  const compiler = new OpenApiSchemaCompiler();
  const check = compiler.arguments(operationWith([idParameter], body));

  it('passes conforming arguments', () => {
    expect(check({ id: 'ab', body: { name: 'n', email: 'a@example.com', tags: [{ label: 'x' }] } })).toEqual([]);
  });

  it('names every bad field of the body by its path', () => {
    expect(check({ id: 'ab', body: { email: 'not-an-email', tags: [{ label: 'x' }, {}], nick: 'z' } })).toEqual([
      { field: 'body.name', message: 'is required' },
      { field: 'body.nick', message: 'is not an accepted field' },
      { field: 'body.email', message: 'must match format "email"' },
      { field: 'body.tags[1].label', message: 'is required' },
    ]);
  });

  it('validates outputs against a schema', () => {
    const conforms = compiler.output({ type: 'object', required: ['id'], properties: { id: { type: 'integer' } } });
    expect(conforms({ id: 1, extra: true })).toBe(true);
    expect(conforms({ id: '1' })).toBe(false);
  });
});
