import { defineConfig } from 'tsup';

export default defineConfig({
  entry: {
    index: 'src/index.ts',
    driver: 'src/driver.ts',
    // The parker protocol alone (imports nothing else of core), for reactor and helper threads.
    parker: 'src/parker.ts',
    // Worker-thread entry script of the blocking pool; loaded at run time as
    // `new URL('./blocking-worker.js', import.meta.url)` from the built dist.
    'blocking-worker': 'src/blocking/worker.ts',
  },
  format: ['esm'], // ESM only: two copies of core (dual-package hazard) would mean two "current" runtimes
  platform: 'node',
  target: 'node20',
  dts: true,
  sourcemap: true,
  clean: true,
  // Shared code goes into common chunks, so the worker entry and index import the
  // same module instances (module identity matters for per-thread state and classes).
  splitting: true,
});
