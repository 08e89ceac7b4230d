import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    environment: 'node',
    include: ['test/**/*.test.ts'],
    // Compiling every snippet against the packages' declarations takes a few seconds.
    testTimeout: 120_000,
  },
});
