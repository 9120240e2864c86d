/** The real PostgreSQL of the test machine (`.ci/run` creates it): TEST_DB_URL or the local default. */
export const TEST_DB_URL = process.env.TEST_DB_URL ?? 'postgres://mcp:mcp@127.0.0.1:5432/mcp_test';
