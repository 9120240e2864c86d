import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AuthInfo, McpHandlerRequestOptions } from '@modelcontextprotocol/server';

/** The web-standard face of an MCP handler (`McpHttpHandler.fetch` of the SDK, or a router in front of it). */
export type McpFetch = (request: Request, options: McpHandlerRequestOptions) => Promise<Response>;

const SSE = 'text/event-stream';

/** The JSON-RPC answer of last resort, when a handler throws (they answer their own errors). */
export const internalErrorAnswer = (id: unknown): string =>
  JSON.stringify({ jsonrpc: '2.0', error: { code: -32603, message: 'Internal server error' }, id: typeof id === 'string' || typeof id === 'number' ? id : null });

/**
 * Serves one Node request with a web-standard MCP handler, for a body that `mcpBodyParser` has already
 * parsed and checked. It does what `toNodeHandler` of `@modelcontextprotocol/node` does, minus what that
 * body makes useless: the parsed body goes to the SDK as `parsedBody` only (the SDK never reads the
 * `Request` body when given one), so it is not serialised again into the `Request`; a JSON answer is
 * written in one `end()`; only an SSE answer is streamed (with write backpressure). A client that goes away
 * aborts the request's signal, which cancels the call, as with the SDK's adapter.
 */
export async function serveNodeRequest(
  fetch: McpFetch,
  req: IncomingMessage,
  res: ServerResponse,
  parsedBody: unknown,
  authInfo: AuthInfo,
): Promise<void> {
  const abort = new AbortController();
  let finished = false;
  res.once('close', () => {
    if (!finished) abort.abort();
  });
  let response: Response;
  try {
    response = await fetch(toWebRequest(req, abort.signal), { authInfo, ...(parsedBody !== undefined ? { parsedBody } : {}) });
  } catch {
    finished = true;
    res.writeHead(500, { 'content-type': 'application/json' }).end(internalErrorAnswer((parsedBody as { id?: unknown } | undefined)?.id));
    return;
  }
  const headers: Record<string, string> = {};
  response.headers.forEach((value, name) => {
    headers[name] = value;
  });
  if (response.body === null) {
    finished = true;
    res.writeHead(response.status, headers).end();
    return;
  }
  if (!(response.headers.get('content-type') ?? '').startsWith(SSE)) {
    const text = await response.text();
    finished = true;
    headers['content-length'] = String(Buffer.byteLength(text));
    res.writeHead(response.status, headers).end(text);
    return;
  }
  res.writeHead(response.status, headers);
  await streamTo(response.body, res, abort.signal);
  finished = true;
  res.end();
}

/** Copies an SSE body to the socket as it comes, waiting for `drain` when the socket's buffer is full. */
async function streamTo(body: ReadableStream<Uint8Array>, res: ServerResponse, closed: AbortSignal): Promise<void> {
  let release: (() => void) | undefined;
  const wake = (): void => {
    release?.();
    release = undefined;
  };
  res.on('drain', wake);
  closed.addEventListener('abort', wake, { once: true });
  try {
    for await (const chunk of body) {
      if (closed.aborted) break;
      if (!res.write(chunk)) await new Promise<void>((resolve) => (release = resolve));
    }
  } catch {
    // The stream failed or the client went away: end the response either way.
  } finally {
    res.off('drain', wake);
    closed.removeEventListener('abort', wake);
  }
}

/** The web `Request` the SDK reads: method, URL, headers and the abort signal; the body is passed parsed. */
function toWebRequest(req: IncomingMessage, signal: AbortSignal): Request {
  const headers = new Headers();
  const raw = req.rawHeaders;
  for (let i = 0; i + 1 < raw.length; i += 2) headers.append(raw[i], raw[i + 1]);
  headers.delete('content-length');
  headers.delete('transfer-encoding');
  headers.delete('content-encoding');
  return new Request(`http://${req.headers.host ?? 'localhost'}${req.url ?? '/'}`, { method: req.method ?? 'GET', headers, signal });
}
