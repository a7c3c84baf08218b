/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  // test/ holds what Segment's monorepo would not take with the destination folder: property, package and folder tests.
  roots: ['<rootDir>/src', '<rootDir>/test'],
  testMatch: ['**/__tests__/**/*.test.ts', '<rootDir>/test/**/*.test.ts'],
  // The 10 MB batch tests build and parse 10 MB bodies: seconds on a busy 2-core CI machine, past jest's 5 s default.
  testTimeout: 30_000,
  setupFilesAfterEnv: ['<rootDir>/src/test/setup.ts'],
  // Type-checking is tsc's job (npm run typecheck); with isolatedModules ts-jest only transpiles.
  transform: {
    '^.+\\.ts$': 'ts-jest'
  }
}
