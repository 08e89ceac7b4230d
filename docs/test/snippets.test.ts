import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { LATEST, README, readLatest, renderSection, withSection } from '../scripts/readme-bench.mjs';
import { checkSnippets, documentedFiles, extractSnippets } from '../scripts/snippets.mjs';
import { specifierOf } from '../scripts/typedoc-package-names.mjs';

const root = resolve(import.meta.dirname, '../..');
const scratch = resolve(import.meta.dirname, '../.snippets-test');

/** Each package's README (`packages/<name>/README.md`), for the packages that have one. */
function packageReadmes(): string[] {
  const packages = resolve(root, 'packages');
  return readdirSync(packages, { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .map((entry) => resolve(packages, entry.name, 'README.md'))
    .filter((file) => existsSync(file))
    .sort();
}

describe('the code blocks of the docs', () => {
  it('every ts block of the guides, the README and the driver example’s README type-checks', () => {
    const files = documentedFiles();
    expect(files.map((f) => f.slice(root.length + 1))).toEqual(
      expect.arrayContaining(['docs/getting-started.md', 'docs/writing-a-driver.md', 'docs/coming-from.md', 'README.md', 'apps/driver-example/README.md']),
    );
    const { checked, skipped, problems } = checkSnippets(files, resolve(scratch, 'docs'));
    expect(problems).toEqual([]);
    expect(checked.length).toBeGreaterThan(30);
    // Skipped blocks say why (none today: every flavor is in the tree).
    for (const s of skipped) expect(s.skip).toMatch(/\S/);
  });

  it('every ts block of the packages’ READMEs type-checks', () => {
    const files = packageReadmes();
    expect(files.map((f) => f.slice(root.length + 1))).toEqual(
      expect.arrayContaining(['packages/core/README.md', 'packages/current-thread/README.md', 'packages/time-driver/README.md', 'packages/io-driver/README.md', 'packages/multi-thread/README.md']),
    );
    const { checked, skipped, problems } = checkSnippets(files, resolve(scratch, 'packages'));
    expect(problems).toEqual([]);
    expect(checked.length).toBeGreaterThanOrEqual(13);
    for (const s of skipped) expect(s.skip).toMatch(/\S/);
  });
});

describe('the checker', () => {
  const fixture = (name: string, text: string): string => {
    mkdirSync(resolve(scratch, 'fixtures'), { recursive: true });
    const file = resolve(scratch, 'fixtures', name);
    writeFileSync(file, text);
    return file;
  };

  it('reports a type error at its line in the Markdown file, and an unneeded @ts-expect-error', () => {
    const file = fixture(
      'broken.md',
      [
        '# broken',
        '',
        '```ts',
        "import { sleep } from '@tide/time-driver';",
        'const n: number = sleep(1);',
        '```',
        '',
        '```ts',
        '// @ts-expect-error nothing is wrong here',
        'const ok = 1;',
        '```',
      ].join('\n'),
    );
    const { problems } = checkSnippets([file], resolve(scratch, 'broken'));
    expect(problems).toHaveLength(2);
    expect(problems[0]).toMatchObject({ where: expect.stringMatching(/broken\.md:5$/) as unknown, message: expect.stringContaining('TS2322') as unknown });
    expect(problems[1]).toMatchObject({ where: expect.stringMatching(/broken\.md:9$/) as unknown, message: expect.stringContaining('TS2578') as unknown });
  });

  it('named blocks can be imported by later blocks; skipped blocks are listed with their reason and not compiled', () => {
    const file = fixture(
      'named.md',
      [
        '<!-- file: twice.ts -->',
        '```ts',
        'export const twice = (n: number) => n * 2;',
        '```',
        '',
        '```ts',
        "import { twice } from './twice.js';",
        'const four: number = twice(2);',
        'console.log(four);',
        '```',
        '',
        '<!-- docs-check: skip needs a package that is not in the tree yet -->',
        '```ts',
        "import { nothing } from '@tide/not-a-package';",
        '```',
        '',
        '```sh',
        'npm test',
        '```',
      ].join('\n'),
    );
    expect(extractSnippets(file).map((s) => s.name)).toEqual(['twice.ts', 'snippet-02.ts', 'snippet-03.ts']);
    const { checked, skipped, problems } = checkSnippets([file], resolve(scratch, 'named'));
    expect(problems).toEqual([]);
    expect(checked).toHaveLength(2);
    expect(skipped.map((s) => s.skip)).toEqual(['needs a package that is not in the tree yet']);
  });
});

describe('the README benchmark section', () => {
  it('is in sync with apps/benchmarks/results/latest.json (run `npm run readme:bench`)', () => {
    const readme = readFileSync(README, 'utf8');
    expect(withSection(readme, readLatest()), `README.md is out of date with ${LATEST}: run npm run readme:bench`).toBe(readme);
  });

  it('shows one row per comparison, with the target and whether it was met', () => {
    const report = readLatest();
    const section = renderSection(report);
    const rows = section.split('\n').filter((line) => /^\| [\w-]+ \| /.test(line) && !line.startsWith('| scenario |'));
    expect(rows).toHaveLength(report.scenarios.reduce((n, s) => n + s.comparisons.length, 0));
    const first = report.scenarios[0]!.comparisons[0]!;
    expect(rows[0]).toContain(`${first.tide} ÷ ${first.peer}`);
  });
});

describe('the API reference (npm run docs)', () => {
  it('typedoc reports no warnings (typedoc.json treats them as errors; --emit none checks without writing docs/api)', () => {
    const typedoc = resolve(dirname(createRequire(import.meta.url).resolve('typedoc/package.json')), 'bin/typedoc');
    const run = spawnSync(process.execPath, [typedoc, '--emit', 'none'], { cwd: resolve(import.meta.dirname, '../..'), encoding: 'utf8', timeout: 240_000 });
    const output = `${run.stdout}${run.stderr}`;
    expect(run.status, output).toBe(0);
    expect(output).not.toMatch(/\[warning\]|\[error\]/);
  });

  it('names each entry point’s module after its import specifier', () => {
    expect(specifierOf('packages/core/src')).toBe('@tide/core');
    expect(specifierOf('packages/core/src/driver')).toBe('@tide/core/driver');
    expect(specifierOf('packages/time-driver/src')).toBe('@tide/time-driver');
    expect(specifierOf('apps/driver-example/src')).toBe('@tide/driver-example');
    expect(specifierOf('somewhere/else')).toBeUndefined();
  });
});
