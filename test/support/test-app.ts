import { DynamicModule, Module, Type } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { NestExpressApplication } from '@nestjs/platform-express';
import request from 'supertest';
import TestAgent from 'supertest/lib/agent';
import { __resetOutOfContextForTests } from 'nestjs-pino/PinoLogger';
import { AppModule } from '../../src/app.module';
import { configureApp } from '../../src/app.setup';
import { ExpressServerAdapter } from '../../src/platform/http/express-server.adapter';
import { createApiKey } from '../factories/api-key.factory';
import { IN_PROCESS_APP_ENV, withEnvironment } from './environment';
import { assertTestDatabaseConnects, TEST_DB_URL } from './test-database';
import { LogCapture } from './log-capture';
import { ProbeController } from './probe.controller';

export interface TestApp {
  readonly app: NestExpressApplication;
  readonly http: TestAgent;
  readonly logs: LogCapture;
  readonly primaryKey: string;
  /** Base URL, e.g. `http://127.0.0.1:41234`. */
  readonly url: string;
  close(): Promise<void>;
}

/**
 * Boots the real application (plus the authenticated `/probe` routes and any extra modules, e.g. test
 * tool families) on a loopback port (random unless `options.port`), with logs captured. `env` overrides the defaults:
 * development, a fresh primary key, debug logs.
 */
export async function createTestApp(
  env: Record<string, string> = {},
  options: { imports?: (Type<unknown> | DynamicModule)[]; port?: number } = {},
): Promise<TestApp> {
  await assertTestDatabaseConnects();
  const primaryKey = env.API_KEY_PRIMARY ?? createApiKey();
  const logs = new LogCapture();
  // nestjs-pino keeps the first app's logger for the process; start each app with its own.
  __resetOutOfContextForTests();
  const app = await withEnvironment({ LOG_LEVEL: 'debug', DB_URL: TEST_DB_URL, ...IN_PROCESS_APP_ENV, API_KEY_PRIMARY: primaryKey, ...env }, async () => {
    @Module({
      imports: [await AppModule.forRoot({ envFile: false, logStream: logs }), ...(options.imports ?? [])],
      controllers: [ProbeController],
    })
    class TestRootModule {}
    const created = await NestFactory.create<NestExpressApplication>(TestRootModule, new ExpressServerAdapter(), {
      bodyParser: false,
      bufferLogs: true,
      abortOnError: false,
    });
    try {
      configureApp(created);
      await created.listen(options.port ?? 0, '127.0.0.1');
    } catch (error) {
      // Init hooks that ran before the failure may have opened connections: close them, or jest never exits.
      await created.close().catch(() => undefined);
      throw error;
    }
    return created;
  });
  return {
    app,
    http: request(app.getHttpServer()),
    logs,
    primaryKey,
    url: (await app.getUrl()).replace('[::1]', '127.0.0.1'),
    close: () => app.close(),
  };
}

export const bearer = (key: string): Record<string, string> => ({ Authorization: `Bearer ${key}` });
