import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    environment: 'node',
    include: ['src/**/*.test.ts'],
    // Fails a test that hangs inside a synchronous blockOn (vitest's timeout cannot fire there).
    setupFiles: ['src/test-support/hang-guard.ts'],
    // `vitest run --typecheck` also type-checks these with tsc (expectTypeOf / assertType).
    typecheck: {
      include: ['src/**/*.test-d.ts'],
      tsconfig: './tsconfig.json',
    },
    testTimeout: 30_000,
    hookTimeout: 30_000,
  },
});
