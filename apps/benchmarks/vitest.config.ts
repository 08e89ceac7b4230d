import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    environment: 'node',
    include: ['src/**/*.test.ts'],
    // The end-to-end test runs every scenario in --quick mode in a child process.
    testTimeout: 120_000,
  },
});
