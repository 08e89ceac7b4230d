import { defineConfig } from 'tsup';

export default defineConfig({
  entry: {
    main: 'src/main.ts',
    // Modules that worker threads load by URL (the multi-thread scenarios): the TaskRefs and the
    // pools' task function, and synckit's worker. Shared code lands in chunks main.js imports too.
    'mt-tasks': 'src/workloads/mt-tasks.ts',
    'synckit-add': 'src/workloads/synckit-add.ts',
  },
  format: ['esm'],
  platform: 'node',
  target: 'node20',
  sourcemap: true,
  clean: true,
  // Measure the packages as installed: tide's built dist and the peers' own builds, never rebundled.
  skipNodeModulesBundle: true,
});
