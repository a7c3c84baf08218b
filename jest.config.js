/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/src'],
  testMatch: ['**/__tests__/**/*.test.ts'],
  setupFilesAfterEnv: ['<rootDir>/src/test/setup.ts'],
  // Type-checking is tsc's job (npm run typecheck); with isolatedModules ts-jest only transpiles.
  transform: {
    '^.+\\.ts$': 'ts-jest'
  }
}
