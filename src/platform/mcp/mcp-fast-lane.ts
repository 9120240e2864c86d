import type { IncomingHttpHeaders } from 'node:http';
import { classifyInboundRequest, isJsonContentType } from '@modelcontextprotocol/server';
import type { ToolCallParams } from './mcp-tool.handlers';

/** The 2025-era revisions the fast lane serves: a subset of the SDK's own list (a spec checks it). */
export const FAST_LANE_LEGACY_VERSIONS: ReadonlySet<string> = new Set(['2025-11-25', '2025-06-18', '2025-03-26']);
/** The modern revision the fast lane serves (the SDK's one modern revision; a spec checks it). */
export const FAST_LANE_MODERN_VERSION = '2026-07-28';

/** A `tools/list` or `tools/call` the fast lane may answer without the SDK's per-request server. */
export type FastRequest =
  | { readonly era: 'legacy' | 'modern'; readonly method: 'tools/list'; readonly id: string | number }
  | { readonly era: 'legacy' | 'modern'; readonly method: 'tools/call'; readonly id: string | number; readonly params: ToolCallParams };

const MESSAGE_KEYS = new Set(['jsonrpc', 'id', 'method', 'params']);
const CALL_PARAM_KEYS = new Set(['name', 'arguments', '_meta']);
const LIST_PARAM_KEYS = new Set(['_meta']);

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function keysWithin(value: Record<string, unknown>, allowed: ReadonlySet<string>): boolean {
  for (const key in value) if (!allowed.has(key)) return false;
  return true;
}

function single(header: string | string[] | undefined): string | undefined {
  return typeof header === 'string' ? header : undefined;
}

type Route = ReturnType<typeof classifyInboundRequest>;
const plainLegacyRoutes = new Map<string, Route>();

/**
 * The SDK's classification of a request without `_meta` and without `Mcp-Method`/`Mcp-Name` headers, whose
 * `MCP-Protocol-Version` is absent or a FAST_LANE_LEGACY_VERSIONS one: asked once per method, params present or
 * not, and version (at most 16 answers), for a body of that shape. The SDK reads nothing else of such a request:
 * its checks (result, error or request shape; envelope claim in `_meta`; `initialize`; the version header) see
 * the same for every body recognizeFastRequest lets through (a spec compares the two on real bodies). It saves the
 * SDK's three zod parses per request, two of them failures that build an error.
 */
function plainLegacyRoute(method: 'tools/call' | 'tools/list', withParams: boolean, versionHeader: string | undefined): Route {
  const key = `${method} ${withParams} ${versionHeader ?? ''}`;
  let route = plainLegacyRoutes.get(key);
  if (route === undefined) {
    const body = { jsonrpc: '2.0', id: 0, method, ...(withParams ? { params: {} } : {}) };
    route = classifyInboundRequest({ httpMethod: 'POST', body, ...(versionHeader !== undefined ? { protocolVersionHeader: versionHeader } : {}) });
    plainLegacyRoutes.set(key, route);
  }
  return route;
}

/**
 * Recognises the one shape the fast lane answers: a single, plain, well-formed JSON-RPC `tools/list` (no cursor)
 * or `tools/call` of a registered tool, asking for no progress, whose headers the SDK would accept as they are.
 * Anything else (`undefined`) goes to the SDK's generic path, which answers it, errors included: the fast lane
 * never builds an error of its own. The era is the SDK's own classification (`classifyInboundRequest`), and the
 * acceptance checks are the conditions under which the SDK serves the request, each one narrowed, never widened:
 * - both eras: `Content-Type` is JSON (the SDK's `isJsonContentType`); the message has only the JSON-RPC keys,
 *   a string or safe-integer id, and params of the method's schema with no `progressToken` (a progress request
 *   is answered as a stream);
 * - 2025 era (`no-claim`): `Accept` names both JSON and SSE (as the SDK's transport requires), and
 *   `MCP-Protocol-Version` is absent or one of FAST_LANE_LEGACY_VERSIONS;
 * - 2026-07-28: the envelope names FAST_LANE_MODERN_VERSION and `MCP-Protocol-Version`, `Mcp-Method` and (for a
 *   call) `Mcp-Name` are present and equal, byte for byte, to what the body says.
 */
export function recognizeFastRequest(headers: IncomingHttpHeaders, body: unknown, isTool: (name: string) => boolean): FastRequest | undefined {
  if (!isPlainObject(body) || !keysWithin(body, MESSAGE_KEYS) || body.jsonrpc !== '2.0') return undefined;
  const { id, method, params } = body;
  if (typeof id !== 'string' && !(typeof id === 'number' && Number.isSafeInteger(id))) return undefined;
  if (method !== 'tools/call' && method !== 'tools/list') return undefined;
  if (params !== undefined && !isPlainObject(params)) return undefined;
  const meta = params?._meta;
  if (meta !== undefined && (!isPlainObject(meta) || 'progressToken' in meta)) return undefined;
  let call: ToolCallParams | undefined;
  if (method === 'tools/call') {
    if (params === undefined || !keysWithin(params, CALL_PARAM_KEYS)) return undefined;
    const { name, arguments: args } = params;
    if (typeof name !== 'string' || !isTool(name)) return undefined;
    if (args !== undefined && !isPlainObject(args)) return undefined;
    call = args === undefined ? { name } : { name, arguments: args };
  } else if (params !== undefined && !keysWithin(params, LIST_PARAM_KEYS)) {
    return undefined;
  }
  if (!isJsonContentType(single(headers['content-type']) ?? null)) return undefined;

  const versionHeader = single(headers['mcp-protocol-version']);
  const methodHeader = single(headers['mcp-method']);
  const nameHeader = single(headers['mcp-name']);
  const route =
    meta === undefined && methodHeader === undefined && nameHeader === undefined && (versionHeader === undefined || FAST_LANE_LEGACY_VERSIONS.has(versionHeader))
      ? plainLegacyRoute(method, params !== undefined, versionHeader)
      : classifyInboundRequest({
          httpMethod: 'POST',
          body,
          ...(versionHeader !== undefined ? { protocolVersionHeader: versionHeader } : {}),
          ...(methodHeader !== undefined ? { mcpMethodHeader: methodHeader } : {}),
          ...(nameHeader !== undefined ? { mcpNameHeader: nameHeader } : {}),
        });
  let era: 'legacy' | 'modern';
  if (route.kind === 'legacy' && route.reason === 'no-claim') {
    const accept = single(headers.accept);
    if (accept === undefined || !accept.includes('application/json') || !accept.includes('text/event-stream')) return undefined;
    if (versionHeader !== undefined && !FAST_LANE_LEGACY_VERSIONS.has(versionHeader)) return undefined;
    era = 'legacy';
  } else if (route.kind === 'modern' && route.messageKind === 'request') {
    if (route.classification.revision !== FAST_LANE_MODERN_VERSION || versionHeader !== FAST_LANE_MODERN_VERSION) return undefined;
    if (methodHeader !== method || (call !== undefined && nameHeader !== call.name)) return undefined;
    era = 'modern';
  } else {
    return undefined;
  }
  return call === undefined ? { era, method: 'tools/list', id } : { era, method: 'tools/call', id, params: call };
}
