import { defineConfig } from 'tsup';

export default defineConfig({
  // `current-thread`: the adapter for @tide/current-thread (an optional peer), kept out of the main entry.
  entry: { index: 'src/index.ts', 'current-thread': 'src/current-thread.ts' },
  format: ['esm'],
  platform: 'node',
  target: 'node20',
  dts: true,
  sourcemap: true,
  clean: true,
  // @tide/core, @tide/current-thread and vitest are dependencies/peers, so tsup keeps them
  // external (never bundled). tsup splits code shared by the two entries into a chunk (its ESM
  // default): that is only a small path helper. `tasks.ts` must stay in dist/index.js, the URL its
  // TaskRefs name — keep it out of the current-thread entry's imports.
});
