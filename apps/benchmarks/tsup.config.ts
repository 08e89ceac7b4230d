import { defineConfig } from 'tsup';

export default defineConfig({
  entry: { main: 'src/main.ts' },
  format: ['esm'],
  platform: 'node',
  target: 'node20',
  sourcemap: true,
  clean: true,
  // Measure the packages as installed: tide's built dist and the peers' own builds, never rebundled.
  skipNodeModulesBundle: true,
});
