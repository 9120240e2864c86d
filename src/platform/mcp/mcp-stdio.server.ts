import { randomUUID } from 'node:crypto';
import type { Readable, Writable } from 'node:stream';
import { Injectable, OnApplicationShutdown } from '@nestjs/common';
import { serveStdio, StdioServerHandle, StdioServerTransport } from '@modelcontextprotocol/server/stdio';
import { InjectPinoLogger, PinoLogger } from 'nestjs-pino';
import { Principal } from '../auth/principal.interface';
import { McpServerFactory } from './mcp-server.factory';

/** Whoever started the process: the stdio user needs no API key and holds every scope. */
export const STDIO_PRINCIPAL: Principal = { subject: 'local', clientId: 'local', scopes: ['*'], via: 'stdio' };

/** The two ends of one stdio connection (the process's own by default). */
export interface StdioStreams {
  readonly stdin: Readable;
  readonly stdout: Writable;
}

/** The SDK's stdio transport, plus a promise settled once the connection has ended (stdin closed, or stop()). */
class EndingStdioTransport extends StdioServerTransport {
  private markEnded: () => void = () => undefined;
  readonly ended = new Promise<void>((resolve) => (this.markEnded = resolve));

  override async close(): Promise<void> {
    await super.close();
    this.markEnded();
  }
}

/**
 * MCP over stdin/stdout for both protocol eras (2025 `initialize`, 2026-07-28 `server/discover`): the SDK
 * picks the era from the opening message and pins one server from the factory for the connection.
 * Each `tools/call` gets a fresh request id. Only JSON-RPC is written to stdout.
 */
@Injectable()
export class McpStdioServer implements OnApplicationShutdown {
  private handle?: StdioServerHandle;

  constructor(
    private readonly factory: McpServerFactory,
    @InjectPinoLogger(McpStdioServer.name) private readonly logger: PinoLogger,
  ) {}

  /** Serves one connection; resolves when it ends (the client closed stdin, or stop() was called). */
  async start(streams: StdioStreams = { stdin: process.stdin, stdout: process.stdout }): Promise<void> {
    if (this.handle) throw new Error('The stdio MCP server serves one connection and is already started');
    const transport = new EndingStdioTransport(streams.stdin, streams.stdout);
    this.handle = serveStdio(
      () => this.factory.create({ principal: STDIO_PRINCIPAL, door: 'stdio', requestId: randomUUID }),
      { transport, onerror: (error) => this.logger.warn({ reason: error.message }, 'MCP stdio message rejected') },
    );
    await transport.ended;
  }

  /** Ends the connection (requests still running are aborted); start() then resolves. */
  async stop(): Promise<void> {
    await this.handle?.close();
  }

  onApplicationShutdown(): Promise<void> {
    return this.stop();
  }
}
