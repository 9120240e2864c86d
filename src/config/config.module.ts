import { DynamicModule } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { Environment } from './environment';
import { loadEnvironment } from './load-environment';

export interface AppConfigOptions {
  /** Read `.env` from the working directory (default true; tests turn it off). */
  readonly envFile?: boolean;
  /** Serving over stdio: no API key is required in any environment. */
  readonly stdio?: boolean;
  /** The log lines go to a terminal: LOG_FORMAT defaults to text in development. */
  readonly terminal?: boolean;
  /** Already loaded and validated (by main.ts): used as is. */
  readonly environment?: Environment;
}

/**
 * Loads `.env`, the environment, secret files and Vault once, validates them, and makes ConfigService global.
 * The settings live only in ConfigService: a secret read from a file or Vault is never copied into
 * `process.env` (where child processes and libraries would see it).
 */
export async function appConfigModule(options: AppConfigOptions = {}): Promise<DynamicModule> {
  const env = options.environment ?? (await loadEnvironment(options));
  // What ConfigModule.forRoot({ skipProcessEnv: true }) sets: an unset setting never falls back to process.env.
  const config = Object.assign(new ConfigService(env), { skipProcessEnv: true });
  return { module: AppConfigModule, global: true, providers: [{ provide: ConfigService, useValue: config }], exports: [ConfigService] };
}

/** The global module holding the one ConfigService. */
export class AppConfigModule {}
