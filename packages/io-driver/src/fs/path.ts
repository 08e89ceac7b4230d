import { fileURLToPath } from 'node:url';
import { show } from '../net/checks.js';
import { InvalidArgumentError } from '../errors.js';

/** A file system path: a string, or a `file:` URL. */
export type PathLike = string | URL;

/**
 * The path as a string; a `TypeError` at the call for anything else (or a string with a NUL byte).
 *
 * @internal
 */
export function checkPath(what: string, path: unknown): string {
  let text: string;
  if (typeof path === 'string') text = path;
  else if (path instanceof URL) {
    if (path.protocol !== 'file:') throw new InvalidArgumentError(`${what}: only file: URLs are paths, got ${path.href}`);
    text = fileURLToPath(path);
  } else {
    throw new InvalidArgumentError(`${what}: expected a path (a string or a file: URL), got ${path === null ? 'null' : typeof path}`);
  }
  if (text.length === 0) throw new InvalidArgumentError(`${what}: the path is empty`);
  if (text.includes('\u0000')) throw new InvalidArgumentError(`${what}: the path contains a NUL byte`);
  return text;
}

/** The flags `fs.open` accepts (Node's). */
export type OpenFlags =
  | 'r' | 'rs' | 'sr' | 'r+' | 'rs+' | 'sr+'
  | 'w' | 'wx' | 'xw' | 'w+' | 'wx+' | 'xw+'
  | 'a' | 'ax' | 'xa' | 'as' | 'sa' | 'a+' | 'ax+' | 'xa+' | 'as+' | 'sa+';

const FLAGS = new Set<string>(['r', 'rs', 'sr', 'r+', 'rs+', 'sr+', 'w', 'wx', 'xw', 'w+', 'wx+', 'xw+', 'a', 'ax', 'xa', 'as', 'sa', 'a+', 'ax+', 'xa+', 'as+', 'sa+']);

/** A `TypeError` at the call unless `flags` is one of Node's open flags. @internal */
export function checkFlags(what: string, flags: unknown): OpenFlags {
  if (typeof flags !== 'string' || !FLAGS.has(flags)) {
    throw new InvalidArgumentError(`${what}: flags must be one of Node's open flags ('r', 'r+', 'w', 'wx', 'a', …), got ${show(flags)}`);
  }
  return flags as OpenFlags;
}
