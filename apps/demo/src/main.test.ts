import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const main = fileURLToPath(new URL('../dist/main.js', import.meta.url));

describe('demo', () => {
  it('counts the primes below 20,000 in 4 ranges and exits 0 on its own', () => {
    const out = execFileSync(process.execPath, [main, '--ranges', '4', '--size', '5000'], { encoding: 'utf8', timeout: 30_000 });
    // π(20,000) = 2,262.
    expect(out).toContain('primes found: 2262');
    expect(out).toContain('current_thread runtime');
  });

  it('refuses bad flags with exit code 2', () => {
    expect(() => execFileSync(process.execPath, [main, '--ranges', '0'], { encoding: 'utf8', stdio: 'pipe' })).toThrow(/--ranges must be a positive integer/);
  });
});
