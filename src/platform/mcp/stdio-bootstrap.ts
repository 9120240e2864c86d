import { DynamicModule } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { NestFactory } from '@nestjs/core';
import { Logger } from 'nestjs-pino';
import { Environment } from '../../config/environment';
import { redactUrl } from '../../config/redact-url';
import { BootLogger } from '../lifecycle/boot-failure';
import { installGracefulShutdown, ShutdownFlush } from '../lifecycle/graceful-shutdown';
import { McpStdioServer } from './mcp-stdio.server';

/**
 * `node dist/main.js --stdio`: the application without an HTTP listener, serving MCP on stdin/stdout.
 * Exits 0 when the client closes stdin or on SIGTERM/SIGINT, after closing the application.
 * `root` must be built with `{ stdio: true }` so that logs go to stderr: stdout carries only JSON-RPC. A failed
 * boot rejects; main.ts prints one line on stderr.
 */
export async function bootstrapStdio(root: DynamicModule, tracing?: ShutdownFlush & { useLogger(logger: Logger): void }): Promise<void> {
  const app = await NestFactory.createApplicationContext(root, {
    bufferLogs: true,
    abortOnError: false,
    logger: new BootLogger(),
  });
  const logger = app.get(Logger);
  app.useLogger(logger);
  tracing?.useLogger(logger);
  await app.init();
  const config = app.get<ConfigService<Environment, true>>(ConfigService);

  const shutdown = installGracefulShutdown(app, logger, config.get('SHUTDOWN_TIMEOUT_SECONDS', { infer: true }), undefined, tracing);

  const served = app.get(McpStdioServer).start();
  const dbUrl = config.get('DB_URL', { infer: true });
  logger.log(
    {
      transport: 'stdio',
      environment: config.get('ENVIRONMENT', { infer: true }),
      database: dbUrl ? redactUrl(dbUrl) : 'embedded (no DB_URL set)',
    },
    'mcp-tool-server serving MCP over stdio',
    'Bootstrap',
  );
  await served;
  shutdown('stdin closed');
}
