// The helper is a "library": it may import @tide/core and nothing else, so that it runs unchanged
// on whichever runtime the application installs (the demo runs it on both flavors).
import { readFileSync } from 'node:fs';
import { expect, it } from 'vitest';

it('lib/parallel.ts imports only @tide/core', () => {
  const text = readFileSync(new URL('./parallel.ts', import.meta.url), 'utf8');
  const specifiers = [...text.matchAll(/^\s*import\s[^'"]*?from\s+'([^']+)'/gm)].map((m) => m[1]);
  expect(specifiers).toEqual(['@tide/core']);
});
