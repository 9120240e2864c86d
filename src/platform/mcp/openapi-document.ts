import type { OpenAPIObject, OperationObject, PathsObject, ResponseObject, SchemaObject } from '@nestjs/swagger';
import { TOOL_ERROR_STATUSES } from '../errors/tool-error-status';
import { JsonSchema } from './dto-json-schema';
import { ToolDefinition } from './tool.registry';

/** What the document says about the service itself. */
export interface OpenApiServiceInfo {
  readonly title: string;
  readonly version: string;
  readonly description?: string;
}

/** Where the REST facade lives; the controller and the document share it. */
export const TOOLS_PATH = '/v1/tools';
/** The original design's path of a tool call: an alias of `POST /v1/tools/{name}`. */
export const LEGACY_TOOLS_PATH = '/v1/mcp';

const DEFS_PREFIX = '#/$defs/';
const COMPONENTS_PREFIX = '#/components/schemas/';
const ERROR_BODY = 'ErrorBody';
const JSON_TYPE = 'application/json';

const ERROR_RESPONSES: Readonly<Record<string, { readonly name: string; readonly description: string; readonly headers?: readonly string[] }>> = {
  '400': { name: 'InvalidArguments', description: 'Invalid arguments (`status: invalid`); `issues` names each bad field' },
  '401': { name: 'Unauthorized', description: 'Missing, unknown, expired or disabled API key', headers: ['WWW-Authenticate'] },
  '403': { name: 'Forbidden', description: 'The key lacks the scope for this tool (`status: forbidden`), or a foreign Origin' },
  '404': { name: 'NotFound', description: 'Unknown tool, or the thing asked for does not exist (`status: not_found`)' },
  '429': { name: 'TooManyRequests', description: 'Rate limit of this API key reached (RATE_LIMIT_RPM, or the key\'s own rate_limit_rpm)', headers: ['Retry-After'] },
  '503': { name: 'Retry', description: 'Timeout or transient upstream failure (`status: retry`); safe to retry', headers: ['Retry-After'] },
  '500': { name: 'InternalError', description: 'Unexpected failure (`status: error`); the message is generic' },
};

const HEADERS: Readonly<Record<string, { description: string; schema: SchemaObject }>> = {
  'WWW-Authenticate': { description: 'Bearer challenge', schema: { type: 'string' } },
  'Retry-After': { description: 'Seconds to wait before retrying', schema: { type: 'integer', minimum: 0 } },
};

const SHARED_SCHEMAS: Readonly<Record<string, JsonSchema>> = {
  [ERROR_BODY]: {
    type: 'object',
    required: ['error', 'request_id'],
    properties: {
      error: { type: 'string', description: 'Safe, human-readable message' },
      status: { type: 'string', enum: [...TOOL_ERROR_STATUSES], description: 'Set when a tool call failed' },
      request_id: { type: 'string', description: 'Also in the X-Request-ID response header' },
      issues: {
        type: 'array',
        description: 'Each bad argument (status `invalid` only)',
        items: {
          type: 'object',
          required: ['field', 'message'],
          properties: { field: { type: 'string', examples: ['items[0].name'] }, message: { type: 'string' } },
        },
      },
    },
  },
  ToolAnnotations: {
    type: 'object',
    required: ['readOnlyHint'],
    properties: {
      readOnlyHint: { type: 'boolean' },
      destructiveHint: { type: 'boolean' },
      idempotentHint: { type: 'boolean' },
      openWorldHint: { type: 'boolean' },
    },
  },
  ToolDefinition: {
    type: 'object',
    required: ['name', 'description', 'inputSchema', 'annotations'],
    properties: {
      name: { type: 'string' },
      title: { type: 'string' },
      description: { type: 'string' },
      inputSchema: { type: 'object', description: 'JSON Schema of the arguments (the request body)' },
      outputSchema: { type: 'object', description: 'JSON Schema of the result, when the tool declares one' },
      annotations: { $ref: `${COMPONENTS_PREFIX}ToolAnnotations` },
    },
  },
  ToolList: {
    type: 'object',
    required: ['tools'],
    properties: { tools: { type: 'array', items: { $ref: `${COMPONENTS_PREFIX}ToolDefinition` } } },
  },
};

/** Rewrites every `#/$defs/X` reference through `names` (old name → component name). */
function rewriteRefs(schema: unknown, names: ReadonlyMap<string, string>): unknown {
  if (Array.isArray(schema)) return schema.map((item) => rewriteRefs(item, names));
  if (!schema || typeof schema !== 'object') return schema;
  return Object.fromEntries(
    Object.entries(schema).map(([key, value]) => {
      if (key === '$ref' && typeof value === 'string' && value.startsWith(DEFS_PREFIX)) {
        const name = value.slice(DEFS_PREFIX.length);
        return [key, `${COMPONENTS_PREFIX}${names.get(name) ?? name}`];
      }
      return [key, rewriteRefs(value, names)];
    }),
  );
}

/**
 * The schemas of one document. Each tool schema's `$defs` become components, shared by name when equal;
 * a nested DTO whose name is taken by a different schema (or a shared one) gets a suffix: `Tag_2`.
 */
class SchemaComponents {
  readonly schemas: Record<string, JsonSchema> = structuredClone(SHARED_SCHEMAS);
  /** Each adopted component as its tool's `$defs` wrote it, to tell one nested DTO from two that clash. */
  private readonly sources = new Map<string, string>();

