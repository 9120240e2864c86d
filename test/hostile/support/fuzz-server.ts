import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { EmbeddedPostgres } from '../../../src/platform/database/embedded/embedded-postgres';
import { createApiKey } from '../../factories/api-key.factory';
import { FakeUpstream } from '../../support/fake-upstream';
import { ListeningServer, startListeningServer, stopServer } from '../../support/server-process';
import { TEST_DB_URL } from '../../support/test-database';

const REPO = resolve(__dirname, '..', '..', '..');

/** The upstream API lives under this prefix, so a request that escapes it is seen. */
export const UPSTREAM_PREFIX = '/api';

/** Deadlines short enough that a call which stalls answers within the fuzz run, not after it. */
const FUZZ_ENV = {
  RATE_LIMIT_RPM: '1000000',
  // Big enough that a 1 MB string (6 MB as \\u escapes) reaches the tools instead of the body limit.
  BODY_LIMIT_BYTES: String(8 * 1024 * 1024),
  TOOL_TIMEOUT_SECONDS: '5',
  DB_QUERY_TIMEOUT_SECONDS: '3',
  API_TIMEOUT_SECONDS: '2',
  API_DEADLINE_SECONDS: '4',
  API_MAX_RETRIES: '0',
  LOG_LEVEL: 'info',
} as const;

/** The built server with every tool family on, and what it talks to. */
export interface FuzzServer {
  readonly server: ListeningServer;
  readonly url: string;
  readonly key: string;
  readonly upstream: FakeUpstream;
  stop(): Promise<void>;
}

/**
 * Starts `node dist/main.js` as a real process with every family on: SQL tools and the named-query catalog
 * on the real PostgreSQL (TEST_DB_URL), RAG in an embedded PostgreSQL with pgvector (RAG_DB_URL; the test
 * PostgreSQL has no pgvector), REST (`get_customer`) and the OpenAPI tools of the example spec against a
 * real local upstream. `env` is added last.
 */
export async function startFuzzServer(env: Record<string, string> = {}): Promise<FuzzServer> {
  const cwd = mkdtempSync(join(tmpdir(), 'mcp-fuzz-'));
  const upstream = await FakeUpstream.start({ prefix: UPSTREAM_PREFIX });
  let ragDb: EmbeddedPostgres | undefined;
  try {
    ragDb = await EmbeddedPostgres.start({ dataDir: join(cwd, 'rag') });
    const key = createApiKey();
    const server = await startListeningServer(
      {
        ...FUZZ_ENV,
        DB_URL: TEST_DB_URL,
        RAG_DB_URL: ragDb.url,
        API_KEY_PRIMARY: key,
        API_BASE_URL: `${upstream.url}${UPSTREAM_PREFIX}`,
        OPENAPI_SPEC: join(REPO, 'examples', 'customers-api.openapi.yaml'),
        OPENAPI_EXCLUDE: 'internal',
        SQL_QUERIES_FILE: join(REPO, 'examples', 'queries.yaml'),
        ...env,
      },
      cwd,
      60_000,
    );
    const db = ragDb;
    return {
      server,
      url: server.url,
      key,
      upstream,
      stop: async () => {
        await stopServer(server);
        await db.stop();
        await upstream.close();
        rmSync(cwd, { recursive: true, force: true });
      },
    };
  } catch (error) {
    await ragDb?.stop();
    await upstream.close();
    rmSync(cwd, { recursive: true, force: true });
    throw error;
  }
}
