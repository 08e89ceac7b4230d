import { Buffer } from 'node:buffer';
import v8 from 'node:v8';

/**
 * The byte codec for task arguments and results in shared memory.
 *
 * `postMessage` and `v8.serialize` cost microseconds per value, more than a trivial task itself;
 * this codec writes the common cases directly (numbers, strings, booleans, null/undefined, plain
 * objects and arrays of those, typed arrays and ArrayBuffers) and hands anything else to
 * `v8.serialize` (Map, Set, Date, BigInt, class instances, …), which gives structured-clone
 * semantics. A value seen twice (shared references, cycles) sends the whole value through
 * `v8.serialize` so identity is kept. What neither can carry (SharedArrayBuffer, MessagePort)
 * makes {@link Encoder.encode} throw {@link Uncodable}: the caller then uses postMessage.
 *
 * @internal
 * @packageDocumentation
 */

const T_UNDEFINED = 0;
const T_NULL = 1;
const T_FALSE = 2;
const T_TRUE = 3;
const T_INT = 4;
const T_F64 = 5;
const T_STR = 6;
const T_ARR = 7;
const T_OBJ = 8;
const T_U8 = 9;
const T_TYPED = 10;
const T_AB = 11;
const T_V8 = 12;

const TYPED = [
  Int8Array,
  Uint8Array,
  Uint8ClampedArray,
  Int16Array,
  Uint16Array,
  Int32Array,
  Uint32Array,
  Float32Array,
  Float64Array,
  BigInt64Array,
  BigUint64Array,
] as const;
type TypedCtor = (typeof TYPED)[number];

const MAX_DEPTH = 64;
const ObjectProto = Object.prototype;
const ArrayProto = Array.prototype;

/** The value cannot be carried by bytes (it is not cloneable, or holds shared memory or ports). */
export class Uncodable extends Error {
  constructor(
    /** Index of the top-level array element that failed, or -1. */
    readonly index: number,
    cause: unknown,
  ) {
    super('uncodable', { cause });
  }
}

/** Thrown internally to restart with v8.serialize (identity or depth); one instance, never seen outside. */
const RESTART = new Error('restart the encoding with v8.serialize');

/**
 * Encodes values into a growing private buffer; copy {@link Encoder.bytes} into shared memory.
 * One per thread, reused.
 */
export class Encoder {
  private buf: Buffer = Buffer.allocUnsafe(4096);
  private view = new DataView(this.buf.buffer, this.buf.byteOffset, this.buf.byteLength);
  /** Bytes written by the last encode. */
  length = 0;
  private seen: Set<object> | null = null;
  private depth = 0;

  /** The buffer holding the bytes of the last call in `[0, length)` (valid until the next one). */
  get buffer(): Buffer {
    return this.buf;
  }

  /** A private copy of the bytes of the last call. */
  copy(): Uint8Array {
    const out = new Uint8Array(this.length);
    out.set(this.buf.subarray(0, this.length));
    return out;
  }

  /**
   * Encodes an argument list. Throws {@link Uncodable} with the failing argument's index.
   */
  encodeArgs(args: readonly unknown[]): number {
    this.length = 0;
    this.seen = null;
    this.depth = 0;
    this.ensure(5);
    this.buf[this.length++] = T_ARR;
    this.view.setUint32(this.length, args.length);
    this.length += 4;
    for (let i = 0; i < args.length; i++) {
      const start = this.length;
      try {
        this.write(args[i], 1);
      } catch (error) {
        if (error !== RESTART) throw new Uncodable(i, error);
        this.length = start;
        this.seen = null;
        try {
          this.writeV8(args[i]);
        } catch (cause) {
          throw new Uncodable(i, cause);
        }
      }
    }
    return this.length;
  }

  /** Encodes one value. Throws {@link Uncodable}. */
  encode(value: unknown): number {
    this.length = 0;
    this.seen = null;
    this.depth = 0;
    try {
      this.write(value, 0);
    } catch (error) {
      if (error !== RESTART) throw new Uncodable(-1, error);
      this.length = 0;
      this.seen = null;
      try {
        this.writeV8(value);
      } catch (cause) {
        throw new Uncodable(-1, cause);
      }
    }
    return this.length;
  }

