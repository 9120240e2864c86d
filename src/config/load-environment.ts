import { existsSync, readFileSync } from 'node:fs';
import { parse } from 'dotenv';
import { Environment } from './environment';
import { validateEnvironment } from './validate-environment';

/**
 * The validated environment for command-line tools that run without Nest (e.g. `npm run db:seed`):
 * `.env` from the working directory, overridden by the process environment, as the server reads them.
 */
export function loadEnvironment(): Environment {
  const file = existsSync('.env') ? parse(readFileSync('.env')) : {};
  return validateEnvironment({ ...file, ...process.env });
}
