import { createServer, IncomingMessage, request, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { AuthInfo } from '@modelcontextprotocol/server';
import { McpFetch, serveNodeRequest } from './mcp-node-adapter';

const AUTH: AuthInfo = { token: '', clientId: 'key-1', scopes: [] };

/** A real HTTP server whose every request goes through serveNodeRequest with `fetch` and `body`. */
async function serverWith(fetch: McpFetch, body: unknown): Promise<{ url: string; server: Server }> {
  const server = createServer((req: IncomingMessage, res: ServerResponse) => void serveNodeRequest(fetch, req, res, body, AUTH));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server };
}

describe('serveNodeRequest', () => {
  const servers: Server[] = [];
  afterEach(async () => {
    await Promise.all(servers.splice(0).map((server) => new Promise((resolve) => server.close(resolve))));
  });
  const start = async (fetch: McpFetch, body: unknown = undefined): Promise<string> => {
    const { url, server } = await serverWith(fetch, body);
    servers.push(server);
    return url;
  };

  it('hands the SDK the headers, the parsed body and the auth info, not a serialised copy of the body', async () => {
    let seen: { method: string; url: string; accept: string | null; length: string | null; hasBody: boolean; options: unknown } | undefined;
    const url = await start(
      (req, options) => {
        seen = { method: req.method, url: req.url, accept: req.headers.get('accept'), length: req.headers.get('content-length'), hasBody: req.body !== null, options };
        return Promise.resolve(Response.json({ ok: true }, { headers: { 'x-extra': 'yes' } }));
      },
      { jsonrpc: '2.0', id: 1, method: 'ping' },
    );
    const res = await fetch(`${url}/mcp?x=1`, { method: 'POST', headers: { Accept: 'application/json, text/event-stream' }, body: '{"jsonrpc":"2.0","id":1,"method":"ping"}' });
    expect(res.status).toBe(200);
    expect(res.headers.get('x-extra')).toBe('yes');
    expect(await res.json()).toEqual({ ok: true });
    expect(seen).toEqual({
      method: 'POST',
      url: expect.stringMatching(/^http:\/\/127\.0\.0\.1:\d+\/mcp\?x=1$/) as unknown,
      accept: 'application/json, text/event-stream',
      length: null,
      hasBody: false,
      options: { authInfo: AUTH, parsedBody: { jsonrpc: '2.0', id: 1, method: 'ping' } },
    });
  });

  it('streams an SSE answer event by event', async () => {
    let push: ((text: string) => void) | undefined;
    let end: (() => void) | undefined;
    const url = await start(() => {
      const encoder = new TextEncoder();
      const body = new ReadableStream<Uint8Array>({
        start(controller) {
          push = (text) => controller.enqueue(encoder.encode(text));
          end = () => controller.close();
        },
      });
      return Promise.resolve(new Response(body, { headers: { 'content-type': 'text/event-stream' } }));
    });
    const received: string[] = [];
    const done = new Promise<void>((resolve, reject) => {
      request(`${url}/mcp`, { method: 'POST' }, (res) => {
        expect(res.headers['content-type']).toBe('text/event-stream');
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => {
          received.push(chunk);
          if (received.length === 1) {
            push?.('data: second\n\n');
            end?.();
          }
        });
        res.on('end', resolve);
        res.on('error', reject);
      }).end();
    });
    while (push === undefined) await new Promise((resolve) => setImmediate(resolve));
    push('data: first\n\n');
    await done;
    expect(received.join('')).toBe('data: first\n\ndata: second\n\n');
  });

  it('aborts the request signal when the client goes away before the answer', async () => {
    let signal: AbortSignal | undefined;
    const url = await start((req) => {
      signal = req.signal;
      return new Promise((resolve) => req.signal.addEventListener('abort', () => resolve(new Response(null, { status: 499 })), { once: true }));
    });
    const client = request(`${url}/mcp`, { method: 'POST' });
    client.on('error', () => undefined);
    client.end();
    while (signal === undefined) await new Promise((resolve) => setTimeout(resolve, 5));
    expect(signal.aborted).toBe(false);
    client.destroy();
    while (!signal.aborted) await new Promise((resolve) => setTimeout(resolve, 5));
    expect(signal.aborted).toBe(true);
  });

  it('answers a JSON-RPC internal error naming the request id when the handler throws, and keeps serving', async () => {
    let fail = true;
    const url = await start(() => (fail ? Promise.reject(new Error('boom at /secret/path')) : Promise.resolve(Response.json({ ok: true }))), {
      jsonrpc: '2.0',
      id: 42,
      method: 'tools/call',
    });
    const res = await fetch(`${url}/mcp`, { method: 'POST' });
    expect(res.status).toBe(500);
    const text = await res.text();
    expect(JSON.parse(text)).toEqual({ jsonrpc: '2.0', error: { code: -32603, message: 'Internal server error' }, id: 42 });
    expect(text).not.toMatch(/boom|secret/);
    fail = false;
    expect(await (await fetch(`${url}/mcp`, { method: 'POST' })).json()).toEqual({ ok: true });
  });
});
