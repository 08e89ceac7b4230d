/**
 * The wait queue every sync primitive uses: an intrusive doubly linked list of the futures that
 * are waiting. Intrusive (the links live on the future itself) so that waiting allocates nothing
 * extra, and doubly linked so that an aborted waiter leaves the queue in O(1) from its
 * `[Symbol.dispose]`, wherever it is.
 *
 * @internal Not exported from `@tide/core`.
 */

/** The link fields a waiter carries. `queued` is true exactly while it is in a list. */
export interface WaiterNode<N> {
  /** Previous waiter (towards the head). */
  prevWaiter: N | null;
  /** Next waiter (towards the tail). */
  nextWaiter: N | null;
  /** True while the node is linked into a {@link WaiterList}. */
  queued: boolean;
}

/** A FIFO queue of waiters with O(1) push, shift and removal from the middle. */
export class WaiterList<N extends WaiterNode<N>> {
  /** Oldest waiter (served first). */
  head: N | null = null;
  /** Newest waiter. */
  tail: N | null = null;

  /** True if nobody waits. */
  isEmpty(): boolean {
    return this.head === null;
  }

  /** Appends `node` at the tail. It must not be in a list already. */
  push(node: N): void {
    node.queued = true;
    node.prevWaiter = this.tail;
    node.nextWaiter = null;
    if (this.tail === null) this.head = node;
    else this.tail.nextWaiter = node;
    this.tail = node;
  }

  /** Removes and returns the oldest waiter, or `null`. */
  shift(): N | null {
    const node = this.head;
    if (node !== null) this.remove(node);
    return node;
  }

  /** Unlinks `node` if it is queued (a no-op otherwise). */
  remove(node: N): void {
    if (!node.queued) return;
    const prev = node.prevWaiter;
    const next = node.nextWaiter;
    if (prev === null) this.head = next;
    else prev.nextWaiter = next;
    if (next === null) this.tail = prev;
    else next.prevWaiter = prev;
    node.prevWaiter = node.nextWaiter = null;
    node.queued = false;
  }
}
