import type { Config } from '@jest/types';
import { testServiceUrls, testServicesProblem } from './test-services';

/**
 * Jest global setup of the projects that need real services (e2e, hostile): creates the test role and
 * database when they do not exist (through TEST_ADMIN_DB_URL, or the local superuser), one database per jest
 * worker (test-database.ts), and stops the run within seconds with one message when PostgreSQL or Redis is not
 * there, instead of a failure per test.
 */
export default async function globalSetup(globalConfig: Config.GlobalConfig): Promise<void> {
  for (let worker = 1; worker <= Math.max(1, globalConfig.maxWorkers); worker += 1) {
    const problem = await testServicesProblem(testServiceUrls(worker));
    if (problem === undefined) continue;
    const error = new Error(problem);
    // Jest prints the stack of a failed global setup; the message is all a reader needs.
    error.stack = problem;
    throw error;
  }
}
