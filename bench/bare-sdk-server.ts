// The baseline of `npm run bench`: the MCP TypeScript SDK's own stateless Streamable HTTP example
// (v1 SDK, `src/examples/server/simpleStatelessStreamableHttp.ts`), reduced to one `echo` tool.
//
// Same shape as the example: `createMcpExpressApp()` (express.json() + localhost Host check), and per
// POST a fresh `McpServer` + `StreamableHTTPServerTransport({ sessionIdGenerator: undefined })`,
// closed when the response closes. Differences from the example, all of which make the baseline
// faster, never slower: one tool instead of a prompt + a resource + a tool, and no console.log per request.
//
// Two routes, one process:
//   POST /mcp       the example's defaults: the answer is an SSE stream (`event: message`). THE BASELINE.
//   POST /mcp-json  the same with `enableJsonResponse: true` (answer is application/json).
//
// The port comes from PORT (0 = any free port); once listening it prints `LISTENING <port>` on stdout.
// It exits when its stdin closes, so it never outlives the harness that started it.
import type { AddressInfo } from 'node:net';
import type { Request, Response } from 'express';
import { createMcpExpressApp } from '@modelcontextprotocol/sdk/server/express.js';
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import * as z from 'zod/v4';

const HOST = '127.0.0.1';

function getServer(): McpServer {
  const server = new McpServer({ name: 'bare-sdk-stateless-server', version: '1.0.0' }, { capabilities: { logging: {} } });
  server.registerTool(
    'echo',
    { description: 'Returns the given text unchanged', inputSchema: { text: z.string().describe('Text to echo') } },
    ({ text }) => Promise.resolve({ content: [{ type: 'text' as const, text }] }),
  );
  return server;
}

function handler(enableJsonResponse: boolean): (req: Request, res: Response) => Promise<void> {
  return async (req, res) => {
    const server = getServer();
    try {
      const transport = new StreamableHTTPServerTransport({
        sessionIdGenerator: undefined,
        ...(enableJsonResponse ? { enableJsonResponse: true } : {}),
      });
      await server.connect(transport);
      await transport.handleRequest(req, res, req.body);
      res.on('close', () => {
        void transport.close();
        void server.close();
      });
    } catch (error) {
      process.stderr.write(`Error handling MCP request: ${String(error)}\n`);
      if (!res.headersSent) {
        res.status(500).json({ jsonrpc: '2.0', error: { code: -32603, message: 'Internal server error' }, id: null });
      }
    }
  };
}

function methodNotAllowed(_req: Request, res: Response): void {
  res.writeHead(405).end(JSON.stringify({ jsonrpc: '2.0', error: { code: -32000, message: 'Method not allowed.' }, id: null }));
}

const app = createMcpExpressApp({ host: HOST });
for (const [path, json] of [
  ['/mcp', false],
  ['/mcp-json', true],
] as const) {
  const handle = handler(json);
  app.post(path, (req: Request, res: Response) => {
    void handle(req, res);
  });
  app.get(path, methodNotAllowed);
  app.delete(path, methodNotAllowed);
}

const httpServer = app.listen(Number(process.env.PORT ?? 0), HOST, (error?: Error) => {
  if (error) {
    process.stderr.write(`Failed to start server: ${error.message}\n`);
    process.exit(1);
  }
  process.stdout.write(`LISTENING ${(httpServer.address() as AddressInfo).port}\n`);
});

process.stdin.on('end', () => process.exit(0));
process.stdin.on('error', () => process.exit(0));
process.stdin.resume();
process.on('SIGTERM', () => process.exit(0));
process.on('SIGINT', () => process.exit(0));
