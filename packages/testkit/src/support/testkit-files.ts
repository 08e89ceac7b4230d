import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

let root: string | undefined;

/**
 * The testkit package's directory, found by walking up from this module: the same answer whether
 * the suite runs from its TypeScript sources (under vitest) or from the built `dist`.
 */
export function testkitRoot(): string {
  if (root !== undefined) return root;
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const manifest = join(dir, 'package.json');
    if (existsSync(manifest) && (JSON.parse(readFileSync(manifest, 'utf8')) as { name?: string }).name === '@tide/testkit') {
      return (root = dir);
    }
    const parent = dirname(dir);
    if (parent === dir) throw new Error(`@tide/testkit: cannot find the package directory above ${fileURLToPath(import.meta.url)}`);
    dir = parent;
  }
}

/** The URL of a plain-JavaScript fixture in the testkit's `test-fixtures/` directory. */
export function fixtureUrl(name: string): URL {
  return pathToFileURL(join(testkitRoot(), 'test-fixtures', name));
}
