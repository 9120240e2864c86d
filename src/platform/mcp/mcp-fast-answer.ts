import { PACKAGE_INFO } from '../../config/package-info';
import type { FastRequest } from './mcp-fast-lane';
import { LIST_CACHE_HINTS } from './list-cache-hints';
import { MCP_SERVER_NAME } from './mcp.constants';

const SERVER_INFO_META_KEY = 'io.modelcontextprotocol/serverInfo';
const SERVER_INFO = { name: MCP_SERVER_NAME, version: PACKAGE_INFO.version };
const TOOLS_LIST_HINTS = LIST_CACHE_HINTS['tools/list'];

/**
 * The JSON-RPC answer to a fast-lane request, as the SDK's server writes it for that era: a 2025-era result as the
 * handler returned it; a 2026-07-28 result with the revision's encode contract applied, in the SDK's order:
 * `resultType: 'complete'`, the cache fields of `tools/list` (our configured hints), then the server's identity
 * in `_meta`. Our tool handlers never set any of these themselves.
 */
export function encodeFastAnswer(request: FastRequest, result: Record<string, unknown>): string {
  if (request.era === 'legacy') return JSON.stringify({ result, jsonrpc: '2.0', id: request.id });
  const stamped: Record<string, unknown> = { ...result, resultType: 'complete' };
  if (request.method === 'tools/list') {
    stamped.ttlMs = TOOLS_LIST_HINTS?.ttlMs;
    stamped.cacheScope = TOOLS_LIST_HINTS?.cacheScope;
  }
  stamped._meta = { [SERVER_INFO_META_KEY]: SERVER_INFO };
  return JSON.stringify({ result: stamped, jsonrpc: '2.0', id: request.id });
}
