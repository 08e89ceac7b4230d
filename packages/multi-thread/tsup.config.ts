import { defineConfig } from 'tsup';

export default defineConfig({
  entry: {
    index: 'src/index.ts',
    // The worker-thread entry script; loaded at run time as
    // `new URL('./worker.js', import.meta.url)` from the built dist.
    worker: 'src/worker/main.ts',
  },
  format: ['esm'], // ESM only, like every tide package
  platform: 'node',
  target: 'node20',
  dts: true,
  sourcemap: true,
  clean: true,
  // Shared code goes into common chunks, so the worker entry and index import the same module
  // instances (spawnLocal in a task must see the worker's runtime classes).
  splitting: true,
});
