import type { IoDriver } from '../driver.js';
import { RequestFuture } from '../io/request.js';
import { concatBytes, decodeJson, encodeJson, encodeText, ownBytes } from '../ring/codec.js';
import { Cmd, type FileStatWire, type OpenRequest } from '../reactor/protocol.js';
import { FileHandle } from './file-handle.js';
import { fileStatFromWire, type FileStat } from './file-stat.js';

/** `fs.readFile(path)`: completes with the file's bytes. */
export class ReadFileFuture extends RequestFuture<Uint8Array> {
  /** @internal Use `fs.readFile()`. */
  constructor(
    driver: IoDriver,
    private readonly path: string,
  ) {
    super(driver, 'fs.readFile');
  }

  /** @internal */
  protected start(): number {
    return this.driver.request(Cmd.FsReadFile, 0, 0, 0, 0, encodeText(this.path), this);
  }

  /** @internal */
  protected result(_a: number, _b: number, _x: number, data: Uint8Array | null): Uint8Array {
    return data === null ? new Uint8Array(0) : ownBytes(data);
  }
}

/** `fs.writeFile(path, data)`: completes once the file was written. */
export class WriteFileFuture extends RequestFuture<void> {
  /** @internal Use `fs.writeFile()`. */
  constructor(
    driver: IoDriver,
    private readonly path: string,
    private readonly data: Uint8Array,
  ) {
    super(driver, 'fs.writeFile');
  }

  /** @internal */
  protected start(): number {
    const path = encodeText(this.path);
    return this.driver.request(Cmd.FsWriteFile, 0, path.length, 0, 0, concatBytes(path, this.data), this);
  }

  /** @internal */
  protected result(): void {
    return undefined;
  }
}

/** `fs.stat(path)`: completes with the file's {@link FileStat}. */
export class StatFuture extends RequestFuture<FileStat> {
  /** @internal Use `fs.stat()`. */
  constructor(
    driver: IoDriver,
    private readonly path: string,
  ) {
    super(driver, 'fs.stat');
  }

  /** @internal */
  protected start(): number {
    return this.driver.request(Cmd.FsStat, 0, 0, 0, 0, encodeText(this.path), this);
  }

  /** @internal */
  protected result(_a: number, _b: number, _x: number, data: Uint8Array | null): FileStat {
    return fileStatFromWire(decodeJson<FileStatWire>(data));
  }
}

/** `fs.readDir(path)`: completes with the names of the directory's entries. */
export class ReadDirFuture extends RequestFuture<string[]> {
  /** @internal Use `fs.readDir()`. */
  constructor(
    driver: IoDriver,
    private readonly path: string,
  ) {
    super(driver, 'fs.readDir');
  }

  /** @internal */
  protected start(): number {
    return this.driver.request(Cmd.FsReadDir, 0, 0, 0, 0, encodeText(this.path), this);
  }

  /** @internal */
  protected result(_a: number, _b: number, _x: number, data: Uint8Array | null): string[] {
    return decodeJson<string[]>(data);
  }
}

/** `fs.open(path, flags)`: completes with the open {@link FileHandle}. */
export class OpenFuture extends RequestFuture<FileHandle> {
  private rid = 0;

  /** @internal Use `fs.open()`. */
  constructor(
    driver: IoDriver,
    private readonly request: OpenRequest,
  ) {
    super(driver, 'fs.open');
  }

  /** @internal */
  protected start(): number {
    this.rid = this.driver.allocateRid();
    return this.driver.request(Cmd.FsOpen, this.rid, 0, 0, 0, encodeJson(this.request), this);
  }

  /** @internal */
  protected result(): FileHandle {
    return new FileHandle(this.driver, this.rid, this.request.path);
  }

  /** @internal Aborted while opening: the reactor closes the descriptor when the open finishes. */
  protected override abandon(): void {
    this.driver.command(Cmd.Close, this.rid);
  }
}
