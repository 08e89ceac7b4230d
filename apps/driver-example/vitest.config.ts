import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    environment: 'node',
    include: ['src/**/*.test.ts'],
    // Load every workspace package's built dist with Node itself, never through vitest's
    // transform: core keeps per-thread state (the current runtime), so the tests, the driver and
    // the runtimes must share one instance of each module — the same one worker threads load.
    server: { deps: { external: [/\/dist\//] } },
    // `vitest run --typecheck` also type-checks the *.test-d.ts files with tsc.
    typecheck: {
      include: ['src/**/*.test-d.ts'],
      tsconfig: './tsconfig.json',
    },
    testTimeout: 30_000,
    hookTimeout: 30_000,
  },
});
