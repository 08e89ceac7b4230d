import { defineConfig } from 'tsup';

export default defineConfig({
  // jobs.ts defines the TaskRefs that worker threads import by URL: it must be its own module,
  // never inlined into main.js (a worker importing main.js would start another demo).
  entry: { main: 'src/main.ts', jobs: 'src/jobs.ts' },
  format: ['esm'],
  platform: 'node',
  target: 'node20',
  sourcemap: true,
  clean: true,
  splitting: true,
});
