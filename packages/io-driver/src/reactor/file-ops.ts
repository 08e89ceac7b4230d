import fs from 'node:fs';
import type { FileStatWire, OpenRequest } from './protocol.js';
import type { Reactor } from './reactor.js';
import type { ReactorResource } from './resource.js';

/** A `fs.Stats` in the form that crosses to the runtime. */
export function statWire(stats: fs.Stats): FileStatWire {
  return {
    size: stats.size,
    mode: stats.mode,
    kind: stats.isFile() ? 'file' : stats.isDirectory() ? 'directory' : stats.isSymbolicLink() ? 'symlink' : 'other',
    atimeMs: stats.atimeMs,
    mtimeMs: stats.mtimeMs,
    ctimeMs: stats.ctimeMs,
    birthtimeMs: stats.birthtimeMs,
  };
}

/**
 * An open file in the reactor: a raw file descriptor. Registered when the open starts, so that a
 * close that arrives before the open finished (the task was aborted) still closes the descriptor.
 *
 * @internal
 */
export class OpenFile implements ReactorResource {
  /** The descriptor, or -1 while opening. */
  fd = -1;
  /** True once closed (or asked to close while opening). */
  closed = false;

  /** Closes the descriptor now (synchronously, so nothing is left open when the reactor exits). */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    if (this.fd >= 0) {
      const fd = this.fd;
      this.fd = -1;
      try {
        fs.closeSync(fd);
      } catch {
        // already closed
      }
    }
  }
}

/**
 * The file commands: whole-file reads and writes, stat, readdir, and reads and writes on open
 * descriptors, on Node's thread pool through the callback API.
 *
 * @internal
 */
export class FileOps {
  /** @param reactor - the reactor that owns the open files. */
  constructor(private readonly reactor: Reactor) {}

  /** Reads a whole file. */
  readFile(req: number, path: string): void {
    fs.readFile(path, (error, data) => {
      if (error) this.reactor.fail(req, error);
      else this.reactor.done(req, data.length, 0, 0, data);
    });
  }

  /** Writes (replaces) a whole file. */
  writeFile(req: number, path: string, data: Uint8Array): void {
    fs.writeFile(path, data, (error) => {
      if (error) this.reactor.fail(req, error);
      else this.reactor.done(req, data.length);
    });
  }

  /** Stats a path. */
  stat(req: number, path: string): void {
    fs.stat(path, (error, stats) => {
      if (error) this.reactor.fail(req, error);
      else this.reactor.doneJson(req, statWire(stats));
    });
  }

  /** Lists a directory's entry names. */
  readDir(req: number, path: string): void {
    fs.readdir(path, (error, names) => {
      if (error) this.reactor.fail(req, error);
      else this.reactor.doneJson(req, names);
    });
  }

  /** Opens a file as resource `rid`. */
  open(rid: number, req: number, request: OpenRequest): void {
    const file = new OpenFile();
    this.reactor.add(rid, file);
    fs.open(request.path, request.flags, request.mode ?? 0o666, (error, fd) => {
      if (error) {
        file.closed = true;
        this.reactor.remove(rid, file);
        this.reactor.fail(req, error);
        return;
      }
      if (file.closed) {
        // Closed (aborted, or the runtime shut down) while opening.
        fs.close(fd, () => {});
        return;
      }
      file.fd = fd;
      this.reactor.done(req);
    });
  }

  /** Reads up to `length` bytes at `position` (-1: the current position). */
  read(rid: number, req: number, length: number, position: number): void {
    const file = this.file(rid, req, 'read');
    if (file === undefined) return;
    const buffer = Buffer.allocUnsafe(length);
    fs.read(file.fd, buffer, 0, length, position < 0 ? null : position, (error, bytesRead) => {
      if (error) this.reactor.fail(req, error);
      else this.reactor.done(req, bytesRead, 0, 0, bytesRead === 0 ? null : buffer.subarray(0, bytesRead));
    });
  }

  /** Writes all of `data` at `position` (-1: the current position). */
  write(rid: number, req: number, data: Uint8Array, position: number): void {
    const file = this.file(rid, req, 'write');
    if (file === undefined) return;
    let written = 0;
    const step = (): void => {
      if (written === data.length) {
        this.reactor.done(req, written);
        return;
      }
      const at = position < 0 ? null : position + written;
      fs.write(file.fd, data, written, data.length - written, at, (error, bytes) => {
        if (error) {
          this.reactor.fail(req, error);
          return;
        }
        written += bytes;
        step();
      });
    };
    step();
  }

  /** Stats an open file. */
  fstat(rid: number, req: number): void {
    const file = this.file(rid, req, 'fstat');
    if (file === undefined) return;
    fs.fstat(file.fd, (error, stats) => {
      if (error) this.reactor.fail(req, error);
      else this.reactor.doneJson(req, statWire(stats));
    });
  }

  /** Closes an open file, reporting the result. */
  close(rid: number, req: number): void {
    const file = this.reactor.get(rid);
    if (!(file instanceof OpenFile) || file.closed) {
      this.reactor.done(req);
      return;
    }
    this.reactor.remove(rid, file);
    const fd = file.fd;
    file.closed = true;
    file.fd = -1;
    fs.close(fd, (error) => {
      if (error) this.reactor.fail(req, error);
      else this.reactor.done(req);
    });
  }

  private file(rid: number, req: number, syscall: string): OpenFile | undefined {
    const file = this.reactor.get(rid);
    if (file instanceof OpenFile && !file.closed && file.fd >= 0) return file;
    this.reactor.fail(req, { message: `${syscall}: the file is closed`, code: 'EBADF', syscall });
    return undefined;
  }
}
