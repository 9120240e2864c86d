/** Unit specs sit next to the code; e2e specs boot the real app against real Redis and PostgreSQL. */
const transform = {
  '^.+\\.ts$': ['ts-jest', { tsconfig: { isolatedModules: true, sourceMap: true } }],
};
// node, plus Node's own typed-array constructors in each test realm (test/support/node-environment.ts).
const common = { moduleFileExtensions: ['js', 'json', 'ts'], testEnvironment: '<rootDir>/test/support/node-environment.ts', transform };

module.exports = {
  projects: [
    { ...common, displayName: 'unit', rootDir: '.', testMatch: ['<rootDir>/src/**/*.spec.ts', '<rootDir>/test/unit/**/*.spec.ts'] },
    { ...common, displayName: 'e2e', rootDir: '.', testMatch: ['<rootDir>/test/e2e/**/*.e2e-spec.ts'] },
    // One call must never crash, freeze or starve the server: each case ends by proving others still get answers.
    { ...common, displayName: 'hostile', rootDir: '.', testMatch: ['<rootDir>/test/hostile/**/*.hostile-spec.ts'] },
  ],
  collectCoverageFrom: ['src/**/*.ts', '!src/main.ts', '!src/**/*.spec.ts'],
  coverageReporters: ['text-summary', 'lcov'],
  coverageThreshold: { global: { lines: 80 } },
  testTimeout: 30000,
};
