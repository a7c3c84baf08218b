/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  // test/ holds what Segment's monorepo would not take with the destination folder (fast-check property tests).
  roots: ['<rootDir>/src', '<rootDir>/test'],
  testMatch: ['**/__tests__/**/*.test.ts', '<rootDir>/test/**/*.test.ts'],
  setupFilesAfterEnv: ['<rootDir>/src/test/setup.ts'],
  // Type-checking is tsc's job (npm run typecheck); with isolatedModules ts-jest only transpiles.
  transform: {
    '^.+\\.ts$': 'ts-jest'
  }
}
