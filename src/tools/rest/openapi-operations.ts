import { JsonSchema } from '../../platform/mcp/dto-json-schema';
import { McpToolAnnotations } from '../../platform/mcp/mcp-tool-options.interface';
import { TOOL_NAME_PATTERN } from '../../platform/mcp/mcp.constants';
import { UpstreamRequest } from './upstream-request.interface';

/** The HTTP methods an operation may have and the upstream client sends (TRACE is never exposed). */
export type OpenApiMethod = UpstreamRequest['method'];

const METHODS: readonly OpenApiMethod[] = ['GET', 'HEAD', 'OPTIONS', 'POST', 'PUT', 'PATCH', 'DELETE'];

/** The argument that carries the JSON request body. */
export const BODY_ARGUMENT = 'body';

/**
 * Header parameters never taken from the caller, whatever the spec declares: credentials and cookies come
 * from configuration only, and the rest belong to the HTTP client (framing, content negotiation, request id).
 */
export const RESERVED_HEADERS: readonly string[] = [
  'authorization',
  'proxy-authorization',
  'cookie',
  'host',
  'content-type',
  'content-length',
  'accept',
  'connection',
  'transfer-encoding',
  'te',
  'upgrade',
  'x-request-id',
];

/** One declared parameter of an operation, as a tool argument of the same name. */
export interface OpenApiParameter {
  readonly name: string;
  readonly in: 'path' | 'query' | 'header';
  readonly required: boolean;
  /** The parameter's schema as JSON Schema (OpenAPI 3.0 `nullable` etc. rewritten). */
  readonly schema: JsonSchema;
}

/** One selected operation, ready to become a tool. */
export interface OpenApiOperation {
  /** snake_case, `^[a-z][a-z0-9_]{0,63}$`. */
  readonly toolName: string;
  /** The declared operationId, or the one derived from method and path (`get_customers_by_customer_id`). */
  readonly operationId: string;
  readonly method: OpenApiMethod;
  /** The path template as declared (`/customers/{customerId}`). */
  readonly path: string;
  readonly title?: string;
  readonly description: string;
  readonly annotations: McpToolAnnotations;
  readonly parameters: readonly OpenApiParameter[];
  /** The JSON request body, passed as the `body` argument. */
  readonly body?: { readonly required: boolean; readonly schema: JsonSchema };
  /** The tool's arguments: one property per parameter plus `body`; unknown arguments refused. */
  readonly inputSchema: JsonSchema;
  /** The first 2xx `application/json` response schema, when it describes an object. */
  readonly outputSchema?: JsonSchema;
}

export interface OpenApiSelection {
  /** Tags, operationIds or tool names to keep (empty: every operation). */
  readonly include?: readonly string[];
  /** Tags, operationIds or tool names to leave out (wins over include). */
  readonly exclude?: readonly string[];
  /** Further header names (case-insensitive) never taken from the caller, e.g. the configured API_AUTH_HEADER. */
  readonly reservedHeaders?: readonly string[];
}

export interface OpenApiOperations {
  readonly operations: OpenApiOperation[];
  /** Things skipped, each a sentence naming the operation (parameters never sent, unsupported operations). */
  readonly warnings: string[];
}

/** The spec cannot be turned into tools; `problems` lists every reason (names, collisions, schemas). */
export class OpenApiSpecError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(`The OpenAPI document cannot be served as tools:\n- ${problems.join('\n- ')}`);
    this.name = 'OpenApiSpecError';
  }
}

type Json = Record<string, unknown>;

const isObject = (value: unknown): value is Json => typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * `getCustomerById` → `get_customer_by_id`, `listHTTPLogs` → `list_http_logs`, `orders.v2-list` → `orders_v2_list`.
 * Leading digits get an `op_` prefix; the result may still be too long for a tool name (checked by the caller).
 */
export function snakeCase(name: string): string {
  const words = name
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .replace(/(?<=[A-Z])(?=[A-Z][a-z])/g, '_')
    .replace(/[^A-Za-z0-9]+/g, '_')
    .replace(/^_|_$/g, '')
    .toLowerCase();
  return /^[0-9]/.test(words) ? `op_${words}` : words;
}

