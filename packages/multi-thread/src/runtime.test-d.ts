// Compile-time checks: only TaskRefs cross threads, and their requirements must be covered.
import { defineTask, type JoinHandle, type RuntimeHandle, type Suspend } from '@tide/core';
import { describe, expectTypeOf, it } from 'vitest';
import type { MultiThreadHandle, MultiThreadRuntime } from './index.js';

declare const rt: MultiThreadRuntime<'time'>;
declare const bare: MultiThreadRuntime;
declare function sleepy(): Generator<Suspend<'time'>, void, unknown>;
declare function netty(): Generator<Suspend<'io'>, void, unknown>;

const add = defineTask('file:///tasks.js', 'add', (a: number, b: number) => a + b);
const nap = defineTask('file:///tasks.js', 'nap', function* (ms: number) {
  yield* sleepy();
  return ms;
});
const net = defineTask('file:///tasks.js', 'net', function* () {
  yield* netty();
  return 'x';
});
const later = defineTask('file:///tasks.js', 'later', (s: string) => Promise.resolve(s.length));

describe('MultiThreadRuntime types', () => {
  it('spawns and blocks on TaskRefs, inferring value and requirements', () => {
    expectTypeOf(rt.spawn(add, 1, 2)).toEqualTypeOf<JoinHandle<number, never>>();
    expectTypeOf(rt.spawn(nap, 5)).toEqualTypeOf<JoinHandle<number, 'time'>>();
    expectTypeOf(rt.blockOn(nap, 5)).toEqualTypeOf<number>();
    // Workers drive async tasks, so blockOn accepts them here.
    expectTypeOf(rt.blockOn(later, 'abc')).toEqualTypeOf<number>();
  });

  it('refuses closures, wrong arguments and missing drivers at compile time', () => {
    // @ts-expect-error a closure cannot cross threads
    rt.spawn(function* () {});
    // @ts-expect-error a closure cannot cross threads
    rt.blockOn(() => 1);
    // @ts-expect-error wrong argument type
    rt.spawn(add, 1, 'two');
    // @ts-expect-error the runtime has no 'io' driver
    rt.spawn(net);
    // @ts-expect-error the runtime has no 'time' driver
    bare.blockOn(nap, 1);
  });

  it('its handle is a RuntimeHandle; closure forms are typed never there', () => {
    expectTypeOf(rt.handle()).toMatchTypeOf<RuntimeHandle<'time', 'time'>>();
    const h: MultiThreadHandle<'time'> = rt.handle();
    expectTypeOf(h.spawn(add, 1, 2)).toEqualTypeOf<JoinHandle<number, never>>();
     
    expectTypeOf(h.spawn(() => 1)).toBeNever();
  });
});
