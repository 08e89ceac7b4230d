import type { ErrorWire } from './protocol.js';

/** The fields of a Node error that cross to the runtime thread. @internal */
export function toErrorWire(error: unknown): ErrorWire {
  if (!(error instanceof Error)) return { message: String(error), code: 'EIO' };
  const e = error as NodeJS.ErrnoException & { address?: unknown; port?: unknown; dest?: unknown };
  const wire: { -readonly [K in keyof ErrorWire]: ErrorWire[K] } = { message: e.message };
  if (typeof e.code === 'string') wire.code = e.code;
  if (typeof e.syscall === 'string') wire.syscall = e.syscall;
  if (typeof e.errno === 'number') wire.errno = e.errno;
  if (typeof e.address === 'string') wire.address = e.address;
  if (typeof e.port === 'number') wire.port = e.port;
  if (typeof e.path === 'string') wire.path = e.path;
  if (typeof e.dest === 'string') wire.dest = e.dest;
  return wire;
}
