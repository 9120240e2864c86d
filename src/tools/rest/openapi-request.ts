import { InvalidArgumentsException, ToolFailedException, ToolNotFoundException, ToolRetryException } from '../../platform/errors/tool.exception';
import { BODY_ARGUMENT, OpenApiOperation } from './openapi-operations';
import { encodePathSegment } from './upstream-path';
import {
  assertEncodable,
  assertHeaderValue,
  assertWithin,
  MAX_ARGUMENT_HEADER_LENGTH,
  MAX_REQUEST_TARGET_LENGTH,
  queryLength,
} from './upstream-request-limits';
import { UpstreamRequest, UpstreamResponse } from './upstream-request.interface';

type Scalar = string | number | boolean;
type QueryValue = Scalar | readonly Scalar[];

const isScalar = (value: unknown): value is Scalar => typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean';

/** What the handler adds to the arguments: the call's signal, request id and tool name. */
export type OpenApiCallContext = Pick<UpstreamRequest, 'signal' | 'requestId' | 'tool'>;

/**
 * The upstream request of one call, from validated arguments and nothing else: each `{param}` of the
 * path template replaced by its value percent-encoded as exactly one segment (`../admin` → `..%2Fadmin`;
 * `.`/`..`/empty refused), the declared query and header parameters that were given, and `body`.
 * Undeclared arguments never reach the upstream (the validator refuses them before; this ignores them).
 * Refused as `invalid`, naming the argument: texts no encoding can carry (lone surrogates), header values
 * that are not printable ASCII, and a path-and-query or header set longer than what upstreams accept
 * (MAX_REQUEST_TARGET_LENGTH, MAX_ARGUMENT_HEADER_LENGTH).
 *
 * @example
 * openApiRequest(fetchCustomer, { customerId: '42' }, ctx); // { method: 'GET', path: '/customers/42', ... }
 */
export function openApiRequest(operation: OpenApiOperation, args: Readonly<Record<string, unknown>>, ctx: OpenApiCallContext): UpstreamRequest {
  const query: Record<string, QueryValue> = {};
  const headers: Record<string, string> = {};
  const pathValues = new Map<string, string>();
  const targetLengths = new Map<string, number>();
  const headerLengths = new Map<string, number>();
  for (const parameter of operation.parameters) {
    const value = args[parameter.name];
    if (value === undefined || value === null) continue;
    if (parameter.in === 'path') {
      if (!isScalar(value)) throw new InvalidArgumentsException([{ field: parameter.name, message: 'must be a string or a number' }]);
      const encoded = encodePathSegment(typeof value === 'boolean' ? String(value) : value, parameter.name);
      pathValues.set(parameter.name, encoded);
      targetLengths.set(parameter.name, encoded.length);
    } else if (parameter.in === 'query') {
      if (isScalar(value)) query[parameter.name] = value;
      else if (Array.isArray(value) && value.every(isScalar)) query[parameter.name] = value;
      else throw new InvalidArgumentsException([{ field: parameter.name, message: 'must be a scalar or an array of scalars' }]);
      for (const item of Array.isArray(value) ? value : [value]) if (typeof item === 'string') assertEncodable(item, parameter.name);
      targetLengths.set(parameter.name, queryLength(parameter.name, query[parameter.name]));
    } else {
      if (!isScalar(value)) throw new InvalidArgumentsException([{ field: parameter.name, message: 'must be a scalar' }]);
      const text = String(value);
      // No line breaks (header injection), and nothing Node refuses to send (a character above U+00FF).
      assertHeaderValue(text, parameter.name);
      headers[parameter.name] = text;
      headerLengths.set(parameter.name, parameter.name.length + 2 + text.length);
    }
  }
  assertWithin(targetLengths, operation.path.length + 1, MAX_REQUEST_TARGET_LENGTH, 'the upstream path and query');
  assertWithin(headerLengths, 0, MAX_ARGUMENT_HEADER_LENGTH, 'the header arguments');
  const path = operation.path.replace(/\{([^{}]+)\}/g, (_match, name: string) => {
    const encoded = pathValues.get(name);
    if (encoded === undefined) throw new InvalidArgumentsException([{ field: name, message: 'is required' }]);
    return encoded;
  });
  const body = operation.body ? args[BODY_ARGUMENT] : undefined;
  return {
    method: operation.method,
    path,
    ...(Object.keys(query).length > 0 ? { query } : {}),
    ...(Object.keys(headers).length > 0 ? { headers } : {}),
    ...(body !== undefined ? { body } : {}),
    ...ctx,
  };
}

const isPlainObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * The tool's answer for an upstream response. 2xx: a JSON object as is (structured content); any other
 * JSON value as JSON text; no body as a short text. Errors never carry the upstream's body: 404 →
 * `not_found`; 400/422 → `invalid` naming `(upstream)`; 401/403 → `error` (our credentials were refused);
 * 429/5xx that the client hands back after its retries → `retry`; anything else → `error`. (Timeouts and an
 * open circuit are raised by the UpstreamClient itself.) When the operation has an output schema, a 2xx answer
 * must be an object conforming to it (`conforms`), else `error`.
 *
 * @example
 * openApiResult(fetchCustomer, { status: 200, headers: {}, body: { id: 42 } }); // { id: 42 }
 */
export function openApiResult(operation: OpenApiOperation, response: UpstreamResponse, conforms: (value: unknown) => boolean = () => true): unknown {
  const { status, body } = response;
  if (status >= 200 && status < 300) {
    if (operation.outputSchema !== undefined) {
      if (!isPlainObject(body) || !conforms(body)) {
        throw new ToolFailedException('The API answer did not match its declared response schema', {
          cause: new Error(`${operation.method} ${operation.path}: HTTP ${status} body does not match the output schema`),
        });
      }
      return body;
    }
    if (body === undefined || body === null || body === '') return `The API answered HTTP ${status} with no content.`;
    return body;
  }
  const cause = new Error(`${operation.method} ${operation.path} answered HTTP ${status}`);
  if (status === 404) throw new ToolNotFoundException('The API found no such resource (HTTP 404)', { cause });
  if (status === 400 || status === 422) {
    throw new InvalidArgumentsException([{ field: '(upstream)', message: `The API refused the request (HTTP ${status})` }]);
  }
  if (status === 401 || status === 403) throw new ToolFailedException('The API refused our credentials', { cause });
  if (status === 429 || status >= 500) {
    const retryAfter = Number(response.headers['retry-after']);
    throw new ToolRetryException(`The API is unavailable (HTTP ${status}); try again later`, Number.isFinite(retryAfter) && retryAfter > 0 ? Math.min(retryAfter, 60) : 1, { cause });
  }
  throw new ToolFailedException(`The API answered HTTP ${status}`, { cause });
}