/** `GET /customers/{customerId}/orders` → `get_customers_by_customer_id_orders`. */
export function operationIdFromPath(method: OpenApiMethod, path: string): string {
  const segments = path
    .split('/')
    .filter(Boolean)
    .map((segment) => {
      const param = /^\{(.+)\}$/.exec(segment);
      return param ? `by_${param[1]}` : segment;
    });
  return snakeCase([method.toLowerCase(), ...segments].join('_'));
}

/**
 * The hints an HTTP method implies. GET/HEAD/OPTIONS: read-only, idempotent. PUT: idempotent and
 * destructive (it replaces). DELETE: idempotent and destructive. PATCH: not idempotent, destructive (it
 * changes what exists). POST: not idempotent, not destructive (it adds). Always open-world (an upstream API).
 */
export function annotationsFor(method: OpenApiMethod): McpToolAnnotations {
  switch (method) {
    case 'GET':
    case 'HEAD':
    case 'OPTIONS':
      return { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: true };
    case 'PUT':
    case 'DELETE':
      return { readOnlyHint: false, destructiveHint: true, idempotentHint: true, openWorldHint: true };
    case 'PATCH':
      return { readOnlyHint: false, destructiveHint: true, idempotentHint: false, openWorldHint: true };
    case 'POST':
      return { readOnlyHint: false, destructiveHint: false, idempotentHint: false, openWorldHint: true };
  }
}

class CircularSchemaError extends Error {}

/** Keywords whose value is one schema, an array of schemas, or a map of name → schema. */
const ONE_SCHEMA = new Set(['items', 'additionalProperties', 'not', 'if', 'then', 'else', 'contains', 'propertyNames', 'unevaluatedItems', 'unevaluatedProperties', 'additionalItems']);
const SCHEMA_LIST = new Set(['allOf', 'anyOf', 'oneOf', 'prefixItems', 'items']);
const SCHEMA_MAP = new Set(['properties', 'patternProperties', '$defs', 'definitions', 'dependentSchemas']);
/** OpenAPI-only keywords that mean nothing to a JSON Schema validator. */
const OPENAPI_ONLY = new Set(['example', 'xml', 'externalDocs', 'discriminator', 'nullable']);

/**
 * A dereferenced OpenAPI schema as plain JSON Schema: OpenAPI 3.0's `nullable: true` becomes a `null` type
 * (and a `null` enum member), its boolean `exclusiveMinimum`/`exclusiveMaximum` the numeric form, and the
 * OpenAPI-only keywords (`example`, `xml`, `discriminator`, `externalDocs`, `x-*`) are dropped. A schema that
 * contains itself (a circular `$ref`) cannot be serialised and throws.
 */
export function toJsonSchema(schema: unknown): JsonSchema {
  const converted = convertSchema(schema, new Set());
  return typeof converted === 'boolean' ? (converted ? {} : { not: {} }) : converted;
}

/** Booleans stay booleans below the root (`additionalProperties: false`). */
function convertSchema(schema: unknown, ancestors: Set<object>): JsonSchema | boolean {
  if (typeof schema === 'boolean') return schema;
  if (!isObject(schema)) return {};
  if (ancestors.has(schema)) throw new CircularSchemaError();
  ancestors.add(schema);
  try {
    const out: Json = {};
    for (const [key, value] of Object.entries(schema)) {
      if (OPENAPI_ONLY.has(key) || key.startsWith('x-')) continue;
      if (ONE_SCHEMA.has(key) && (isObject(value) || typeof value === 'boolean')) out[key] = convertSchema(value, ancestors);
      else if (SCHEMA_LIST.has(key) && Array.isArray(value)) out[key] = value.map((item) => convertSchema(item, ancestors));
      else if (SCHEMA_MAP.has(key) && isObject(value)) {
        out[key] = Object.fromEntries(Object.entries(value).map(([name, item]) => [name, convertSchema(item, ancestors)]));
      } else out[key] = structuredClone(value);
    }
    for (const bound of ['Minimum', 'Maximum'] as const) {
      const flag = out[`exclusive${bound}`];
      if (typeof flag !== 'boolean') continue;
      const limit = out[bound.toLowerCase()];
      delete out[`exclusive${bound}`];
      if (flag && typeof limit === 'number') {
        out[`exclusive${bound}`] = limit;
        delete out[bound.toLowerCase()];
      }
    }
    if (schema.nullable === true) {
      if (typeof out.type === 'string') out.type = [out.type, 'null'];
      if (Array.isArray(out.enum) && !out.enum.includes(null)) out.enum = [...out.enum, null];
    }
    return out;
  } finally {
    ancestors.delete(schema);
  }
}

