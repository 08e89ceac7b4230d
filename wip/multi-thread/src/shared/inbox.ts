import { MessageChannel, receiveMessageOnPort, type MessagePort } from 'node:worker_threads';
import { Outcome, Parker, type DoneMessage, type InjectMessage } from '@tide/core/driver';
import type { JoinHandle, SharedHandle, Waker } from '@tide/core';

type Cell = JoinHandle<unknown, string>;

/** How the runtime starts a task that arrived from a thread holding a shared handle. */
export interface InboxTarget {
  /** Spawns the task (url, name) on the runtime. */
  spawn(url: string, name: string, args: unknown[]): Cell;
  /** Runs the task (url, name) on the blocking pool. */
  spawnBlocking(url: string, name: string, args: unknown[]): Cell;
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
    if (!task.isFinished()) {
      task.joinWaker = this;
      return;
    }
    remote.tasks.delete(this.remoteId);
    const outcome = task.outcome;
    try {
      remote.port.postMessage({ op: 'done', id: this.remoteId, outcome, value: task.result } satisfies DoneMessage);
    } catch (error) {
      const value = new TypeError(
        `the task's result could not be sent back to the spawning thread (structured clone failed: ${(error as Error)?.message ?? String(error)})`,
      );
      remote.port.postMessage({ op: 'done', id: this.remoteId, outcome: Outcome.Panic, value } satisfies DoneMessage);
    }
    remote.parker?.unpark();
  }
}

// ---------------------------------------------------------------------------------------------
// CORE CANDIDATE: this is core's InjectQueue protocol (InjectMessage / DoneMessage over one
// MessagePort per share(), drained with receiveMessageOnPort), re-implemented because core's
// InjectTarget receives the task *function* while this runtime needs the TaskRef's url and name
// to send the task to a worker. If core's InjectTarget.spawn received the TaskRef (or url + name)
// this file could be deleted in favour of core's InjectQueue.
// ---------------------------------------------------------------------------------------------

/**
 * The runtime side of shared handles (`share()` → `Handle.fromShared()` on another thread):
 * spawn requests arrive on one MessageChannel per share, are read synchronously with
 * `receiveMessageOnPort` (so this works while the runtime's thread is blocked in `blockOn`), and
 * answered on the same port when the task finishes, unparking the requesting thread.
 *
 * @internal
 */
export class SharedInbox {
  private readonly remotes: Remote[] = [];
  private closed = false;

  /** A new transferable handle description; post it with its port in the transfer list. */
  share(meta: Pick<SharedHandle, 'id' | 'flavor' | 'name' | 'drivers'>, parker: Parker): SharedHandle {
    const { port1, port2 } = new MessageChannel();
    // Never started: receiveMessageOnPort reads it, and an unstarted port keeps nothing alive.
    this.remotes.push({ port: port1, parker: null, tasks: new Map() });
    return { kind: 'tide.shared-handle', ...meta, drivers: [...meta.drivers], port: port2, parker: parker.buffer };
  }

  /** True if some thread holds a shared handle. */
  get hasRemotes(): boolean {
    return this.remotes.length > 0;
  }

  /** Remote tasks started and not finished. */
  get pending(): number {
    let n = 0;
    for (const remote of this.remotes) n += remote.tasks.size;
    return n;
  }

  /** Handles every request that has arrived. Returns how many. */
  drain(target: InboxTarget): number {
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

  private handle(remote: Remote, message: InjectMessage, target: InboxTarget): void {
    switch (message.op) {
      case 'attach':
        remote.parker = Parker.fromShared(message.parker);
        return;
      case 'abort':
        remote.tasks.get(message.id)?.abort();
        return;
      case 'spawn': {
        if (this.closed) {
          remote.port.postMessage({ op: 'done', id: message.id, outcome: Outcome.Cancelled, value: undefined } satisfies DoneMessage);
          remote.parker?.unpark();
          return;
        }
        let task: Cell;
        try {
          task = message.blocking ? target.spawnBlocking(message.url, message.name, message.args) : target.spawn(message.url, message.name, message.args);
        } catch (error) {
          remote.port.postMessage({ op: 'done', id: message.id, outcome: Outcome.Panic, value: error } satisfies DoneMessage);
          remote.parker?.unpark();
          return;
        }
        remote.tasks.set(message.id, task);
        task.observed = true;
        new ReplyWaker(remote, message.id, task).wake();
        return;
      }
    }
  }

  /** Stops accepting work: later spawns are answered as cancelled. */
  close(target: InboxTarget): void {
    this.drain(target);
    this.closed = true;
  }

  /** Closes every port (after shutdown settled the remote tasks). */
  dispose(): void {
    for (const remote of this.remotes) remote.port.close();
    this.remotes.length = 0;
  }
}
