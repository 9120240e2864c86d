import { Client } from 'pg';
import { redactUrl } from '../../src/config/redact-url';

/** The real PostgreSQL of the test machine (the jest global setup creates it): TEST_DB_URL or the local default. */
export const TEST_DB_URL = process.env.TEST_DB_URL ?? 'postgres://mcp:mcp@127.0.0.1:5432/mcp_test';

let answered: Promise<void> | undefined;

async function connectOnce(): Promise<void> {
  const client = new Client({ connectionString: TEST_DB_URL, connectionTimeoutMillis: 3000 });
  client.on('error', () => undefined);
  try {
    await client.connect();
  } catch (error) {
    throw new Error(
      `TEST_DB_URL (${redactUrl(TEST_DB_URL)}) does not connect: ${(error as Error).message}. ` +
        'The e2e projects create its role and database in their global setup (test/support/global-setup.ts): run them through jest.',
    );
  } finally {
    await client.end().catch(() => undefined);
  }
}

/**
 * Resolves once the test database has accepted one connection (checked once per test file), else rejects
 * within seconds with the reason. Called before booting an app: a boot that fails half-way leaves what it
 * had opened (Redis clients, pools) running, and the test run would never exit.
 */
export function assertTestDatabaseConnects(): Promise<void> {
  answered ??= connectOnce();
  return answered;
}
