import { currentIoDriver } from '../driver.js';
import { checkBytes } from '../net/checks.js';
import { encodeText } from '../ring/codec.js';
import { checkFlags, checkPath, type OpenFlags, type PathLike } from './path.js';
import { OpenFuture, ReadDirFuture, ReadFileFuture, StatFuture, WriteFileFuture } from './fs-futures.js';
import { ArgumentRangeError } from '../errors.js';

/**
 * Reads a whole file: `const bytes = yield* fs.readFile(path)`. Fails with an `IoError` such as
 * `ENOENT`. A path that is not a string or `file:` URL is a `TypeError` at the call.
 */
export function readFile(path: PathLike): ReadFileFuture {
  const p = checkPath('fs.readFile', path);
  return new ReadFileFuture(currentIoDriver(), p);
}

/**
 * Writes a whole file, creating or replacing it: `yield* fs.writeFile(path, bytes)`. A string is
 * written as UTF-8. `data` must not change until the future completes.
 */
export function writeFile(path: PathLike, data: Uint8Array | string): WriteFileFuture {
  const p = checkPath('fs.writeFile', path);
  const bytes = typeof data === 'string' ? encodeText(data) : data;
  checkBytes('fs.writeFile', bytes);
  return new WriteFileFuture(currentIoDriver(), p, bytes);
}

/** The {@link FileStat} of a path (following symbolic links). */
export function stat(path: PathLike): StatFuture {
  const p = checkPath('fs.stat', path);
  return new StatFuture(currentIoDriver(), p);
}

/** The names of a directory's entries (without `.` and `..`, in the order the system returns them). */
export function readDir(path: PathLike): ReadDirFuture {
  const p = checkPath('fs.readDir', path);
  return new ReadDirFuture(currentIoDriver(), p);
}

/**
 * Opens a file: `const file = yield* fs.open(path, 'r')`. `flags` are Node's (`'r'`, `'r+'`,
 * `'w'`, `'wx'`, `'a'`, …; default `'r'`), `mode` the permissions of a created file (default
 * `0o666`, before the umask).
 */
export function open(path: PathLike, flags: OpenFlags = 'r', mode?: number): OpenFuture {
  const p = checkPath('fs.open', path);
  const f = checkFlags('fs.open', flags);
  if (mode !== undefined && (!Number.isInteger(mode) || mode < 0 || mode > 0o7777)) {
    throw new ArgumentRangeError(`fs.open: mode must be an integer from 0 to 0o7777, got ${String(mode)}`);
  }
  return new OpenFuture(currentIoDriver(), { path: p, flags: f, ...(mode !== undefined ? { mode } : {}) });
}

export type { FileStat } from './file-stat.js';
export type { OpenFlags, PathLike } from './path.js';
