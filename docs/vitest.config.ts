import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    environment: 'node',
    include: ['test/**/*.test.ts'],
    // Compiling every snippet against the packages' declarations takes seconds (minutes on a loaded machine).
    testTimeout: 300_000,
  },
});
