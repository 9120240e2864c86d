import Redis from 'ioredis';
import { defaultAdminUrls, PostgresUnreachableError, provisionTestDatabase } from './provision-test-database';
import { TEST_REDIS_URL } from './redis-server';
import { BASE_TEST_DB_URL, workerDatabaseUrl } from './test-database';

const CONNECT_TIMEOUT_MS = 3000;

/** Where the tests find their services (the variables `npm test` reads, with their defaults). */
export interface TestServiceUrls {
  readonly testDbUrl: string;
  /** Administrative URLs to create the test role and database with, tried in order. */
  readonly adminUrls: readonly string[];
  readonly redisUrl: string;
}

/**
 * TEST_DB_URL (or jest worker `workerId`'s database on its server), TEST_REDIS_URL, and TEST_ADMIN_DB_URL (else the
 * local superuser candidates) as the tests use them.
 */
export function testServiceUrls(workerId: number = 1): TestServiceUrls {
  const adminUrl = process.env.TEST_ADMIN_DB_URL;
  const testDbUrl = workerDatabaseUrl(BASE_TEST_DB_URL, workerId);
  return { testDbUrl, adminUrls: adminUrl ? [adminUrl] : defaultAdminUrls(testDbUrl), redisUrl: TEST_REDIS_URL };
}

const START_POSTGRES = [
  'PostgreSQL: `docker compose -f deploy/docker-compose.yml up -d postgres` (then TEST_DB_URL=postgres://mcp:mcp@127.0.0.1:5433/mcp_test;',
  '  compose publishes it on 5433), or `sudo apt-get install -y postgresql && sudo service postgresql start` (macOS: `brew services start postgresql@16`)',
];
const START_REDIS = [
  'Redis: `docker run -d -p 127.0.0.1:6379:6379 redis:7-alpine` (the compose file does not publish its Redis on the host),',
  '  or `sudo apt-get install -y redis-server && sudo service redis-server start` (macOS: `brew services start redis`)',
];
const POINT_ELSEWHERE = 'TEST_DB_URL, TEST_ADMIN_DB_URL and TEST_REDIS_URL point the tests at other servers.';

async function redisProblem(redisUrl: string): Promise<string | undefined> {
  const client = new Redis(redisUrl, {
    lazyConnect: true,
    connectTimeout: CONNECT_TIMEOUT_MS,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
    enableOfflineQueue: false,
    disconnectTimeout: 0,
  });
  let lastError = '';
  client.on('error', (error: Error) => (lastError = error.message));
  try {
    await client.connect();
    await client.ping();
    return undefined;
  } catch (error) {
    const where = new URL(redisUrl);
    return `Redis is not reachable at ${where.hostname}:${where.port || '6379'} (TEST_REDIS_URL): ${lastError || (error as Error).message}`;
  } finally {
    client.disconnect();
  }
}

async function postgresProblem(urls: TestServiceUrls): Promise<string | undefined> {
  try {
    await provisionTestDatabase(urls.testDbUrl, urls.adminUrls);
    return undefined;
  } catch (error) {
    if (error instanceof PostgresUnreachableError) return `${error.message} (TEST_DB_URL)`;
    return `PostgreSQL: ${(error as Error).message}`;
  }
}

/**
 * Checks PostgreSQL (creating the test role and database when absent) and Redis at once, within seconds.
 * Answers undefined when both are usable, else one message naming every problem and how to start what is missing.
 */
export async function testServicesProblem(urls: TestServiceUrls): Promise<string | undefined> {
  const [postgres, redis] = await Promise.all([postgresProblem(urls), redisProblem(urls.redisUrl)]);
  if (postgres === undefined && redis === undefined) return undefined;
  const hints = [
    ...(postgres?.includes('not reachable') ? START_POSTGRES : []),
    ...(redis === undefined ? [] : START_REDIS),
  ];
  return [
    'The e2e tests need PostgreSQL and Redis, and cannot use them:',
    ...[postgres, redis].filter((problem) => problem !== undefined).map((problem) => `  - ${problem}`),
    ...(hints.length > 0 ? ['Start what is missing:', ...hints.map((hint) => `  ${hint}`)] : []),
    POINT_ELSEWHERE,
  ].join('\n');
}
