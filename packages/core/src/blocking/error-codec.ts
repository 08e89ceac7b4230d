import { types } from 'node:util';
import {
  ChannelClosedError,
  DeadlockError,
  describe,
  DriverDisabledError,
  DriverNotDrivenError,
  Elapsed,
  EnterGuardOrderError,
  InvalidTaskError,
  JoinError,
  NestedBlockOnError,
  NoRuntimeError,
  NotSendableError,
  RuntimeShutdownError,
  TaskNotFoundError,
  WorkerExitedError,
} from '../errors.js';

/**
 * How a thrown value crosses from a blocking worker back to the runtime thread.
 *
 * Structured clone keeps an Error's message and stack, but turns every subclass it does not know
 * into a plain `Error` and drops its own properties (`code`, `exitCode`, …). So errors travel as
 * a record (name, message, stack, cloneable own properties, cause) and are rebuilt on the other
 * side with the right prototype: tide's own error classes by `code`, the built-in ones by name.
 * Any other thrown value travels as itself when it can be cloned, or as a description.
 */
export type EncodedThrown = { readonly error: EncodedError } | { readonly value: unknown };

/** An Error as a plain, cloneable record. */
export interface EncodedError {
  readonly name: string;
  readonly message: string;
  readonly stack: string | undefined;
  /** Own enumerable properties that survive structured clone (for example `code`). */
  readonly props: Record<string, unknown>;
  /** The error's `cause`, if it has one. */
  readonly cause?: EncodedThrown;
}

const MAX_CAUSE_DEPTH = 8;
const RESERVED = new Set(['name', 'message', 'stack', 'cause']);

function isCloneable(value: unknown): boolean {
  try {
    structuredClone(value);
    return true;
  } catch {
    return false;
  }
}

/** Sending side: turns anything a task threw into something `postMessage` (or a byte codec) accepts. */
export function encodeThrown(thrown: unknown, depth = 0): EncodedThrown {
  if (thrown instanceof Error || types.isNativeError(thrown)) {
    const error = thrown as Error & Record<string, unknown>;
    const props: Record<string, unknown> = {};
    for (const key of Object.keys(error)) {
      if (RESERVED.has(key)) continue;
      const value = error[key];
      if (isCloneable(value)) props[key] = value;
    }
    const encoded: { -readonly [K in keyof EncodedError]: EncodedError[K] } = {
      name: typeof error.name === 'string' ? error.name : 'Error',
      message: typeof error.message === 'string' ? error.message : describe(error),
      stack: typeof error.stack === 'string' ? error.stack : undefined,
      props,
    };
    if ('cause' in error && depth < MAX_CAUSE_DEPTH) encoded.cause = encodeThrown(error.cause, depth + 1);
    return { error: encoded };
  }
  if (isCloneable(thrown)) return { value: thrown };
  return {
    error: {
      name: 'Error',
      message: `the task threw a value that cannot be sent to another thread: ${describe(thrown)}`,
      stack: undefined,
      props: {},
    },
  };
}

// Prototypes for rebuilding: tide's errors by code, the built-in ones by name.
const TIDE_ERRORS: Partial<Record<string, { prototype: Error }>> = {
  E_NO_RUNTIME: NoRuntimeError,
  E_NESTED_BLOCK_ON: NestedBlockOnError,
  E_DRIVER_DISABLED: DriverDisabledError,
  E_DRIVER_NOT_DRIVEN: DriverNotDrivenError,
  E_RUNTIME_SHUTDOWN: RuntimeShutdownError,
  E_DEADLOCK: DeadlockError,
  E_ENTER_GUARD_ORDER: EnterGuardOrderError,
  E_JOIN: JoinError,
  E_ELAPSED: Elapsed,
  E_WORKER_EXITED: WorkerExitedError,
  E_CHANNEL_CLOSED: ChannelClosedError,
  E_NOT_SENDABLE: NotSendableError,
  E_TASK_NOT_FOUND: TaskNotFoundError,
  E_INVALID_TASK: InvalidTaskError,
};

const BUILTIN_ERRORS: Partial<Record<string, { prototype: Error }>> = {
  Error,
  TypeError,
  RangeError,
  SyntaxError,
  ReferenceError,
  EvalError,
  URIError,
  AggregateError,
};

function prototypeFor(encoded: EncodedError): Error {
  const code = encoded.props.code;
  const tide = typeof code === 'string' && Object.hasOwn(TIDE_ERRORS, code) ? TIDE_ERRORS[code] : undefined;
  if (tide !== undefined && encoded.name === tide.prototype.constructor.name) return tide.prototype;
  const builtin = Object.hasOwn(BUILTIN_ERRORS, encoded.name) ? BUILTIN_ERRORS[encoded.name] : undefined;
  return builtin?.prototype ?? Error.prototype;
}

const hidden = (value: unknown): PropertyDescriptor => ({ value, writable: true, configurable: true, enumerable: false });

/** Receiving side: rebuilds what {@link encodeThrown} produced, with the right class and `code`. */
export function decodeThrown(encoded: EncodedThrown): unknown {
  if (!('error' in encoded)) return encoded.value;
  const source = encoded.error;
  // A real Error (so the stack prints as one), re-parented to the class it had in the worker.
  const error = new Error(source.message) as Error & Record<string, unknown>;
  Object.setPrototypeOf(error, prototypeFor(source));
  if (error.name !== source.name) Object.defineProperty(error, 'name', hidden(source.name));
  Object.defineProperty(error, 'stack', hidden(source.stack ?? `${source.name}: ${source.message}`));
  for (const [key, value] of Object.entries(source.props)) error[key] = value;
  if (source.cause !== undefined) Object.defineProperty(error, 'cause', hidden(decodeThrown(source.cause)));
  return error;
}
