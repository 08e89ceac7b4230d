import { defineConfig } from 'tsup';

export default defineConfig({
  entry: {
    index: 'src/index.ts',
    // The reactor thread's entry script; loaded at run time as
    // `new URL('./reactor-worker.js', import.meta.url)` from the built dist.
    'reactor-worker': 'src/reactor/reactor-worker.ts',
  },
  format: ['esm'], // ESM only, like every tide package
  platform: 'node',
  target: 'node20',
  dts: true,
  sourcemap: true,
  clean: true,
  // The ring code is shared by both entries: one chunk, one copy.
  splitting: true,
});
