import { JsonSchema } from './dto-json-schema';
import { buildOpenApiDocument } from './openapi-document';
import { ToolDefinition } from './tool.registry';

const SERVICE = { title: 'test REST facade', version: '1.2.3' };
const READ_ONLY = { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: false };

const tool = (name: string, overrides: Partial<ToolDefinition> = {}): ToolDefinition => ({
  name,
  description: `The ${name} tool`,
  inputSchema: { type: 'object', properties: {}, additionalProperties: false },
  annotations: READ_ONLY,
  ...overrides,
});

const tagSchema: JsonSchema = { type: 'object', properties: { label: { type: 'string' } }, required: ['label'], additionalProperties: false };
const withTags = (defs: Record<string, JsonSchema> = { Tag: tagSchema }): JsonSchema => ({
  type: 'object',
  properties: { tags: { type: 'array', items: { $ref: '#/$defs/Tag' } } },
  required: ['tags'],
  additionalProperties: false,
  $defs: defs,
});

type Doc = ReturnType<typeof buildOpenApiDocument>;
const post = (doc: Doc, name: string): Record<string, unknown> => doc.paths[`/v1/tools/${name}`].post as unknown as Record<string, unknown>;
const bodySchema = (doc: Doc, name: string): unknown =>
  (post(doc, name).requestBody as { content: Record<string, { schema: unknown }> }).content['application/json'].schema;

