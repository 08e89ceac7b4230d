// A plugin author outside this repository can only use the published contract: every import of
// the driver's sources is @tide/core, @tide/core/driver, a Node built-in or a sibling file.
import { readFileSync, readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

const srcDir = new URL('./', import.meta.url);
const sources = readdirSync(srcDir).filter((f) => f.endsWith('.ts') && !f.includes('.test'));

describe('the driver is written only against the public contract', () => {
  it.each(sources)('%s imports only @tide/core, @tide/core/driver, node: built-ins and sibling files', (file) => {
    const text = readFileSync(new URL(file, srcDir), 'utf8');
    const specifiers = [...text.matchAll(/^\s*(?:import|export)\s[^'"]*?from\s+'([^']+)'/gm)].map((m) => m[1]!);
    expect(specifiers.length).toBeGreaterThan(0);
    for (const specifier of specifiers) {
      expect(specifier, `${file}: ${specifier}`).toMatch(/^(@tide\/core|@tide\/core\/driver|node:[\w/]+|\.\/[\w-]+\.js)$/);
    }
  });
});
