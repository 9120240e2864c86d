import { testServiceUrls, testServicesProblem } from './test-services';

/**
 * Jest global setup of the projects that need real services (e2e, hostile): creates the test role and
 * database when they do not exist (through TEST_ADMIN_DB_URL, or the local superuser), and stops the run
 * within seconds with one message when PostgreSQL or Redis is not there, instead of a failure per test.
 */
export default async function globalSetup(): Promise<void> {
  const problem = await testServicesProblem(testServiceUrls());
  if (problem === undefined) return;
  const error = new Error(problem);
  // Jest prints the stack of a failed global setup; the message is all a reader needs.
  error.stack = problem;
  throw error;
}
