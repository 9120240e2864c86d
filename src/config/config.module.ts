import { DynamicModule } from '@nestjs/common';
import { ConfigModule } from '@nestjs/config';
import { validateEnvironment } from './validate-environment';

export interface AppConfigOptions {
  /** Read `.env` from the working directory (default true; tests turn it off). */
  readonly envFile?: boolean;
  /** Serving over stdio: no API key is required in any environment. */
  readonly stdio?: boolean;
  /** The log lines go to a terminal: LOG_FORMAT defaults to text in development. */
  readonly terminal?: boolean;
}

/** Loads `.env` and the environment once, validates them, and makes ConfigService global. */
export function appConfigModule(options: AppConfigOptions = {}): Promise<DynamicModule> {
  return ConfigModule.forRoot({
    isGlobal: true,
    cache: true,
    skipProcessEnv: true,
    ignoreEnvFile: options.envFile === false,
    envFilePath: '.env',
    validate: (raw) => validateEnvironment(raw, { stdio: options.stdio, terminal: options.terminal }),
  });
}
