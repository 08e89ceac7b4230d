import type { FileStatWire } from '../reactor/protocol.js';

/** What `fs.stat` and `FileHandle.stat` report about a file. */
export interface FileStat {
  /** Size in bytes. */
  readonly size: number;
  /** File type and permission bits (`st_mode`). */
  readonly mode: number;
  /** A regular file. */
  readonly isFile: boolean;
  /** A directory. */
  readonly isDirectory: boolean;
  /** A symbolic link (only from an lstat; `stat` follows links). */
  readonly isSymbolicLink: boolean;
  /** Last access, in ms since the epoch. */
  readonly atimeMs: number;
  /** Last modification, in ms since the epoch. */
  readonly mtimeMs: number;
  /** Last status change, in ms since the epoch. */
  readonly ctimeMs: number;
  /** Creation, in ms since the epoch (where the file system records it). */
  readonly birthtimeMs: number;
}

/** A {@link FileStat} from the reactor's report. @internal */
export function fileStatFromWire(wire: FileStatWire): FileStat {
  return Object.freeze({
    size: wire.size,
    mode: wire.mode,
    isFile: wire.kind === 'file',
    isDirectory: wire.kind === 'directory',
    isSymbolicLink: wire.kind === 'symlink',
    atimeMs: wire.atimeMs,
    mtimeMs: wire.mtimeMs,
    ctimeMs: wire.ctimeMs,
    birthtimeMs: wire.birthtimeMs,
  });
}
