/**
 * ping-pong: the cost of handing one message to another task and being woken by its answer.
 */
import { mpsc, oneshot, spawn, type OneshotReceiver, type OneshotSender } from '@tide/core';
import { CurrentThreadRuntime } from '@tide/current-thread';
import { timeDriver } from '@tide/time-driver';
import { check, defineScenario, timeAsync, timeSync } from '../harness/scenario.js';

interface PingPongParams extends Record<string, number> {
  /** Messages in total: half pings, half pongs. */
  readonly messages: number;
}

/** Sum of the pong answers (i + 1) for i in 0..rounds-1. */
function expectedSum(rounds: number): number {
  return (rounds * (rounds + 1)) / 2;
}

// ---- tide: a fresh oneshot per message ----

/** A ping: the value, where to answer, and the receiver of the next ping. */
interface OneshotPing {
  readonly i: number;
  readonly reply: OneshotSender<number>;
  readonly next: OneshotReceiver<OneshotPing | null>;
}

function* oneshotPonger(first: OneshotReceiver<OneshotPing | null>) {
  let rx = first;
  for (;;) {
    const ping = yield* rx;
    if (ping === null) return;
    ping.reply.send(ping.i + 1);
    rx = ping.next;
  }
}

function* oneshotPinger(first: OneshotSender<OneshotPing | null>, rounds: number) {
  let tx = first;
  let sum = 0;
  for (let i = 0; i < rounds; i++) {
    const [replyTx, replyRx] = oneshot<number>();
    const [nextTx, nextRx] = oneshot<OneshotPing | null>();
    tx.send({ i, reply: replyTx, next: nextRx });
    tx = nextTx;
    sum += yield* replyRx;
  }
  tx.send(null);
  return sum;
}

function* oneshotRoot(rounds: number) {
  const [tx, rx] = oneshot<OneshotPing | null>();
  const ponger = spawn(oneshotPonger, rx);
  const sum = yield* spawn(oneshotPinger, tx, rounds);
  yield* ponger;
  return sum;
}

// ---- tide: two bounded mpsc channels of capacity 1 ----

function* mpscPonger(rx: mpsc.Receiver<number>, tx: mpsc.Sender<number>) {
  for (;;) {
    const v = yield* rx.recv();
    if (v === undefined) break;
    yield* tx.send(v + 1);
  }
  tx.close();
}

function* mpscPinger(tx: mpsc.Sender<number>, rx: mpsc.Receiver<number>, rounds: number) {
  let sum = 0;
  for (let i = 0; i < rounds; i++) {
    yield* tx.send(i);
    sum += (yield* rx.recv())!;
  }
  tx.close();
  return sum;
}

function* mpscRoot(rounds: number) {
  const [pingTx, pingRx] = mpsc.channel<number>(1);
  const [pongTx, pongRx] = mpsc.channel<number>(1);
  const ponger = spawn(mpscPonger, pingRx, pongTx);
  const sum = yield* spawn(mpscPinger, pingTx, pongRx, rounds);
  yield* ponger;
  return sum;
}

// ---- native: two async functions exchanging fresh promises ----

interface Deferred<T> {
  readonly promise: Promise<T>;
  readonly resolve: (value: T) => void;
}

function deferred<T>(): Deferred<T> {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((r) => (resolve = r));
  return { promise, resolve };
}

interface NativePing {
  readonly i: number;
  readonly reply: (value: number) => void;
  readonly next: Promise<NativePing | null>;
}

async function nativePonger(first: Promise<NativePing | null>): Promise<void> {
  let next = first;
  for (;;) {
    const ping = await next;
    if (ping === null) return;
    ping.reply(ping.i + 1);
    next = ping.next;
  }
}

async function nativePinger(first: Deferred<NativePing | null>, rounds: number): Promise<number> {
  let tx = first;
  let sum = 0;
  for (let i = 0; i < rounds; i++) {
    const reply = deferred<number>();
    const next = deferred<NativePing | null>();
    tx.resolve({ i, reply: reply.resolve, next: next.promise });
    tx = next;
    sum += await reply.promise;
  }
  tx.resolve(null);
  return sum;
}

async function nativeRoot(rounds: number): Promise<number> {
  const first = deferred<NativePing | null>();
  const ponger = nativePonger(first.promise);
  const sum = await nativePinger(first, rounds);
  await ponger;
  return sum;
}

function buildRuntime() {
  return CurrentThreadRuntime.builder().enable(timeDriver()).build();
}

export default defineScenario<PingPongParams>({
  name: 'ping-pong',
  title: 'ping-pong between two tasks',
  description:
    'Two tasks exchange `messages` messages (half pings, half pongs; the pinger waits for each pong ' +
    'before the next ping, and the sum of the answers is checked). Both are spawned tasks on a ' +
    'current-thread runtime driven by `rt.blockOn`: `tide-oneshot` sends every message on a fresh ' +
    '`oneshot` (each ping carries the sender for its pong and the receiver of the next ping), ' +
    '`tide-mpsc` uses two bounded `mpsc.channel(1)`s with `yield* tx.send()` and `yield* rx.recv()`. ' +
    'Peer: two native async functions with the same structure, a fresh Promise per message. Figure: ' +
    'wall time per message.',
  unit: 'ns/message',
  params: {
    full: { messages: 100_000 },
    quick: { messages: 2_000 },
  },
  contenders: [
    {
      id: 'tide-oneshot',
      label: 'tide: oneshot per message',
      side: 'tide',
      run: ({ messages }) => {
        const rounds = messages / 2;
        using rt = buildRuntime();
        const { ms, value } = timeSync(() => rt.blockOn(oneshotRoot, rounds));
        check('tide-oneshot sum', value, expectedSum(rounds));
        return Promise.resolve((ms * 1e6) / messages);
      },
    },
    {
      id: 'tide-mpsc',
      label: 'tide: mpsc.channel(1) pair',
      side: 'tide',
      run: ({ messages }) => {
        const rounds = messages / 2;
        using rt = buildRuntime();
        const { ms, value } = timeSync(() => rt.blockOn(mpscRoot, rounds));
        check('tide-mpsc sum', value, expectedSum(rounds));
        return Promise.resolve((ms * 1e6) / messages);
      },
    },
    {
      id: 'native',
      label: 'native Promise per message',
      side: 'peer',
      run: async ({ messages }) => {
        const rounds = messages / 2;
        const { ms, value } = await timeAsync(() => nativeRoot(rounds));
        check('native sum', value, expectedSum(rounds));
        return (ms * 1e6) / messages;
      },
    },
  ],
  comparisons: [
    { tide: 'tide-oneshot', peer: 'native', target: { maxRatio: 2, text: '≤ 2× native' } },
    { tide: 'tide-mpsc', peer: 'native', target: { maxRatio: 2, text: '≤ 2× native' } },
  ],
});