  private ensure(extra: number): void {
    const need = this.length + extra;
    if (need <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < need) size *= 2;
    const next = Buffer.allocUnsafe(size);
    this.buf.copy(next, 0, 0, this.length);
    this.buf = next;
    this.view = new DataView(next.buffer, next.byteOffset, next.byteLength);
  }

  private write(value: unknown, depth: number): void {
    switch (typeof value) {
      case 'number': {
        this.ensure(9);
        if ((value | 0) === value && (value !== 0 || 1 / value > 0)) {
          this.buf[this.length] = T_INT;
          this.view.setInt32(this.length + 1, value);
          this.length += 5;
        } else {
          this.buf[this.length] = T_F64;
          this.view.setFloat64(this.length + 1, value);
          this.length += 9;
        }
        return;
      }
      case 'string':
        this.ensure(1);
        this.buf[this.length++] = T_STR;
        this.writeString(value);
        return;
      case 'boolean':
        this.ensure(1);
        this.buf[this.length++] = value ? T_TRUE : T_FALSE;
        return;
      case 'undefined':
        this.ensure(1);
        this.buf[this.length++] = T_UNDEFINED;
        return;
      case 'object':
        if (value === null) {
          this.ensure(1);
          this.buf[this.length++] = T_NULL;
          return;
        }
        this.writeObject(value, depth);
        return;
      default:
        // bigint goes through v8; functions and symbols make v8 throw DataCloneError.
        this.writeV8(value);
    }
  }

  private writeString(value: string): void {
    const max = value.length * 3;
    this.ensure(4 + max);
    const at = this.length + 4;
    const written = this.buf.write(value, at, max, 'utf8');
    this.view.setUint32(this.length, written);
    this.length = at + written;
  }

  private writeObject(value: object, depth: number): void {
    if (depth > MAX_DEPTH) throw RESTART;
    const proto = Object.getPrototypeOf(value) as unknown;
    if (proto === ArrayProto) {
      this.visit(value);
      const array = value as unknown[];
      const n = array.length;
      this.ensure(5);
      this.buf[this.length] = T_ARR;
      this.view.setUint32(this.length + 1, n);
      this.length += 5;
      for (let i = 0; i < n; i++) this.write(array[i], depth + 1);
      return;
    }
    if (proto === ObjectProto || proto === null) {
      this.visit(value);
      const keys = Object.keys(value);
      this.ensure(5);
      this.buf[this.length] = T_OBJ;
      this.view.setUint32(this.length + 1, keys.length);
      this.length += 5;
      for (const key of keys) {
        this.writeString(key);
        this.write((value as Record<string, unknown>)[key], depth + 1);
      }
      return;
    }
    if (ArrayBuffer.isView(value) && !(value instanceof DataView)) {
      const ctor = value.constructor as TypedCtor;
      const bytes = new Uint8Array(value.buffer, value.byteOffset, value.byteLength);
      if (value.buffer instanceof SharedArrayBuffer) {
        // A view of shared memory is shared, not copied, by structured clone: only postMessage can do that.
        throw new Error('a view of a SharedArrayBuffer travels by postMessage');
      }
      if (ctor === Uint8Array || ctor === (Buffer as unknown)) {
        this.ensure(5 + bytes.length);
        this.buf[this.length] = T_U8;
        this.view.setUint32(this.length + 1, bytes.length);
        this.length += 5;
      } else {
        const kind = TYPED.indexOf(ctor);
        if (kind < 0) {
          this.writeV8(value);
          return;
        }
        this.ensure(6 + bytes.length);
        this.buf[this.length] = T_TYPED;
        this.buf[this.length + 1] = kind;
        this.view.setUint32(this.length + 2, bytes.length);
        this.length += 6;
      }
      this.buf.set(bytes, this.length);
      this.length += bytes.length;
      return;
    }
    if (value instanceof ArrayBuffer && !(value as { resizable?: boolean }).resizable) {
      const bytes = new Uint8Array(value);
      this.ensure(5 + bytes.length);
      this.buf[this.length] = T_AB;
      this.view.setUint32(this.length + 1, bytes.length);
      this.length += 5;
      this.buf.set(bytes, this.length);
      this.length += bytes.length;
      return;
    }
    this.writeV8(value);
  }

