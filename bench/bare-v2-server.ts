// A floor for our /mcp, not the baseline: the SDK v2 path our server uses (`createMcpHandler` with
// `legacy: 'stateless'` + `toNodeHandler`, a fresh low-level `Server` per request, `tools/call` of
// `echo` answered with content + structuredContent as McpServerFactory does) on a bare node:http
// server, without Nest, guards, throttler, logging, metrics or DTO validation. The difference between
// this target and `ours` is what our own stack costs; the difference between this and `bare` is what
// the SDK v2 per-request path costs compared with the v1 example.
//
// The port comes from PORT (0 = any free port); once listening it prints `LISTENING <port>` on stdout.
// It exits when its stdin closes, so it never outlives the harness that started it.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { toNodeHandler } from '@modelcontextprotocol/node';
import { CallToolResult, createMcpHandler, Server, Tool } from '@modelcontextprotocol/server';

const HOST = '127.0.0.1';

const ECHO: Tool = {
  name: 'echo',
  description: 'Returns the given text unchanged',
  inputSchema: { type: 'object', properties: { text: { type: 'string' } }, required: ['text'] },
  outputSchema: { type: 'object', properties: { text: { type: 'string' } }, required: ['text'] },
  annotations: { readOnlyHint: true },
};

function getServer(): Server {
  const server = new Server({ name: 'bare-sdk-v2-server', version: '1.0.0' }, { capabilities: { tools: { listChanged: false } } });
  server.setRequestHandler('tools/list', () => ({ tools: [ECHO] }));
  server.setRequestHandler('tools/call', (request): CallToolResult => {
    const text = String(request.params.arguments?.text ?? '');
    return { content: [{ type: 'text', text: JSON.stringify({ text }) }], structuredContent: { text } };
  });
  return server;
}

const handle = toNodeHandler(createMcpHandler(() => getServer(), { legacy: 'stateless' }));

const httpServer = createServer((req, res) => {
  if (req.url === '/mcp') {
    void handle(req, res);
    return;
  }
  res.writeHead(404).end();
});
httpServer.listen(Number(process.env.PORT ?? 0), HOST, () => {
  process.stdout.write(`LISTENING ${(httpServer.address() as AddressInfo).port}\n`);
});

process.stdin.on('end', () => process.exit(0));
process.stdin.on('error', () => process.exit(0));
process.stdin.resume();
process.on('SIGTERM', () => process.exit(0));
process.on('SIGINT', () => process.exit(0));
