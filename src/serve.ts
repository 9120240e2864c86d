import 'reflect-metadata';
import type { Server } from 'node:http';
import { NestFactory } from '@nestjs/core';
import { ConfigService } from '@nestjs/config';
import { NestExpressApplication } from '@nestjs/platform-express';
import { Logger } from 'nestjs-pino';
import { AppModule } from './app.module';
import { configureApp } from './app.setup';
import { bootBanner } from './boot-banner';
import { Environment } from './config/environment';
import { redactUrl } from './config/redact-url';
import { RuntimeOptions } from './config/runtime-options';
import { ApiKeyStore } from './platform/auth/api-key.store';
import { BootLogger } from './platform/lifecycle/boot-failure';
import { installGracefulShutdown } from './platform/lifecycle/graceful-shutdown';
import { ExpressServerAdapter } from './platform/http/express-server.adapter';
import { HttpDrain } from './platform/lifecycle/http-drain';
import { IdleHeapTrim } from './platform/lifecycle/idle-heap-trim';
import { applyHttpTimeouts } from './platform/lifecycle/http-timeouts';
import { bootstrapStdio } from './platform/mcp/stdio-bootstrap';
import { TracingRuntime } from './platform/tracing/tracing-bootstrap';

async function bootstrap(runtime: RuntimeOptions, tracing?: TracingRuntime): Promise<void> {
  const app = await NestFactory.create<NestExpressApplication>(await AppModule.forRoot(runtime), new ExpressServerAdapter(), {
    bodyParser: false,
    bufferLogs: true,
    abortOnError: false,
    logger: new BootLogger(),
  });
  configureApp(app);
  const config = app.get<ConfigService<Environment, true>>(ConfigService);
  const logger = app.get(Logger);
  const server = app.getHttpServer() as Server;
  tracing?.useLogger(logger);
  applyHttpTimeouts(server, {
    headersSeconds: config.get('HTTP_HEADERS_TIMEOUT_SECONDS', { infer: true }),
    requestSeconds: config.get('HTTP_REQUEST_TIMEOUT_SECONDS', { infer: true }),
    keepAliveSeconds: config.get('HTTP_KEEP_ALIVE_TIMEOUT_SECONDS', { infer: true }),
  });
  installGracefulShutdown(app, logger, config.get('SHUTDOWN_TIMEOUT_SECONDS', { infer: true }), new HttpDrain(server), tracing);

  const host = config.get('HOST', { infer: true }) as string;
  const port = config.get('PORT', { infer: true });
  await app.listen(port, host);
  // A load peak's garbage is given back once the server is quiet again (see IdleHeapTrim).
  new IdleHeapTrim().start();

  const dbUrl = config.get('DB_URL', { infer: true });
  const url = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
  logger.log(
    {
      url,
      environment: config.get('ENVIRONMENT', { infer: true }),
      database: dbUrl ? redactUrl(dbUrl) : 'embedded (no DB_URL set)',
      rate_limit: `${config.get('RATE_LIMIT_RPM', { infer: true })}/min per key (${config.get('RATE_LIMIT_STORAGE', { infer: true })})`,
    },
    `mcp-tool-server listening on ${url}`,
    'Bootstrap',
  );
  if (config.get('ENVIRONMENT', { infer: true }) === 'development') {
    process.stderr.write(bootBanner({ url, generatedKey: app.get(ApiKeyStore).generatedKey }));
  }
}

/**
 * Builds and serves the application: over stdio (`--stdio`: no HTTP listener, no API key, logs on stderr) or
 * HTTP. main.ts loads this module only after tracing has started.
 */
export async function serve(runtime: RuntimeOptions, tracing?: TracingRuntime): Promise<void> {
  if (runtime.stdio) await bootstrapStdio(await AppModule.forRoot(runtime), tracing);
  else await bootstrap(runtime, tracing);
}
