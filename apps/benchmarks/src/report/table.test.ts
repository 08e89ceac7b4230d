import { describe, expect, it } from 'vitest';
import type { MachineInfo } from '../harness/machine.js';
import { formatMachine, formatTable } from './table.js';

const machine: MachineInfo = {
  cpuModel: 'Test CPU 9000',
  cores: 8,
  availableParallelism: 6,
  totalMemoryGiB: 15.5,
  platform: 'linux',
  arch: 'x64',
  osRelease: '6.1.0',
  node: 'v20.19.0',
  v8: '11.3.244.8',
  date: '2026-01-01T00:00:00.000Z',
  commit: 'abc1234',
};

describe('the stdout table', () => {
  it('starts with the machine facts: CPU model, cores, Node version', () => {
    expect(formatMachine(machine)).toBe(
      'machine: Test CPU 9000, 8 cores (available parallelism 6), 15.5 GiB, linux x64; Node.js v20.19.0 (V8 11.3.244.8); commit abc1234',
    );
    expect(formatMachine({ ...machine, commit: null })).not.toContain('commit');
    expect(formatTable([], false, machine).split('\n')[0]).toBe(formatMachine(machine));
  });

  it('collects the facts of this machine when none are given', () => {
    expect(formatTable([], true).split('\n')[0]).toContain(`Node.js ${process.version}`);
  });
});
