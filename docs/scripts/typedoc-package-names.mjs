// @ts-check
/**
 * A typedoc plugin for `npm run docs`: typedoc names each entry point's module after its path
 * (`packages/core/src/driver`); this renames them to the import specifiers users write
 * (`@tide/core/driver`), read from each package's package.json.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { Converter } from 'typedoc';

const ROOT = resolve(import.meta.dirname, '../..');

/**
 * The import specifier of a module named after its path, or `undefined`.
 * @param {string} modulePath such as `packages/core/src` or `packages/core/src/driver`
 */
export function specifierOf(modulePath) {
  const match = /^((?:packages|apps)\/[\w-]+)\/src(?:\/(.+))?$/.exec(modulePath);
  if (!match) return undefined;
  /** @type {unknown} */
  const parsed = JSON.parse(readFileSync(resolve(ROOT, match[1] ?? '', 'package.json'), 'utf8'));
  const { name } = /** @type {{ name: string }} */ (parsed);
  return match[2] === undefined || match[2] === 'index' ? name : `${name}/${match[2]}`;
}

/** @param {import('typedoc').Application} app */
export function load(app) {
  app.converter.on(Converter.EVENT_RESOLVE_BEGIN, (context) => {
    for (const module of context.project.children ?? []) module.name = specifierOf(module.name) ?? module.name;
  });
}