  /** The schema without its `$defs`, every reference pointing into `components/schemas`. */
  adopt(schema: JsonSchema): JsonSchema {
    const { $defs, ...rest } = schema;
    const defs = Object.entries(($defs ?? {}) as Record<string, JsonSchema>);
    const names = new Map<string, string>();
    for (const [name, def] of defs) names.set(name, this.claim(name, JSON.stringify(def)));
    for (const [name, def] of defs) this.schemas[names.get(name) as string] = rewriteRefs(def, names) as JsonSchema;
    return rewriteRefs(rest, names) as JsonSchema;
  }

  private claim(name: string, source: string): string {
    const base = name.replace(/[^A-Za-z0-9._-]/g, '_'); // what a component name may hold
    for (let n = 1; ; n += 1) {
      const candidate = n === 1 ? base : `${base}_${n}`;
      const taken = this.sources.get(candidate);
      if (taken === source) return candidate;
      if (taken === undefined && !(candidate in this.schemas)) {
        this.sources.set(candidate, source);
        return candidate;
      }
    }
  }
}

const ref = (name: string): { $ref: string } => ({ $ref: `${COMPONENTS_PREFIX}${name}` });

function errorResponses(statuses: readonly string[]): OperationObject['responses'] {
  return Object.fromEntries(statuses.map((status) => [status, { $ref: `#/components/responses/${ERROR_RESPONSES[status].name}` }]));
}

function toolOperation(tool: ToolDefinition, components: SchemaComponents): OperationObject {
  const input = components.adopt(tool.inputSchema);
  const output = tool.outputSchema
    ? components.adopt(tool.outputSchema)
    : { type: 'object', description: "The tool's structured result, or `{ text }` when it answers with text" };
  const required = Array.isArray(input.required) && input.required.length > 0;
  return {
    operationId: tool.name,
    summary: tool.title ?? tool.name,
    description: tool.description,
    tags: ['tools'],
    requestBody: {
      required,
      description: 'The arguments of the tool, as one JSON object',
      content: { [JSON_TYPE]: { schema: input as SchemaObject } },
    },
    responses: {
      '200': { description: 'The result of the call', content: { [JSON_TYPE]: { schema: output as SchemaObject } } },
      ...errorResponses(['400', '401', '403', '404', '429', '503', '500']),
    },
    'x-mcp-annotations': { ...tool.annotations },
  } as OperationObject;
}

/** `POST /v1/mcp/{name}`: listed once, as the alias it is, rather than as a second copy of every operation. */
function legacyAliasOperation(tools: readonly ToolDefinition[]): OperationObject {
  return {
    operationId: 'callToolAlias',
    summary: 'Call a tool (alias of POST /v1/tools/{name})',
    description:
      `The original design's path of a tool call. It is served by the same handler as \`POST ${TOOLS_PATH}/{name}\`, ` +
      'with the same authentication, limits, validation, errors and answers: see that operation of the tool for its schemas.',
    tags: ['tools'],
    parameters: [{ name: 'name', in: 'path', required: true, schema: { type: 'string', enum: tools.map((tool) => tool.name) } }],
    requestBody: {
      required: false,
      description: 'The arguments of the tool, as one JSON object',
      content: { [JSON_TYPE]: { schema: { type: 'object' } } },
    },
    responses: {
      '200': { description: 'The result of the call', content: { [JSON_TYPE]: { schema: { type: 'object' } } } },
      ...errorResponses(['400', '401', '403', '404', '429', '503', '500']),
    },
  } as OperationObject;
}

/**
 * The OpenAPI 3.1 document of the REST facade, from the registered tools: `GET /v1/tools`, one
 * `POST /v1/tools/<name>` per tool and the `POST /v1/mcp/{name}` alias (its input schema as the body, its output schema as the 200 answer,
 * the shared error answers, its annotations as `x-mcp-annotations`). Nested DTOs, carried in each tool
 * schema's `$defs`, become `components/schemas`. Pure: same tools in, same document out.
 */
export function buildOpenApiDocument(tools: readonly ToolDefinition[], service: OpenApiServiceInfo): OpenAPIObject {
  const components = new SchemaComponents();
  const paths: PathsObject = {
    [TOOLS_PATH]: {
      get: {
        operationId: 'listTools',
        summary: 'List the tools',
        description: 'Every tool this server offers, with its JSON Schemas and annotations, in name order.',
        tags: ['tools'],
        responses: {
          '200': { description: 'The tools', content: { [JSON_TYPE]: { schema: ref('ToolList') } } },
          ...errorResponses(['401', '403', '429', '500']),
        },
      },
    },
  };
  for (const tool of tools) paths[`${TOOLS_PATH}/${tool.name}`] = { post: toolOperation(tool, components) };
  if (tools.length > 0) paths[`${LEGACY_TOOLS_PATH}/{name}`] = { post: legacyAliasOperation(tools) };

  const responses: Record<string, ResponseObject> = {};
  for (const { name, description, headers } of Object.values(ERROR_RESPONSES)) {
    responses[name] = {
      description,
      ...(headers ? { headers: Object.fromEntries(headers.map((header) => [header, HEADERS[header]])) } : {}),
      content: { [JSON_TYPE]: { schema: ref(ERROR_BODY) } },
    };
  }
  return {
    openapi: '3.1.0',
    info: {
      title: service.title,
      version: service.version,
      ...(service.description ? { description: service.description } : {}),
    },
    tags: [{ name: 'tools', description: 'The REST facade: each tool as one POST operation' }],
    paths,
    components: {
      schemas: components.schemas as Record<string, SchemaObject>,
      responses,
      securitySchemes: { bearer: { type: 'http', scheme: 'bearer', description: 'An API key (API_KEY_PRIMARY, API_KEY_SECONDARY or an API_KEYS_FILE key); the document lists the tools its scopes allow' } },
    },
    security: [{ bearer: [] }],
  };
}