/** The schema's single non-null type (`'string'` for `type: [string, 'null']`), or undefined. */
export function mainType(schema: JsonSchema): string | undefined {
  const types = (Array.isArray(schema.type) ? schema.type : [schema.type]).filter((type) => typeof type === 'string' && type !== 'null');
  if (types.length === 1) return types[0] as string;
  if (types.length === 0 && isObject(schema.properties)) return 'object';
  return undefined;
}

const PRIMITIVES = new Set(['string', 'integer', 'number', 'boolean']);

/** Query values the client can send as `name=value` pairs: primitives and arrays of primitives. */
function sendableIn(location: OpenApiParameter['in'], schema: JsonSchema): boolean {
  const type = mainType(schema);
  if (type !== undefined && PRIMITIVES.has(type)) return true;
  if (type === undefined && Array.isArray(schema.enum)) return true;
  if (location !== 'query' || type !== 'array') return false;
  const items = isObject(schema.items) ? mainType(schema.items) : undefined;
  return items !== undefined && PRIMITIVES.has(items);
}

const isJsonMediaType = (mediaType: string): boolean => /^application\/(?:[\w.+-]+\+)?json(?:\s*;.*)?$/i.test(mediaType.trim());

/** The schema of the first `application/json` (or `+json`) entry of a `content` map. */
function jsonSchemaOfContent(content: unknown): { schema: unknown } | undefined {
  if (!isObject(content)) return undefined;
  const entry = Object.entries(content).find(([mediaType]) => isJsonMediaType(mediaType));
  return entry && isObject(entry[1]) ? { schema: entry[1].schema ?? {} } : undefined;
}

/** The first 2xx response (200 before 201 before `2XX`) that has a JSON body describing an object. */
function outputSchemaOf(responses: unknown): JsonSchema | undefined {
  if (!isObject(responses)) return undefined;
  const success = Object.keys(responses)
    .filter((code) => /^2(\d\d|XX)$/i.test(code))
    .sort((a, b) => a.toUpperCase().localeCompare(b.toUpperCase()));
  for (const code of success) {
    const response = responses[code];
    const json = isObject(response) ? jsonSchemaOfContent(response.content) : undefined;
    if (!json) continue;
    const schema = toJsonSchema(json.schema);
    return mainType(schema) === 'object' && !(Array.isArray(schema.type) && schema.type.includes('null')) ? schema : undefined;
  }
  return undefined;
}

interface Candidate {
  readonly method: OpenApiMethod;
  readonly path: string;
  readonly operation: Json;
  readonly pathItem: Json;
  readonly operationId: string;
  readonly toolName: string;
  readonly tags: readonly string[];
}

function candidatesOf(document: Json): Candidate[] {
  const paths = isObject(document.paths) ? document.paths : {};
  const candidates: Candidate[] = [];
  for (const [path, pathItem] of Object.entries(paths)) {
    if (!isObject(pathItem)) continue;
    for (const method of METHODS) {
      const operation = pathItem[method.toLowerCase()];
      if (!isObject(operation)) continue;
      const declared = typeof operation.operationId === 'string' && operation.operationId.trim() !== '' ? operation.operationId : undefined;
      const operationId = declared ?? operationIdFromPath(method, path);
      const tags = Array.isArray(operation.tags) ? operation.tags.filter((tag): tag is string => typeof tag === 'string') : [];
      candidates.push({ method, path, operation, pathItem, operationId, toolName: snakeCase(operationId), tags });
    }
  }
  return candidates;
}

