import { NoRuntimeError } from '@tide/core';
import { FileHandle, IoError, currentIoDriver, fs } from '@tide/io-driver';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { catching, ioRuntime, randomBytes, sameBytes } from '../test-support/runtime.js';

const text = (s: string): Uint8Array => new TextEncoder().encode(s);
const str = (b: Uint8Array | null): string => (b === null ? '<eof>' : new TextDecoder().decode(b));

let dir = '';
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'tide-io-fs-'));
});
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

let rt: ReturnType<typeof ioRuntime> | undefined;
afterEach(() => {
  rt?.shutdownBackground();
  rt = undefined;
});

describe('fs', () => {
  it('writes and reads whole files (text, bytes, and 5 MiB in parts) inside a synchronous blockOn', () => {
    rt = ioRuntime();
    const big = randomBytes(5 * 1024 * 1024 + 17);
    const outcome = rt.blockOn(function* () {
      yield* fs.writeFile(join(dir, 'hello.txt'), 'hello, tide');
      yield* fs.writeFile(pathToFileURL(join(dir, 'big.bin')), big);
      const hello = yield* fs.readFile(join(dir, 'hello.txt'));
      const back = yield* fs.readFile(join(dir, 'big.bin'));
      const stat = yield* fs.stat(join(dir, 'big.bin'));
      const dirStat = yield* fs.stat(dir);
      const names = yield* fs.readDir(dir);
      return { hello: str(hello), same: sameBytes(back, big), stat, dirStat, names };
    });
    expect(outcome.hello).toBe('hello, tide');
    expect(outcome.same).toBe(true);
    expect(outcome.stat).toMatchObject({ size: big.length, isFile: true, isDirectory: false });
    expect(outcome.dirStat.isDirectory).toBe(true);
    expect(outcome.names.sort()).toEqual(['big.bin', 'hello.txt']);
    expect(readFileSync(join(dir, 'hello.txt'), 'utf8')).toBe('hello, tide');
  });

  it('moves files larger than the rings through them in parts', () => {
    rt = ioRuntime({ commandRingSize: 16, completionRingSize: 16, commandArenaBytes: 16 * 1024, completionArenaBytes: 16 * 1024 });
    const data = randomBytes(1024 * 1024 + 3);
    const same = rt.blockOn(function* () {
      const path = join(dir, 'through-tiny-rings.bin');
      yield* fs.writeFile(path, data);
      const file = yield* fs.open(path, 'r');
      const head = yield* file.read(300_000, 0);
      yield* file.close();
      const back = yield* fs.readFile(path);
      return sameBytes(back, data) && head !== null && sameBytes(head, data.subarray(0, 300_000));
    });
    expect(same).toBe(true);
  });

  it('opens files: positional and sequential reads and writes, stat, close', () => {
    rt = ioRuntime();
    const path = join(dir, 'handle.txt');
    writeFileSync(path, '0123456789');
    const outcome = rt.blockOn(function* () {
      const file = yield* fs.open(path, 'r+');
      const first = yield* file.read(4);
      const next = yield* file.read(3);
      const at = yield* file.read(2, 8);
      const written = yield* file.write(text('AB'), 0);
      const stat = yield* file.stat();
      const rest = yield* file.read(100);
      const end = yield* file.read(100);
      yield* file.close();
      const closedRead = attempt(() => file.read());
      yield* file.close(); // idempotent
      return { first: str(first), next: str(next), at: str(at), written, size: stat.size, rest: str(rest), end, closedRead, file };
    });
    expect(outcome.first).toBe('0123');
    expect(outcome.next).toBe('456');
    expect(outcome.at).toBe('89');
    expect(outcome.written).toBe(2);
    expect(outcome.size).toBe(10);
    expect(outcome.rest).toBe('789');
    expect(outcome.end).toBeNull();
    expect(outcome.closedRead).toMatchObject({ code: 'E_CLOSED' });
    expect(outcome.file).toBeInstanceOf(FileHandle);
    expect(readFileSync(path, 'utf8')).toBe('AB23456789');
  });

  it('appends, and writes through `using` which closes the file', () => {
    rt = ioRuntime();
    const path = join(dir, 'append.log');
    rt.blockOn(function* () {
      for (const line of ['a\n', 'b\n']) {
        using file = yield* fs.open(path, 'a');
        yield* file.write(text(line));
      }
    });
    expect(readFileSync(path, 'utf8')).toBe('a\nb\n');
    expect(rt.blockOn(() => currentIoDriver().metrics().openResources)).toBe(0);
  });

  it('reports Node error codes (ENOENT, EEXIST, EISDIR) as IoError', () => {
    rt = ioRuntime();
    const errors = rt.blockOn(function* () {
      return {
        missing: yield* catching(fs.readFile(join(dir, 'missing.txt'))),
        missingStat: yield* catching(fs.stat(join(dir, 'missing.txt'))),
        missingDir: yield* catching(fs.readDir(join(dir, 'missing'))),
        exists: yield* catching(fs.open(join(dir), 'wx')),
        isDir: yield* catching(fs.readFile(dir)),
      };
    });
    expect(errors.missing).toBeInstanceOf(IoError);
    expect(errors.missing).toMatchObject({ code: 'ENOENT', syscall: 'open', path: join(dir, 'missing.txt') });
    expect(errors.missingStat).toMatchObject({ code: 'ENOENT', syscall: 'stat' });
    expect(errors.missingDir).toMatchObject({ code: 'ENOENT', syscall: 'scandir' });
    expect(errors.exists).toMatchObject({ code: 'EEXIST' });
    expect(errors.isDir).toMatchObject({ code: 'EISDIR' });
  });

  it('rejects bad arguments at the call and needs a runtime', () => {
    rt = ioRuntime();
    const errors = rt.blockOn(function* () {
      const path = join(dir, 'args.txt');
      yield* fs.writeFile(path, 'x');
      const file = yield* fs.open(path, 'r');
      const result = {
        notPath: attempt(() => fs.readFile(42 as never)),
        emptyPath: attempt(() => fs.stat('')),
        httpUrl: attempt(() => fs.readFile(new URL('http://example.com/x'))),
        badFlags: attempt(() => fs.open(path, 'rw' as never)),
        badMode: attempt(() => fs.open(path, 'r', -1)),
        notBytes: attempt(() => fs.writeFile(path, 12 as never)),
        negativeLength: attempt(() => file.read(-1)),
        negativePosition: attempt(() => file.read(10, -5)),
        writeNotBytes: attempt(() => file.write('x' as never)),
      };
      yield* file.close();
      return result;
    });
    for (const key of ['notPath', 'emptyPath', 'httpUrl', 'badFlags', 'notBytes', 'writeNotBytes'] as const) {
      expect(errors[key], key).toBeInstanceOf(TypeError);
    }
    for (const key of ['badMode', 'negativeLength', 'negativePosition'] as const) {
      expect(errors[key], key).toBeInstanceOf(RangeError);
    }
    expect(() => fs.readFile(join(dir, 'x'))).toThrow(NoRuntimeError);
  });

  it('works from async tasks with rt.run', async () => {
    rt = ioRuntime();
    const path = join(dir, 'async.txt');
    const back = await rt.run(async () => {
      await fs.writeFile(path, 'from an async task');
      return str(await fs.readFile(path));
    });
    expect(back).toBe('from an async task');
  });
});

function attempt(fn: () => unknown): unknown {
  try {
    fn();
    return null;
  } catch (error) {
    return error;
  }
}
