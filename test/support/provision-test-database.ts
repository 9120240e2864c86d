import { existsSync } from 'node:fs';
import { userInfo } from 'node:os';
import { Client, ClientConfig } from 'pg';

const CONNECT_TIMEOUT_MS = 3000;

/** What provisioning found or did for the test role and database. */
export interface ProvisionResult {
  readonly role: 'present' | 'created';
  readonly database: 'present' | 'created';
}

/** PostgreSQL did not answer at all (nothing listening, host unknown, connection timed out). */
export class PostgresUnreachableError extends Error {
  constructor(
    readonly where: string,
    readonly reason: string,
  ) {
    super(`PostgreSQL is not reachable at ${where}: ${reason}`);
    this.name = 'PostgresUnreachableError';
  }
}

/** The server answers, but the test role or database could not be made usable. */
export class ProvisioningError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ProvisioningError';
  }
}

interface TestDatabaseTarget {
  readonly role: string;
  readonly password: string;
  readonly database: string;
  readonly where: string;
}

function targetOf(testDbUrl: string): TestDatabaseTarget {
  const url = new URL(testDbUrl);
  const role = decodeURIComponent(url.username);
  const database = decodeURIComponent(url.pathname.slice(1));
  if (!role || !database) throw new ProvisioningError(`TEST_DB_URL must name a role and a database (postgres://role:password@host:port/database)`);
  return { role, password: decodeURIComponent(url.password), database, where: `${url.hostname}:${url.port || '5432'}` };
}

/** An SQLSTATE means a server answered; anything else (ECONNREFUSED, a timeout, DNS) means none did. */
function sqlState(error: unknown): string | undefined {
  const code = (error as { code?: unknown }).code;
  return typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code) ? code : undefined;
}

function reasonOf(error: unknown): string {
  const code = (error as { code?: unknown }).code;
  const message = error instanceof Error ? error.message : String(error);
  return typeof code === 'string' && !message.includes(code) ? `${code} ${message}` : message;
}

async function connect(connectionString: string): Promise<Client> {
  const config: ClientConfig = { connectionString, connectionTimeoutMillis: CONNECT_TIMEOUT_MS };
  const client = new Client(config);
  client.on('error', () => undefined);
  try {
    await client.connect();
    return client;
  } catch (error) {
    await client.end().catch(() => undefined);
    throw error;
  }
}

/** Connects as the test role; answers the SQLSTATE that refused it, or undefined when it connected. */
async function refusal(testDbUrl: string, where: string): Promise<string | undefined> {
  try {
    const client = await connect(testDbUrl);
    await client.end();
    return undefined;
  } catch (error) {
    const state = sqlState(error);
    if (!state) throw new PostgresUnreachableError(where, reasonOf(error));
    return `${state} ${(error as Error).message}`;
  }
}

/** Where Debian and Ubuntu packages put the server's Unix socket (peer authentication for the OS user). */
const DEBIAN_SOCKET_DIR = '/var/run/postgresql';

/**
 * Administrative URLs tried in order when none is given: the superuser `postgres`, the OS user (a Homebrew
 * install's superuser), then the test role itself (the docker compose service makes it the superuser), each on
 * the test database's host and port, database `postgres`; last the OS user over the local Unix socket.
 */
export function defaultAdminUrls(testDbUrl: string): string[] {
  const test = new URL(testDbUrl);
  const osUser = userInfo().username;
  const on = (user: string, password = ''): string => {
    const url = new URL(test.href);
    url.username = encodeURIComponent(user);
    url.password = password;
    url.pathname = '/postgres';
    url.search = '';
    return url.href;
  };
  const socket = `postgres://${encodeURIComponent(osUser)}@localhost:${test.port || '5432'}/postgres?host=${encodeURIComponent(DEBIAN_SOCKET_DIR)}`;
  return [...new Set([on('postgres'), on(osUser), on(test.username, test.password), ...(existsSync(DEBIAN_SOCKET_DIR) ? [socket] : [])])];
}

async function firstAdmin(adminUrls: readonly string[]): Promise<Client> {
  const failures: string[] = [];
  for (const adminUrl of adminUrls) {
    try {
      return await connect(adminUrl);
    } catch (error) {
      failures.push(`${new URL(adminUrl).username || '(no user)'}: ${reasonOf(error)}`);
    }
  }
  throw new ProvisioningError(
    `no administrative connection to create them with (${failures.join('; ')}). ` +
      'Set TEST_ADMIN_DB_URL to a role that may create roles and databases, e.g. postgres://postgres@127.0.0.1:5432/postgres',
  );
}

async function ensureRole(admin: Client, target: TestDatabaseTarget): Promise<ProvisionResult['role']> {
  const found = await admin.query('SELECT 1 FROM pg_roles WHERE rolname = $1', [target.role]);
  if (found.rowCount) return 'present';
  const password = target.password ? ` PASSWORD ${admin.escapeLiteral(target.password)}` : '';
  try {
    await admin.query(`CREATE ROLE ${admin.escapeIdentifier(target.role)} LOGIN${password}`);
  } catch (error) {
    // 42710 duplicate_object: another run created it in the meantime.
    if (sqlState(error) !== '42710') throw error;
    return 'present';
  }
  return 'created';
}

async function ensureDatabase(admin: Client, target: TestDatabaseTarget): Promise<ProvisionResult['database']> {
  const found = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [target.database]);
  if (found.rowCount) return 'present';
  try {
    await admin.query(`CREATE DATABASE ${admin.escapeIdentifier(target.database)} OWNER ${admin.escapeIdentifier(target.role)}`);
  } catch (error) {
    // 42P04 duplicate_database: another run created it in the meantime.
    if (sqlState(error) !== '42P04') throw error;
    return 'present';
  }
  return 'created';
}

/**
 * Makes TEST_DB_URL usable: when its role or database does not exist, creates them through the first
 * administrative URL that connects (role with LOGIN and the URL's password; database owned by it).
 * Anything already there is left alone: if the test role connects, no administrative connection is made.
 * Throws PostgresUnreachableError when no server answers, ProvisioningError when the URL still does not connect.
 */
export async function provisionTestDatabase(testDbUrl: string, adminUrls: readonly string[]): Promise<ProvisionResult> {
  const target = targetOf(testDbUrl);
  const refused = await refusal(testDbUrl, target.where);
  if (refused === undefined) return { role: 'present', database: 'present' };

  const admin = await firstAdmin(adminUrls).catch((error: unknown) => {
    throw new ProvisioningError(`role "${target.role}" cannot connect to database "${target.database}" (${refused}), and ${(error as Error).message}`);
  });
  let result: ProvisionResult;
  try {
    result = { role: await ensureRole(admin, target), database: await ensureDatabase(admin, target) };
  } catch (error) {
    throw new ProvisioningError(`could not create role "${target.role}" or database "${target.database}": ${reasonOf(error)}`);
  } finally {
    await admin.end();
  }
  const still = await refusal(testDbUrl, target.where);
  if (still !== undefined) {
    throw new ProvisioningError(
      `role "${target.role}" and database "${target.database}" exist, but TEST_DB_URL still does not connect (${still}); ` +
        'an existing role keeps its own password: fix TEST_DB_URL or the role',
    );
  }
  return result;
}
