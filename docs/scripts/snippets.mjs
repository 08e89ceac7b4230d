// @ts-check
/**
 * Extracts the ```ts code blocks of Markdown files and type-checks them with the TypeScript
 * compiler against the built tide packages, so examples in the docs cannot rot.
 *
 * Each block becomes its own module (`<out>/<doc>/<n>.ts`) and must be self-contained (imports
 * included). Two HTML comments on the line before a block change that:
 *
 *   <!-- file: tasks.ts -->            the block is written under this name, so that later blocks
 *                                      of the same document can `import … from './tasks.js'`;
 *   <!-- docs-check: skip REASON -->   the block is not compiled; the checker lists it with REASON.
 *
 * A `// @ts-expect-error` in a block must be needed, or the check fails (TS2578).
 */
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import ts from 'typescript';

/**
 * @typedef {object} Snippet
 * @property {string} markdown   absolute path of the Markdown file
 * @property {number} line       1-based line of the block's first code line in the Markdown file
 * @property {string} code       the block's code
 * @property {string} name       file name to write it under
 * @property {string | undefined} skip  the reason it is skipped, if it is
 */

/**
 * @typedef {object} Problem
 * @property {string} where     `file.md:line`
 * @property {string} message
 */

const FENCE = /^```(\w*)\s*$/;
const FILE_MARK = /^<!--\s*file:\s*([\w.-]+\.ts)\s*-->$/;
const SKIP_MARK = /^<!--\s*docs-check:\s*skip\s+(.+?)\s*-->$/;

/**
 * The ```ts blocks of a Markdown file.
 * @param {string} markdown absolute path
 * @returns {Snippet[]}
 */
export function extractSnippets(markdown) {
  const lines = readFileSync(markdown, 'utf8').split('\n');
  /** @type {Snippet[]} */
  const snippets = [];
  for (let i = 0; i < lines.length; i++) {
    const open = FENCE.exec(lines[i] ?? '');
    if (!open) continue;
    const start = i + 1;
    let end = start;
    while (end < lines.length && !/^```\s*$/.test(lines[end] ?? '')) end++;
    if (open[1] === 'ts' || open[1] === 'typescript') {
      const before = (lines[i - 1] ?? '').trim();
      const file = FILE_MARK.exec(before);
      const skip = SKIP_MARK.exec(before);
      snippets.push({
        markdown,
        line: start + 1,
        code: lines.slice(start, end).join('\n'),
        name: file?.[1] ?? `snippet-${String(snippets.length + 1).padStart(2, '0')}.ts`,
        skip: skip?.[1],
      });
    }
    i = end;
  }
  return snippets;
}

/** Compiler options of the snippets: the repository's (tsconfig.base.json), without emitting. */
function compilerOptions() {
  const base = resolve(import.meta.dirname, '../../tsconfig.base.json');
  const parsed = ts.getParsedCommandLineOfConfigFile(base, { noEmit: true }, {
    ...ts.sys,
    onUnRecoverableConfigFileDiagnostic: (d) => {
      throw new Error(ts.flattenDiagnosticMessageText(d.messageText, '\n'));
    },
  });
  if (!parsed) throw new Error(`cannot read ${base}`);
  return parsed.options;
}

/**
 * Writes the snippets of `markdownFiles` under `outDir` and type-checks them.
 * @param {string[]} markdownFiles absolute paths
 * @param {string} outDir absolute path of a scratch directory (emptied first); its location
 *   decides where `@tide/*` imports resolve from
 * @returns {{ checked: Snippet[], skipped: Snippet[], problems: Problem[] }}
 */
export function checkSnippets(markdownFiles, outDir) {
  rmSync(outDir, { recursive: true, force: true });
  /** @type {Map<string, Snippet>} */
  const byFile = new Map();
  /** @type {Snippet[]} */
  const skipped = [];
  const root = resolve(import.meta.dirname, '../..');
  for (const markdown of markdownFiles) {
    const dir = join(outDir, relative(root, markdown).replace(/[^\w.-]+/g, '_').replace(/\.md$/, ''));
    mkdirSync(dir, { recursive: true });
    for (const snippet of extractSnippets(markdown)) {
      if (snippet.skip !== undefined) {
        skipped.push(snippet);
        continue;
      }
      const file = join(dir, snippet.name);
      // A block without imports or exports would be a script sharing one global scope with the others.
      const isModule = /^\s*(import|export)\s/m.test(snippet.code);
      writeFileSync(file, `${snippet.code}\n${isModule ? '' : 'export {};\n'}`);
      byFile.set(file, snippet);
    }
  }
  writeFileSync(join(outDir, 'package.json'), '{ "type": "module" }\n');
  const program = ts.createProgram([...byFile.keys()], compilerOptions());
  /** @type {Problem[]} */
  const problems = [];
  for (const diagnostic of ts.getPreEmitDiagnostics(program)) {
    const message = ts.flattenDiagnosticMessageText(diagnostic.messageText, '\n');
    const snippet = diagnostic.file ? byFile.get(resolve(diagnostic.file.fileName)) : undefined;
    if (!diagnostic.file || !snippet || diagnostic.start === undefined) {
      problems.push({ where: diagnostic.file?.fileName ?? '(compiler)', message: `TS${diagnostic.code}: ${message}` });
      continue;
    }
    const { line } = diagnostic.file.getLineAndCharacterOfPosition(diagnostic.start);
    problems.push({ where: `${relative(root, snippet.markdown)}:${snippet.line + line}`, message: `TS${diagnostic.code}: ${message}` });
  }
  return { checked: [...byFile.values()], skipped, problems };
}

/** The Markdown files whose snippets `npm test` checks: the guides, the root README, the driver example's README. */
export function documentedFiles() {
  const root = resolve(import.meta.dirname, '../..');
  const docs = resolve(root, 'docs');
  const guides = ts.sys.readDirectory(docs, ['.md'], ['node_modules', 'api', '.snippets', 'test'], undefined, 1);
  return [...guides.sort(), join(root, 'README.md'), join(root, 'apps/driver-example/README.md')];
}

/** Prints a report and returns the exit status (1 if any snippet failed). */
export function main() {
  const files = documentedFiles();
  const { checked, skipped, problems } = checkSnippets(files, resolve(import.meta.dirname, '../.snippets'));
  for (const s of skipped) console.log(`skipped ${relative(process.cwd(), s.markdown)}:${s.line} — ${s.skip}`);
  for (const p of problems) console.error(`${p.where}: ${p.message}`);
  console.log(`${checked.length} snippets in ${files.length} files type-checked, ${skipped.length} skipped, ${problems.length} problems`);
  return problems.length === 0 ? 0 : 1;
}

