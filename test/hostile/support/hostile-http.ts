import { performance } from 'node:perf_hooks';

/** The three ways a tool call comes in over HTTP. */
export type Door = 'mcp-2025' | 'mcp-2026' | 'rest';
export const DOORS: readonly Door[] = ['mcp-2025', 'mcp-2026', 'rest'];

export const LEGACY_VERSION = '2025-11-25';
export const MODERN_VERSION = '2026-07-28';

/** One HTTP answer as received; `error` is set instead when no answer came (refused, reset, timed out). */
export interface HttpAnswer {
  readonly status: number;
  readonly contentType: string;
  readonly headers: Headers;
  readonly text: string;
  readonly ms: number;
  readonly error?: string;
}

/** The per-request `_meta` a 2026-07-28 request carries instead of an `initialize` handshake. */
export function modernMeta(): Record<string, unknown> {
  return {
    'io.modelcontextprotocol/protocolVersion': MODERN_VERSION,
    'io.modelcontextprotocol/clientInfo': { name: 'hostile-fuzz', version: '1.0.0' },
    'io.modelcontextprotocol/clientCapabilities': {},
  };
}

/** Headers of a `/mcp` POST in one era (2026-07-28 also names the method and tool in headers). */
export function mcpHeaders(key: string, era: 'mcp-2025' | 'mcp-2026', method = 'tools/call', name?: string): Record<string, string> {
  const common = { 'Content-Type': 'application/json', Accept: 'application/json, text/event-stream', Authorization: `Bearer ${key}` };
  return era === 'mcp-2025'
    ? { ...common, 'MCP-Protocol-Version': LEGACY_VERSION }
    : { ...common, 'MCP-Protocol-Version': MODERN_VERSION, 'Mcp-Method': method, ...(name !== undefined ? { 'Mcp-Name': name } : {}) };
}

/** POSTs `body` and reads the whole answer; never throws (a failed exchange is an answer with `error`). */
export function post(url: string, body: string | Uint8Array, headers: Record<string, string>, timeoutMs: number): Promise<HttpAnswer> {
  return send(url, 'POST', body, headers, timeoutMs);
}

/** One request (`body` only where the method takes one) and its whole answer; never throws. */
export async function send(url: string, method: string, body: string | Uint8Array | undefined, headers: Record<string, string>, timeoutMs: number): Promise<HttpAnswer> {
  const started = performance.now();
  try {
    const res = await fetch(url, { method, headers, body, signal: AbortSignal.timeout(timeoutMs) });
    const text = await res.text();
    return { status: res.status, contentType: res.headers.get('content-type') ?? '', headers: res.headers, text, ms: performance.now() - started };
  } catch (error) {
    const reason = error instanceof Error ? `${error.name}: ${error.message}${error.cause instanceof Error ? ` (${error.cause.message})` : ''}` : String(error);
    return { status: 0, contentType: '', headers: new Headers(), text: '', ms: performance.now() - started, error: reason };
  }
}

/**
 * One `tools/call` of `name` with `argumentsJson` (JSON text, spliced verbatim) through `door`:
 * `/mcp` in the 2025 era, `/mcp` in the 2026-07-28 era, or the REST facade.
 */
export function callTool(baseUrl: string, key: string, door: Door, name: string, argumentsJson: string, timeoutMs: number, id = 1): Promise<HttpAnswer> {
  if (door === 'rest') {
    const headers = { 'Content-Type': 'application/json', Authorization: `Bearer ${key}` };
    return post(`${baseUrl}/v1/tools/${encodeURIComponent(name)}`, argumentsJson, headers, timeoutMs);
  }
  const meta = door === 'mcp-2026' ? `,"_meta":${JSON.stringify(modernMeta())}` : '';
  const body = `{"jsonrpc":"2.0","id":${id},"method":"tools/call","params":{"name":${JSON.stringify(name)},"arguments":${argumentsJson}${meta}}}`;
  return post(`${baseUrl}/mcp`, body, mcpHeaders(key, door, 'tools/call', name), timeoutMs);
}

/** The JSON values of an answer: the body, or each `data:` of a server-sent event stream. Throws on bad JSON. */
export function jsonMessages(answer: HttpAnswer): unknown[] {
  if (answer.text === '') return [];
  if (answer.contentType.startsWith('text/event-stream')) {
    return answer.text
      .split(/\r?\n\r?\n/)
      .map((event) =>
        event
          .split(/\r?\n/)
          .filter((line) => line.startsWith('data:'))
          .map((line) => line.slice(5).trimStart())
          .join('\n'),
      )
      .filter((data) => data !== '')
      .map((data) => JSON.parse(data) as unknown);
  }
  return [JSON.parse(answer.text) as unknown];
}
