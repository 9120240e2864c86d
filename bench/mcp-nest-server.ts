// A peer baseline of `npm run bench`: MCP-Nest 2.0.5 (`@rekog/mcp-nest`, the NestJS MCP module most Nest
// users pick), serving the same `echo` tool as the other targets, with the quick start's shape and the
// package's defaults: `McpStrategy` + `StreamableHttpTransport()` (stateless; JSON answers, which is its
// stateless default; both protocol eras), a Zod input schema, Express (`@nestjs/platform-express`),
// Nest's default logger off so nothing is printed per request.
//
// The port comes from PORT (0 = any free port); once listening it prints `LISTENING <port>` on stdout.
// It exits when its stdin closes, so it never outlives the harness that started it.
import 'reflect-metadata';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { Payload } from '@nestjs/microservices';
import { McpController, McpStrategy, StreamableHttpTransport, Tool } from '@rekog/mcp-nest';
import { z } from 'zod';

@McpController()
class EchoController {
  @Tool({
    name: 'echo',
    description: 'Returns the given text unchanged',
    parameters: z.object({ text: z.string() }),
    outputSchema: z.object({ text: z.string() }),
    annotations: { readOnlyHint: true },
  })
  echo(@Payload() { text }: { text: string }) {
    return { content: [{ type: 'text' as const, text: JSON.stringify({ text }) }], structuredContent: { text } };
  }
}

const mcp = new McpStrategy({
  name: 'mcp-nest-bench-server',
  version: '1.0.0',
  transports: [new StreamableHttpTransport()],
  logging: false,
});

@Module({ controllers: [EchoController] })
class BenchModule {}

async function main(): Promise<void> {
  const app = await NestFactory.create(BenchModule, { logger: false });
  mcp.setHttpAdapter(app.getHttpAdapter());
  app.connectMicroservice({ strategy: mcp });
  await app.startAllMicroservices();
  await app.listen(Number(process.env.PORT ?? 0), '127.0.0.1');
  const server = app.getHttpServer() as Server;
  process.stdout.write(`LISTENING ${(server.address() as AddressInfo).port}\n`);
}

void main();

process.stdin.on('end', () => process.exit(0));
process.stdin.on('error', () => process.exit(0));
process.stdin.resume();
process.on('SIGTERM', () => process.exit(0));
process.on('SIGINT', () => process.exit(0));
