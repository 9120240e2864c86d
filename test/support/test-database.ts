import { Client } from 'pg';
import { redactUrl } from '../../src/config/redact-url';

/** TEST_DB_URL as set, or the local default: the database of the first jest worker (and of a run in band). */
export const BASE_TEST_DB_URL = process.env.TEST_DB_URL ?? 'postgres://mcp:mcp@127.0.0.1:5432/mcp_test';

/**
 * The database of jest worker `workerId` (JEST_WORKER_ID, 1-based): the base database for worker 1, `<name>_w<n>`
 * for worker n, so that suites running side by side in two workers never share tables.
 */
export function workerDatabaseUrl(baseUrl: string, workerId: string | number | undefined): string {
  const id = Number(workerId ?? 1);
  if (!Number.isInteger(id) || id <= 1) return baseUrl;
  const url = new URL(baseUrl);
  url.pathname = `${url.pathname}_w${id}`;
  return url.href;
}

/** The real PostgreSQL of the test machine (the jest global setup creates it): this worker's database on TEST_DB_URL's server. */
export const TEST_DB_URL = workerDatabaseUrl(BASE_TEST_DB_URL, process.env.JEST_WORKER_ID);

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
