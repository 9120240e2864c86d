import { randomUUID } from 'node:crypto';
import { DynamicModule, INestApplicationContext, Module, Type } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { InMemoryTransport } from '@modelcontextprotocol/server';
import { Logger } from 'nestjs-pino';
import { __resetOutOfContextForTests } from 'nestjs-pino/PinoLogger';
import { appConfigModule } from '../../src/config/config.module';
import { RuntimeModule } from '../../src/config/runtime.module';
import { Principal } from '../../src/platform/auth/principal.interface';
import { LoggingModule } from '../../src/platform/logging/logging.module';
import { McpModule } from '../../src/platform/mcp/mcp.module';
import { McpServerFactory } from '../../src/platform/mcp/mcp-server.factory';
import { MetricsModule } from '../../src/platform/metrics/metrics.module';
import { IN_PROCESS_APP_ENV, withEnvironment } from './environment';
import { assertTestDatabaseConnects, TEST_DB_URL } from './test-database';
import { LogCapture } from './log-capture';

export interface McpTestKitOptions {
  /** The tool modules under test (e.g. `[SqlToolsModule]`). */
  readonly imports: (Type<unknown> | DynamicModule | Promise<DynamicModule>)[];
  /** Environment for this boot (the developer's own variables are ignored). */
  readonly env?: Record<string, string>;
  /** Who calls; defaults to a key with every scope. */
  readonly principal?: Principal;
}

export interface McpTestKit {
  /** A real MCP SDK client (2025 era), connected in memory to a server built exactly as /mcp builds it. */
  readonly client: Client;
  readonly app: INestApplicationContext;
  readonly logs: LogCapture;
  /** `prompts/get` through the client; rejects with the JSON-RPC error (`code`, `message`) on failure. */
  getPrompt(name: string, args?: Record<string, string>): ReturnType<Client['getPrompt']>;
  /** The values `completion/complete` answers for one argument of a prompt or resource template. */
  complete(ref: CompletionRef, argument: string, value: string, context?: Record<string, string>): Promise<string[]>;
  close(): Promise<void>;
}

/** What `completion/complete` completes: a prompt by name, or a resource template by its URI template. */
export type CompletionRef = { type: 'ref/prompt'; name: string } | { type: 'ref/resource'; uri: string };

/**
 * Boots the MCP core plus the given modules (no HTTP) and returns a connected MCP client.
 *
 * @example
 * const kit = await createMcpTestKit({ imports: [DiagnosticsModule] });
 * const result = await kit.client.callTool({ name: 'echo', arguments: { text: 'hi' } });
 * const { messages } = await kit.getPrompt('notes_review', { id });
 * await kit.close();
 */
export async function createMcpTestKit(options: McpTestKitOptions): Promise<McpTestKit> {
  await assertTestDatabaseConnects();
  const logs = new LogCapture();
  // nestjs-pino keeps the first app's logger for the process; start each kit with its own.
  __resetOutOfContextForTests();
  const app = await withEnvironment({ LOG_LEVEL: 'debug', DB_URL: TEST_DB_URL, ...IN_PROCESS_APP_ENV, ...options.env }, async () => {
    @Module({
      imports: [
        await appConfigModule({ envFile: false }),
        RuntimeModule.forRoot({ logStream: logs }),
        LoggingModule.forRoot(),
        MetricsModule,
        McpModule,
        ...options.imports,
      ],
    })
    class McpTestKitModule {}
    const context = await NestFactory.createApplicationContext(McpTestKitModule, { bufferLogs: true, abortOnError: false });
    try {
      context.useLogger(context.get(Logger));
      await context.init();
    } catch (error) {
      // Init hooks that ran before the failure may have opened connections: close them, or jest never exits.
      await context.close().catch(() => undefined);
      throw error;
    }
    return context;
  });
  const server = app.get(McpServerFactory).create({
    principal: options.principal ?? { subject: 'primary', clientId: 'primary', scopes: ['*'], via: 'api_key' },
    door: 'memory',
    requestId: randomUUID,
  });
  const [clientTransport, serverTransport] = InMemoryTransport.createLinkedPair();
  await server.connect(serverTransport);
  const client = new Client({ name: 'mcp-test-kit', version: '1.0.0' });
  await client.connect(clientTransport);
  return {
    client,
    app,
    logs,
    getPrompt: (name, args) => client.getPrompt({ name, ...(args ? { arguments: args } : {}) }),
    complete: async (ref, argument, value, context) =>
      (await client.complete({ ref, argument: { name: argument, value }, ...(context ? { context: { arguments: context } } : {}) })).completion.values,
    close: async () => {
      await client.close();
      await server.close();
      await app.close();
    },
  };
}
