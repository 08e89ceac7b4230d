/**
 * Encoding of the control messages' payloads: UTF-8 strings and small JSON documents. Bulk data
 * (socket bytes, file contents) travels as is.
 *
 * @internal
 * @packageDocumentation
 */

import { copyInto } from './copy.js';

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** UTF-8 bytes of a string. */
export function encodeText(text: string): Uint8Array {
  return encoder.encode(text);
}

/** The string in UTF-8 bytes (`null` reads as the empty string). */
export function decodeText(bytes: Uint8Array | null): string {
  return bytes === null ? '' : decoder.decode(bytes);
}

/** UTF-8 JSON of a value. */
export function encodeJson(value: unknown): Uint8Array {
  return encoder.encode(JSON.stringify(value));
}

/** The value in UTF-8 JSON bytes. */
export function decodeJson<T>(bytes: Uint8Array | null): T {
  return JSON.parse(decodeText(bytes)) as T;
}

/** `head` followed by `tail`, in a new array. */
export function concatBytes(head: Uint8Array, tail: Uint8Array): Uint8Array {
  const out = new Uint8Array(head.length + tail.length);
  out.set(head, 0);
  out.set(tail, head.length);
  return out;
}

/** `bytes` itself if it owns its memory, else (a view into shared memory) a private copy. */
export function ownBytes(bytes: Uint8Array): Uint8Array {
  return bytes.buffer instanceof SharedArrayBuffer ? copyBytes(bytes) : bytes;
}

/** A private copy of `bytes` (which may be a view into shared memory). */
export function copyBytes(bytes: Uint8Array): Uint8Array {
  const out = new Uint8Array(bytes.length);
  copyInto(out, 0, bytes);
  return out;
}
