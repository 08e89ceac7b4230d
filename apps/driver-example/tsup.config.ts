import { defineConfig } from 'tsup';

export default defineConfig({
  // One bundle: the driver factory and the TaskRefs are found by worker threads under this URL.
  entry: { index: 'src/index.ts' },
  format: ['esm'],
  platform: 'node',
  target: 'node20',
  dts: true,
  sourcemap: true,
  clean: true,
});
