/** Unit specs sit next to the code; e2e specs boot the real app against real Redis and PostgreSQL. */
const transform = {
  '^.+\\.ts$': ['ts-jest', { tsconfig: { isolatedModules: true, sourceMap: true } }],
};
// node, plus Node's own typed-array constructors in each test realm (test/support/node-environment.ts).
const common = { moduleFileExtensions: ['js', 'json', 'ts'], testEnvironment: '<rootDir>/test/support/node-environment.ts', transform };
// Projects that use PostgreSQL and Redis: their global setup creates the test role and database when absent,
// and stops the run with one message when a service is not there (unit specs need neither).
const services = { globalSetup: '<rootDir>/test/support/global-setup.ts' };

module.exports = {
  projects: [
    { ...common, displayName: 'unit', rootDir: '.', testMatch: ['<rootDir>/src/**/*.spec.ts', '<rootDir>/test/unit/**/*.spec.ts'] },
    { ...common, ...services, displayName: 'e2e', rootDir: '.', testMatch: ['<rootDir>/test/e2e/**/*.e2e-spec.ts'] },
    // One call must never crash, freeze or starve the server: each case ends by proving others still get answers.
    { ...common, ...services, displayName: 'hostile', rootDir: '.', testMatch: ['<rootDir>/test/hostile/**/*.hostile-spec.ts'] },
  ],
  collectCoverageFrom: ['src/**/*.ts', '!src/main.ts', '!src/**/*.spec.ts'],
  coverageReporters: ['text-summary', 'lcov'],
  coverageThreshold: { global: { lines: 80 } },
  testTimeout: 30000,
  // Run the files in a worker process that is replaced once it holds more than this after a file: each file leaves
  // some of its realm behind (about 25 MB, 3.5 GB by the end of a run in band), and a heap that big slows every GC.
  // Each worker has its own database (test/support/test-database.ts), so maxWorkers may be raised.
  workerIdleMemoryLimit: '1GB',
};
