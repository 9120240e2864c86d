import { existsSync, readFileSync } from 'node:fs';
import { parse } from 'dotenv';
import { Environment } from './environment';
import { resolveSecrets } from './secret-sources';
import { validateEnvironment, ValidationContext } from './validate-environment';

export interface LoadOptions extends ValidationContext {
  /** Read `.env` from the working directory (default true; tests turn it off). */
  readonly envFile?: boolean;
}

/**
 * The validated environment, as the server and the command-line tools read it: `.env` from the working
 * directory overridden by the process environment, secrets filled in from `<NAME>_FILE` and Vault.
 */
export async function loadEnvironment(options: LoadOptions = {}): Promise<Environment> {
  const file = options.envFile !== false && existsSync('.env') ? parse(readFileSync('.env')) : {};
  const raw = await resolveSecrets({ ...file, ...process.env });
  return validateEnvironment(raw, { stdio: options.stdio, terminal: options.terminal });
}