  private visit(value: object): void {
    this.seen ??= new Set();
    if (this.seen.has(value)) throw RESTART;
    this.seen.add(value);
  }

  private writeV8(value: unknown): void {
    const bytes = v8.serialize(value);
    this.ensure(5 + bytes.length);
    this.buf[this.length] = T_V8;
    this.view.setUint32(this.length + 1, bytes.length);
    this.length += 5;
    this.buf.set(bytes, this.length);
    this.length += bytes.length;
  }
}

/** Decodes what {@link Encoder} wrote, straight from shared memory. One per shared buffer. */
export class Decoder {
  private readonly buf: Buffer;
  private readonly view: DataView;
  private pos = 0;

  constructor(buffer: SharedArrayBuffer) {
    this.buf = Buffer.from(buffer);
    this.view = new DataView(buffer);
  }

  /** Decodes the value at byte `offset`. */
  decode(offset: number): unknown {
    this.pos = offset;
    return this.read();
  }

  private read(): unknown {
    const buf = this.buf;
    const tag = buf[this.pos++];
    switch (tag) {
      case T_UNDEFINED:
        return undefined;
      case T_NULL:
        return null;
      case T_FALSE:
        return false;
      case T_TRUE:
        return true;
      case T_INT: {
        const v = this.view.getInt32(this.pos);
        this.pos += 4;
        return v;
      }
      case T_F64: {
        const v = this.view.getFloat64(this.pos);
        this.pos += 8;
        return v;
      }
      case T_STR:
        return this.readString();
      case T_ARR: {
        const n = this.view.getUint32(this.pos);
        this.pos += 4;
        const array = new Array<unknown>(n);
        for (let i = 0; i < n; i++) array[i] = this.read();
        return array;
      }
      case T_OBJ: {
        const n = this.view.getUint32(this.pos);
        this.pos += 4;
        const object: Record<string, unknown> = {};
        for (let i = 0; i < n; i++) {
          const key = this.readString();
          const value = this.read();
          if (key === '__proto__') Object.defineProperty(object, key, { value, enumerable: true, writable: true, configurable: true });
          else object[key] = value;
        }
        return object;
      }
      case T_U8: {
        const n = this.view.getUint32(this.pos);
        this.pos += 4;
        const out = new Uint8Array(n);
        out.set(buf.subarray(this.pos, this.pos + n));
        this.pos += n;
        return out;
      }
      case T_TYPED: {
        const ctor = TYPED[buf[this.pos]!]!;
        const n = this.view.getUint32(this.pos + 1);
        this.pos += 5;
        const copy = new Uint8Array(n);
        copy.set(buf.subarray(this.pos, this.pos + n));
        this.pos += n;
        return new ctor(copy.buffer);
      }
      case T_AB: {
        const n = this.view.getUint32(this.pos);
        this.pos += 4;
        const copy = new Uint8Array(n);
        copy.set(buf.subarray(this.pos, this.pos + n));
        this.pos += n;
        return copy.buffer;
      }
      case T_V8: {
        const n = this.view.getUint32(this.pos);
        this.pos += 4;
        const copy = Buffer.allocUnsafe(n);
        buf.copy(copy, 0, this.pos, this.pos + n);
        this.pos += n;
        return v8.deserialize(copy);
      }
      default:
        throw new Error(`tide: corrupt payload (tag ${String(tag)} at ${this.pos - 1})`);
    }
  }

  private readString(): string {
    const n = this.view.getUint32(this.pos);
    const start = this.pos + 4;
    this.pos = start + n;
    return this.buf.toString('utf8', start, start + n);
  }
}
