import { DynamicModule, Module } from '@nestjs/common';
import { appConfigModule } from './config/config.module';
import { RuntimeOptions } from './config/runtime-options';
import { RuntimeModule } from './config/runtime.module';
import { AppController } from './app.controller';
import { AuthModule } from './platform/auth/auth.module';
import { DatabaseModule } from './platform/database/database.module';
import { ErrorsModule } from './platform/errors/errors.module';
import { HealthModule } from './platform/health/health.module';
import { LoggingModule } from './platform/logging/logging.module';
import { McpModule } from './platform/mcp/mcp.module';
import { MetricsModule } from './platform/metrics/metrics.module';
import { ThrottlingModule } from './platform/throttling/throttling.module';
import { DiagnosticsModule } from './tools/diagnostics/diagnostics.module';
import { RagModule } from './tools/rag/rag.module';
import { RestToolsModule } from './tools/rest/rest.module';
import { SqlToolsModule } from './tools/sql/sql.module';

/** Composition root: the platform, then one import per tool family. */
@Module({})
export class AppModule {
  /** Validates the configuration first: a ConfigValidationError rejects this promise before Nest starts. */
  static async forRoot(runtime: RuntimeOptions = {}): Promise<DynamicModule> {
    const config = await appConfigModule({ envFile: runtime.envFile, stdio: runtime.stdio, terminal: runtime.terminal, environment: runtime.environment });
    return {
      module: AppModule,
      imports: [
        config,
        RuntimeModule.forRoot(runtime),
        LoggingModule.forRoot(),
        MetricsModule,
        ErrorsModule,
        AuthModule,
        ThrottlingModule,
        HealthModule,
        DatabaseModule,
        McpModule,
        DiagnosticsModule,
        SqlToolsModule,
        RestToolsModule,
        RagModule,
      ],
      controllers: [AppController],
    };
  }
}
