// Types of tasks.js for the TypeScript tests (the workers import the JavaScript directly).
import type { TaskRef, Suspend } from '@tide/core';

export declare const installCounters: TaskRef<[SharedArrayBuffer], void>;
export declare const countStop: TaskRef<[SharedArrayBuffer], void>;
export declare const record: TaskRef<[number], number>;
export declare const add: TaskRef<[number, number], number>;
export declare const echo: TaskRef<[unknown], unknown>;
export declare const whoAmI: TaskRef<[], number>;
export declare const sumBytes: TaskRef<[Uint8Array], number>;
export declare const makeBytes: TaskRef<[number], Uint8Array>;
export declare const returnFunction: TaskRef<[], () => number>;
export declare const returnShared: TaskRef<[number], SharedArrayBuffer>;
export declare const readShared: TaskRef<[SharedArrayBuffer], number>;
export declare const genSum: TaskRef<[number], number>;
export declare const asyncDouble: TaskRef<[number], number>;
export declare class FixtureError extends Error {}
export declare const fail: TaskRef<[string], never>;
export declare const failAsync: TaskRef<[string], never>;
export declare const sleepThen: TaskRef<[number, string], string, 'time'>;
export declare const sleepAsync: TaskRef<[number, string], string>;
export declare const runtimeInfo: TaskRef<[], { id: number; flavor: string; name: string | null; drivers: string[]; taskId: number }>;
export declare const fanOut: TaskRef<[number], number>;
export declare const localClosure: TaskRef<[number], { value: number; sameThread: boolean }>;
export declare const spawnClosure: TaskRef<[], string>;
export declare const nestedBlockOn: TaskRef<[], string>;
export declare const sleepForever: TaskRef<[SharedArrayBuffer, number, number], never, 'time'>;
export declare const asyncUntilAborted: TaskRef<[SharedArrayBuffer, number, number], string>;
export declare const holdUntil: TaskRef<[SharedArrayBuffer, number, number], number>;
export declare const failWhenOpen: TaskRef<[SharedArrayBuffer, number, number, string], never>;
export declare const exitWith: TaskRef<[number], never>;
export declare const throwUncaught: TaskRef<[string], never>;
export declare const exhaustMemory: TaskRef<[], never>;
export declare const spawnThenExit: TaskRef<[number, number], never>;
export declare const burst: TaskRef<[number], { spawner: number; threads: number[] }>;
export declare const stealable: TaskRef<[number], number>;
export declare const spin: TaskRef<[number], number>;
export type { Suspend };
export declare const awaitNothing: TaskRef<[], never>;
