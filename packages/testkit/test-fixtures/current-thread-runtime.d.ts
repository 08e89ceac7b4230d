import type { RuntimeBuildOptions, RuntimeUnderTest } from '../src/runtime-factory.js';

/** Builds a current-thread runtime from the suite's options. */
export declare function build(options?: RuntimeBuildOptions): RuntimeUnderTest;
