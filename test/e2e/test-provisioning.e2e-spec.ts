import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { freePort } from '../support/free-port';
import { PostgresUnreachableError, provisionTestDatabase } from '../support/provision-test-database';
import { testServiceUrls, testServicesProblem } from '../support/test-services';

/** Where the jest global setup gets its administrative connection (TEST_ADMIN_DB_URL or the local superuser). */
const { adminUrls, redisUrl } = testServiceUrls();

async function firstAdmin(): Promise<Client> {
  for (const url of adminUrls) {
    const client = new Client({ connectionString: url, connectionTimeoutMillis: 3000 });
    client.on('error', () => undefined);
    try {
      await client.connect();
      return client;
    } catch {
      await client.end().catch(() => undefined);
    }
  }
  throw new Error('no administrative connection: set TEST_ADMIN_DB_URL');
}

/**
 * The provisioning behind the e2e projects' global setup, on throwaway names (never the shared test role or
 * database): created when absent, left alone when present, and a clear, fast answer when nothing listens.
 */
describe('provisionTestDatabase (jest global setup)', () => {
  let admin: Client;
  const suffix = randomBytes(4).toString('hex');
  const role = `mcp_provision_${suffix}`;
  const database = `mcp_provision_db_${suffix}`;
  let url: string;

  beforeAll(async () => {
    admin = await firstAdmin();
    const target = new URL(adminUrls.find(Boolean) ?? '');
    url = `postgres://${role}:pw-${suffix}@${target.host}/${database}`;
  });
  afterAll(async () => {
    await admin?.query(`DROP DATABASE IF EXISTS ${database}`);
    await admin?.query(`DROP ROLE IF EXISTS ${role}`);
    await admin?.end();
  });

  const owner = async (): Promise<string | undefined> => {
    const found = await admin.query<{ owner: string }>(
      'SELECT pg_get_userbyid(datdba) AS owner FROM pg_database WHERE datname = $1',
      [database],
    );
    return found.rows[0]?.owner;
  };

  it('creates the role (with the URL password) and the database it owns when neither exists', async () => {
    expect(await owner()).toBeUndefined();
    expect(await provisionTestDatabase(url, adminUrls)).toEqual({ role: 'created', database: 'created' });
    expect(await owner()).toBe(role);
    const client = new Client({ connectionString: url });
    await client.connect();
    expect((await client.query<{ who: string }>('SELECT current_user AS who')).rows[0].who).toBe(role);
    await client.end();
  });

  it('leaves both alone when present, without an administrative connection at all', async () => {
    const unusable = [`postgres://nobody@127.0.0.1:${await freePort()}/postgres`];
    expect(await provisionTestDatabase(url, unusable)).toEqual({ role: 'present', database: 'present' });
  });

  it('creates only the database when the role exists', async () => {
    await admin.query(`DROP DATABASE ${database}`);
    expect(await provisionTestDatabase(url, adminUrls)).toEqual({ role: 'present', database: 'created' });
    expect(await owner()).toBe(role);
  });

  it('answers within seconds, naming what is missing and how to start it, when nothing listens', async () => {
    const nothing = `postgres://mcp:mcp@127.0.0.1:${await freePort()}/mcp_test`;
    await expect(provisionTestDatabase(nothing, adminUrls)).rejects.toBeInstanceOf(PostgresUnreachableError);

    const message = await testServicesProblem({ testDbUrl: nothing, adminUrls, redisUrl: `redis://127.0.0.1:${await freePort()}` });
    expect(message).toMatch(/PostgreSQL is not reachable at 127\.0\.0\.1:\d+/);
    expect(message).toMatch(/Redis is not reachable at 127\.0\.0\.1:\d+/);
    expect(message).toContain('docker compose -f deploy/docker-compose.yml up -d postgres');
    expect(message).toContain('sudo apt-get install -y redis-server');

    expect(await testServicesProblem({ testDbUrl: url, adminUrls, redisUrl })).toBeUndefined();
  }, 15_000);
});
