import { receiveMessageOnPort, MessageChannel, type MessagePort } from 'node:worker_threads';
import { encodeThrown } from '../blocking/error-codec.js';
import { Parker } from '../driver/parker.js';
import { NotSendableError, TaskNotFoundError } from '../errors.js';
import type { Waker } from '../future/poll.js';
import { Outcome, type JoinHandle } from '../task/join-handle.js';
import { lookupTaskRef, resolveTaskRef, type TaskRef } from '../task/task-ref.js';
import type { DoneMessage, InjectMessage } from './inject-protocol.js';
import type { SharedHandle } from './shared-handle.js';

type Cell = JoinHandle<unknown, string>;

/** How the runtime starts a task that arrived from another thread: by its function, resolved on this thread. */
export interface InjectTarget {
  /** Spawns `fn(...args)` as a task on the runtime. */
  spawn(fn: (...args: unknown[]) => unknown, args: unknown[]): Cell;
  /** Runs a TaskRef on the runtime's blocking pool. */
  spawnBlocking(ref: TaskRef<unknown[], unknown, string>, args: unknown[]): Cell;
}

/**
 * How a runtime that sends tasks on to other threads (multi-thread) starts a task that arrived
 * from another thread: by module URL and export name, as it arrived, without resolving it here.
 */
export interface InjectByNameTarget {
  /** Starts the task `name` of module `url` (on the blocking pool if `blocking`). May throw: the sender gets the error. */
  spawnByName(url: string, name: string, args: unknown[], blocking: boolean): Cell;
}

interface Remote {
  readonly port: MessagePort;
  parker: Parker | null;
  readonly tasks: Map<number, Cell>;
}

/** Posts a finished task's outcome back to the thread that spawned it. */
class ReplyWaker implements Waker {
  constructor(
    private readonly remote: Remote,
    private readonly remoteId: number,
    private readonly task: Cell,
  ) {}
  wake(): void {
    const { remote, task } = this;
    if (task.outcome === Outcome.None) {
      task.joinWaker = this;
      return;
    }
    remote.tasks.delete(this.remoteId);
    reply(remote, this.remoteId, task.outcome, task.result);
  }
}

/** Answers remote task `id` with its outcome (a thrown value travels encoded) and wakes the sender. */
function reply(remote: Remote, id: number, outcome: Outcome, result: unknown): void {
  try {
    remote.port.postMessage({ op: 'done', id, outcome, value: outcome === Outcome.Panic ? encodeThrown(result) : result } satisfies DoneMessage);
  } catch (error) {
    const failure = new NotSendableError(
      `the task's result could not be sent back to the spawning thread (structured clone failed: ${(error as Error)?.message ?? String(error)})`,
    );
    remote.port.postMessage({ op: 'done', id, outcome: Outcome.Panic, value: encodeThrown(failure) } satisfies DoneMessage);
  }
  remote.parker?.unpark();
}

type SpawnMessage = Extract<InjectMessage, { op: 'spawn' }>;

/** Starts the task a remote thread asked for on `target`. */
function start(message: SpawnMessage, target: InjectTarget | InjectByNameTarget): Cell {
  const { url, name, args } = message;
  if ('spawnByName' in target) return target.spawnByName(url, name, args, message.blocking);
  const ref = lookupTaskRef(url, name);
  if (message.blocking) {
    return ref
      ? target.spawnBlocking(ref, args)
      : target.spawn(() => Promise.reject(new TaskNotFoundError(url, name, 'import the module on the runtime thread first')), []);
  }
  if (ref) return target.spawn(ref.fn, args);
  // Not loaded on this thread yet: import it (this needs the host event loop to run).
  return target.spawn(async () => {
    const found = await resolveTaskRef(url, name);
    return await target.spawn(found.fn, args);
  }, []);
}

/**
 * The runtime side of shared handles: one MessageChannel per `share()`, drained synchronously
 * with `receiveMessageOnPort` (so it works while the runtime's thread is blocked in `blockOn`),
 * with the runtime's parker unparked by the sender.
 */
export class InjectQueue {
  private readonly remotes: Remote[] = [];
  // Remotes that are not blocking-pool threads (see hasRemotes).
  private userRemotes = 0;
  private closed = false;

  /** @param parker - the runtime thread's parker (remote senders unpark it). */
  constructor(private readonly parker: Parker) {}

  /**
   * A new transferable handle description; its port must be in the transfer list when posted.
   * `forBlockingThread` marks the handle a blocking-pool thread gets: it does not count in
   * {@link hasRemotes}, since an idle pool thread runs no code that could send work (the pool's
   * own busy count covers a running one) — else one `spawnBlocking` would keep the runtime from
   * ever reporting a deadlock.
   */
  share(
    meta: Pick<SharedHandle, 'id' | 'flavor' | 'name' | 'drivers'> & Partial<Pick<SharedHandle, 'runsRemoteBlockOn'>>,
    forBlockingThread = false,
  ): SharedHandle {
    const { port1, port2 } = new MessageChannel();
    // Never started: receiveMessageOnPort reads it, and an unstarted port keeps nothing alive.
    this.remotes.push({ port: port1, parker: null, tasks: new Map() });
    if (!forBlockingThread) this.userRemotes++;
    return {
      kind: 'tide.shared-handle',
      ...meta,
      drivers: [...meta.drivers],
      runsRemoteBlockOn: meta.runsRemoteBlockOn ?? false,
      port: port2,
      parker: this.parker.buffer,
    };
  }

  /**
   * True if some thread other than a blocking-pool thread holds a shared handle: it may still send
   * work at any time (Tokio's spawn_from_other_thread_idle), so the runtime cannot be deadlocked.
   */
  get hasRemotes(): boolean {
    return this.userRemotes > 0;
  }

  /** Remote tasks started here and not yet finished. */
  get pendingRemoteTasks(): number {
    let n = 0;
    for (const remote of this.remotes) n += remote.tasks.size;
    return n;
  }

  /** Handles every message that has arrived. Returns how many. */
  drain(target: InjectTarget | InjectByNameTarget): number {
    let handled = 0;
    for (const remote of this.remotes) {
      for (;;) {
        const received = receiveMessageOnPort(remote.port);
        if (received === undefined) break;
        handled++;
        this.handle(remote, received.message as InjectMessage, target);
      }
    }
    return handled;
  }

  private handle(remote: Remote, message: InjectMessage, target: InjectTarget | InjectByNameTarget): void {
    switch (message.op) {
      case 'attach':
        remote.parker = Parker.fromShared(message.parker);
        return;
      case 'abort':
        remote.tasks.get(message.id)?.abort();
        return;
      case 'spawn': {
        if (this.closed) {
          reply(remote, message.id, Outcome.Cancelled, undefined);
          return;
        }
        let task: Cell;
        try {
          task = start(message, target);
        } catch (error) {
          reply(remote, message.id, Outcome.Panic, error);
          return;
        }
        remote.tasks.set(message.id, task);
        task.observed = true;
        new ReplyWaker(remote, message.id, task).wake();
        return;
      }
    }
  }

  /** Stops accepting work: later spawns are answered as cancelled; ports close once drained. */
  close(target: InjectTarget | InjectByNameTarget): void {
    this.drain(target);
    this.closed = true;
  }

  /** Closes every port (after shutdown has settled the remote tasks). */
  dispose(): void {
    for (const remote of this.remotes) remote.port.close();
    this.remotes.length = 0;
    this.userRemotes = 0;
  }
}