function matches(candidate: Candidate, entries: ReadonlySet<string>): boolean {
  return entries.has(candidate.operationId) || entries.has(candidate.toolName) || candidate.tags.some((tag) => entries.has(tag));
}

/** Operation-level parameters override path-level ones of the same name and location. */
function parametersOf(candidate: Candidate): Json[] {
  const merged = new Map<string, Json>();
  for (const list of [candidate.pathItem.parameters, candidate.operation.parameters]) {
    if (!Array.isArray(list)) continue;
    for (const parameter of list) {
      if (isObject(parameter) && typeof parameter.name === 'string' && typeof parameter.in === 'string') {
        merged.set(`${parameter.in}:${parameter.in === 'header' ? parameter.name.toLowerCase() : parameter.name}`, parameter);
      }
    }
  }
  return [...merged.values()];
}

class SkipOperation extends Error {}

function describe(candidate: Candidate): string {
  return `${candidate.method} ${candidate.path} (${candidate.operationId})`;
}

/** An HTTP field name (RFC 9110 §5.1 token); Node refuses to send any other. */
const HEADER_NAME = /^[\w!#$%&'*+.^`|~-]+$/;

function buildOperation(candidate: Candidate, reservedHeaders: ReadonlySet<string>, warnings: string[]): OpenApiOperation {
  const where = describe(candidate);
  const parameters: OpenApiParameter[] = [];
  for (const declared of parametersOf(candidate)) {
    const name = declared.name as string;
    const location = declared.in as string;
    const required = location === 'path' || declared.required === true;
    const skip = (why: string): void => {
      if (required) throw new SkipOperation(`${where}: skipped, its required ${location} parameter "${name}" ${why}`);
      warnings.push(`${where}: ${location} parameter "${name}" is never sent: it ${why}`);
    };
    if (location === 'cookie') {
      skip('is a cookie (cookies are never sent)');
      continue;
    }
    if (location === 'header' && !HEADER_NAME.test(name)) {
      skip('is not a valid HTTP header name');
      continue;
    }
    if (location === 'header' && reservedHeaders.has(name.toLowerCase())) {
      skip('is a reserved header (credentials and framing headers come from configuration)');
      continue;
    }
    if (location !== 'path' && location !== 'query' && location !== 'header') continue;
    if (declared.schema === undefined) {
      skip('has no schema (parameters described by `content` are not supported)');
      continue;
    }
    const schema = toJsonSchema(declared.schema);
    if (!sendableIn(location, schema)) {
      skip(`has a type that cannot be sent as a ${location} value`);
      continue;
    }
    if (name === BODY_ARGUMENT || parameters.some((other) => other.name === name)) {
      throw new SkipOperation(`${where}: skipped, two of its arguments would be named "${name}"`);
    }
    const description = typeof declared.description === 'string' && schema.description === undefined ? { description: declared.description } : {};
    parameters.push({ name, in: location, required, schema: { ...schema, ...description } });
  }
  for (const placeholder of candidate.path.matchAll(/\{([^{}]+)\}/g)) {
    if (!parameters.some((parameter) => parameter.in === 'path' && parameter.name === placeholder[1])) {
      throw new SkipOperation(`${where}: skipped, its path parameter "${placeholder[1]}" is not declared`);
    }
  }

  let body: OpenApiOperation['body'];
  const requestBody = candidate.operation.requestBody;
  if (isObject(requestBody)) {
    const json = jsonSchemaOfContent(requestBody.content);
    const required = requestBody.required === true;
    if (json) body = { required, schema: toJsonSchema(json.schema) };
    else if (required) throw new SkipOperation(`${where}: skipped, its request body is not JSON`);
    else warnings.push(`${where}: its request body is never sent: it is not JSON`);
  }

  const properties: Json = Object.fromEntries(parameters.map((parameter) => [parameter.name, parameter.schema]));
  const required = parameters.filter((parameter) => parameter.required).map((parameter) => parameter.name);
  if (body) {
    const description = isObject(requestBody) && typeof requestBody.description === 'string' ? requestBody.description : 'The JSON request body.';
    properties[BODY_ARGUMENT] = body.schema.description === undefined ? { ...body.schema, description } : body.schema;
    if (body.required) required.push(BODY_ARGUMENT);
  }

  const summary = typeof candidate.operation.summary === 'string' ? candidate.operation.summary.trim() : '';
  const details = typeof candidate.operation.description === 'string' ? candidate.operation.description.trim() : '';
  const description = [summary, details].filter(Boolean).join('\n\n') || `${candidate.method} ${candidate.path}`;
  const outputSchema = outputSchemaOf(candidate.operation.responses);
  return {
    toolName: candidate.toolName,
    operationId: candidate.operationId,
    method: candidate.method,
    path: candidate.path,
    ...(summary ? { title: summary } : {}),
    description,
    annotations: annotationsFor(candidate.method),
    parameters,
    ...(body ? { body } : {}),
    inputSchema: { type: 'object', properties, ...(required.length > 0 ? { required } : {}), additionalProperties: false },
    ...(outputSchema ? { outputSchema } : {}),
  };
}

/**
 * The operations of a validated, dereferenced OpenAPI 3.x document that become tools, in document order.
 * Selection: `include` (when not empty) keeps the operations with one of those tags, operationIds or tool
 * names; `exclude` then removes the same way. Operations it cannot serve safely (a required cookie or
 * reserved header, a required non-JSON body, an undeclared path parameter) are skipped with a warning;
 * optional ones of those are dropped with a warning. Bad or colliding tool names and circular schemas
 * throw an OpenApiSpecError listing all of them.
 *
 * @example
 * openApiOperations(document, { exclude: ['internal'] }).operations.map((op) => op.toolName);
 * // ['fetch_customer', 'list_customers', 'create_customer', 'delete_customer']
 */
export function openApiOperations(document: unknown, selection: OpenApiSelection = {}): OpenApiOperations {
  if (!isObject(document) || typeof document.openapi !== 'string' || !/^3\.[01]\./.test(document.openapi)) {
    throw new OpenApiSpecError(['only OpenAPI 3.0 and 3.1 documents are supported (`openapi: 3.0.x` or `3.1.x`)']);
  }
  const include = new Set(selection.include ?? []);
  const exclude = new Set(selection.exclude ?? []);
  const reservedHeaders = new Set([...RESERVED_HEADERS, ...(selection.reservedHeaders ?? []).map((name) => name.toLowerCase())]);
  const all = candidatesOf(document);
  const warnings: string[] = [];
  for (const [list, entries] of [
    ['OPENAPI_INCLUDE', include],
    ['OPENAPI_EXCLUDE', exclude],
  ] as const) {
    for (const entry of entries) {
      if (!all.some((candidate) => matches(candidate, new Set([entry])))) warnings.push(`${list} entry "${entry}" matches no tag or operationId`);
    }
  }
  const selected = all.filter((candidate) => (include.size === 0 || matches(candidate, include)) && !matches(candidate, exclude));

  const problems: string[] = [];
  const operations: OpenApiOperation[] = [];
  for (const candidate of selected) {
    if (!TOOL_NAME_PATTERN.test(candidate.toolName)) {
      problems.push(`${describe(candidate)}: tool name "${candidate.toolName}" must match ${TOOL_NAME_PATTERN} (at most 64 characters); give it a shorter operationId`);
      continue;
    }
    try {
      operations.push(buildOperation(candidate, reservedHeaders, warnings));
    } catch (error) {
      if (error instanceof SkipOperation) warnings.push(error.message);
      else if (error instanceof CircularSchemaError) problems.push(`${describe(candidate)}: a schema refers to itself (circular $ref), which a tool schema cannot carry; exclude the operation`);
      else throw error;
    }
  }
  const byName = new Map<string, string[]>();
  for (const candidate of selected) byName.set(candidate.toolName, [...(byName.get(candidate.toolName) ?? []), describe(candidate)]);
  for (const [name, owners] of byName) {
    if (owners.length > 1) problems.push(`tool name "${name}" would be used by ${owners.join(' and ')}; rename an operationId or exclude one`);
  }
  if (problems.length > 0) throw new OpenApiSpecError(problems);
  return { operations, warnings };
}