describe('buildOpenApiDocument', () => {
  it('is an OpenAPI 3.1 document with the service info and bearer security for every operation', () => {
    const doc = buildOpenApiDocument([], SERVICE);
    expect(doc).toMatchObject({ openapi: '3.1.0', info: { title: 'test REST facade', version: '1.2.3' }, security: [{ bearer: [] }] });
    expect(doc.components?.securitySchemes?.bearer).toMatchObject({ type: 'http', scheme: 'bearer' });
    expect(Object.keys(doc.paths)).toEqual(['/v1/tools']);
    expect(doc.paths['/v1/tools'].get?.operationId).toBe('listTools');
  });

  it('has one POST operation per tool, named by the tool, in the order given', () => {
    const doc = buildOpenApiDocument([tool('b_tool'), tool('a_tool', { title: 'A tool' })], SERVICE);
    expect(Object.keys(doc.paths)).toEqual(['/v1/tools', '/v1/tools/b_tool', '/v1/tools/a_tool', '/v1/mcp/{name}']);
    expect(doc.paths['/v1/mcp/{name}'].post).toMatchObject({ operationId: 'callToolAlias', parameters: [{ name: 'name', schema: { enum: ['b_tool', 'a_tool'] } }] });
    expect(post(doc, 'a_tool')).toMatchObject({ operationId: 'a_tool', summary: 'A tool', description: 'The a_tool tool' });
    expect(post(doc, 'b_tool')).toMatchObject({ operationId: 'b_tool', summary: 'b_tool' });
    expect(Object.values(doc.paths).every((path) => Object.keys(path).length === 1)).toBe(true);
  });

  it('uses the input schema as the body, the output schema as the 200 answer, and carries the annotations', () => {
    const inputSchema = { type: 'object', properties: { a: { type: 'integer' } }, required: ['a'], additionalProperties: false };
    const outputSchema = { type: 'object', properties: { sum: { type: 'integer' } } };
    const annotations = { readOnlyHint: false, destructiveHint: true, idempotentHint: false, openWorldHint: true };
    const doc = buildOpenApiDocument([tool('add', { inputSchema, outputSchema, annotations }), tool('free')], SERVICE);
    const add = post(doc, 'add') as { requestBody: { required: boolean }; responses: Record<string, unknown> };
    expect(bodySchema(doc, 'add')).toEqual(inputSchema);
    expect(add.requestBody.required).toBe(true);
    expect(add.responses['200']).toEqual({ description: expect.any(String), content: { 'application/json': { schema: outputSchema } } });
    expect(post(doc, 'add')['x-mcp-annotations']).toEqual(annotations);
    expect((post(doc, 'free').requestBody as { required: boolean }).required).toBe(false);
  });

  it('answers every error status with the shared ErrorBody', () => {
    const doc = buildOpenApiDocument([tool('one')], SERVICE);
    const responses = post(doc, 'one').responses as Record<string, { $ref?: string }>;
    expect(Object.keys(responses).sort()).toEqual(['200', '400', '401', '403', '404', '429', '500', '503']);
    for (const status of ['400', '401', '403', '404', '429', '500', '503']) {
      const name = (responses[status].$ref as string).replace('#/components/responses/', '');
      expect(doc.components?.responses?.[name]).toMatchObject({
        content: { 'application/json': { schema: { $ref: '#/components/schemas/ErrorBody' } } },
      });
    }
    expect(doc.components?.responses?.Retry).toMatchObject({ headers: { 'Retry-After': expect.any(Object) } });
    expect(doc.components?.schemas?.ErrorBody).toMatchObject({
      required: ['error', 'request_id'],
      properties: { status: { enum: ['invalid', 'not_found', 'forbidden', 'retry', 'error'] }, issues: { type: 'array' } },
    });
  });

  it('moves $defs into components/schemas and rewrites the references', () => {
    const doc = buildOpenApiDocument([tool('tags', { inputSchema: withTags() })], SERVICE);
    expect(bodySchema(doc, 'tags')).toEqual({
      type: 'object',
      properties: { tags: { type: 'array', items: { $ref: '#/components/schemas/Tag' } } },
      required: ['tags'],
      additionalProperties: false,
    });
    expect(doc.components?.schemas?.Tag).toEqual(tagSchema);
    expect(JSON.stringify(doc)).not.toContain('$defs');
  });

  it('rewrites references between nested DTOs, in output schemas too', () => {
    const outputSchema = {
      type: 'object',
      properties: { order: { $ref: '#/$defs/Order' } },
      $defs: {
        Order: { type: 'object', properties: { lines: { type: 'array', items: { $ref: '#/$defs/Line' } } } },
        Line: { type: 'object', properties: { sku: { type: 'string' } } },
      },
    };
    const doc = buildOpenApiDocument([tool('order', { outputSchema })], SERVICE);
    expect(doc.components?.schemas?.Order).toEqual({
      type: 'object',
      properties: { lines: { type: 'array', items: { $ref: '#/components/schemas/Line' } } },
    });
    expect(doc.components?.schemas?.Line).toBeDefined();
    const ok = (post(doc, 'order').responses as Record<string, { content: Record<string, { schema: unknown }> }>)['200'];
    expect(ok.content['application/json'].schema).toEqual({ type: 'object', properties: { order: { $ref: '#/components/schemas/Order' } } });
  });

  it('shares one component between tools using the same nested DTO, and renames a different one of the same name', () => {
    const otherTag = { type: 'object', properties: { colour: { type: 'string' } } };
    const errorBodyLike = { type: 'object', properties: { mine: { type: 'boolean' } } };
    const doc = buildOpenApiDocument(
      [
        tool('first', { inputSchema: withTags() }),
        tool('second', { inputSchema: withTags() }),
        tool('third', { inputSchema: withTags({ Tag: otherTag }) }),
        tool('fourth', { inputSchema: { type: 'object', properties: { e: { $ref: '#/$defs/ErrorBody' } }, $defs: { ErrorBody: errorBodyLike } } }),
      ],
      SERVICE,
    );
    const items = (name: string): unknown => (bodySchema(doc, name) as { properties: { tags: { items: unknown } } }).properties.tags.items;
    expect(items('first')).toEqual({ $ref: '#/components/schemas/Tag' });
    expect(items('second')).toEqual({ $ref: '#/components/schemas/Tag' });
    expect(items('third')).toEqual({ $ref: '#/components/schemas/Tag_2' });
    expect(doc.components?.schemas?.Tag_2).toEqual(otherTag);
    expect(bodySchema(doc, 'fourth')).toMatchObject({ properties: { e: { $ref: '#/components/schemas/ErrorBody_2' } } });
    expect(doc.components?.schemas?.ErrorBody_2).toEqual(errorBodyLike);
    expect(doc.components?.schemas?.ErrorBody).toMatchObject({ required: ['error', 'request_id'] });
  });

  it('gives a nested DTO a valid component name', () => {
    const inputSchema = { type: 'object', properties: { x: { $ref: '#/$defs/Odd$Name' } }, $defs: { Odd$Name: { type: 'object' } } };
    const doc = buildOpenApiDocument([tool('odd', { inputSchema })], SERVICE);
    expect(bodySchema(doc, 'odd')).toEqual({ type: 'object', properties: { x: { $ref: '#/components/schemas/Odd_Name' } } });
    expect(doc.components?.schemas?.Odd_Name).toEqual({ type: 'object' });
  });

  it('leaves the tool definitions it was given untouched', () => {
    const definition = tool('tags', { inputSchema: withTags() });
    const before = JSON.stringify(definition);
    buildOpenApiDocument([definition], SERVICE);
    expect(JSON.stringify(definition)).toBe(before);
  });
});
