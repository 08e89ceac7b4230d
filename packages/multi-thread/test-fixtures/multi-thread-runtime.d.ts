import type { RuntimeBuildOptions, RuntimeUnderTest } from '@tide/testkit';
export declare function buildWith(workers: number, options?: RuntimeBuildOptions): RuntimeUnderTest;
export declare function build(options?: RuntimeBuildOptions): RuntimeUnderTest;
