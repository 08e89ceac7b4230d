import { describe, expect, it } from 'vitest';
import { formatRequest, parseRequest } from './protocol.js';
import { Latencies } from './stats.js';

describe('protocol', () => {
  it('parses what it formats', () => {
    for (const request of [{ kind: 'PRIMES', limit: 1000 }, { kind: 'HASH', password: 'hunter2' }, { kind: 'FETCH', key: 'user-7' }, { kind: 'ECHO', text: 'hello world' }] as const) {
      expect(parseRequest(formatRequest(request))).toEqual(request);
    }
  });

  it('explains what it refuses', () => {
    expect(parseRequest('PRIMES many')).toMatch(/integer limit/);
    expect(parseRequest('PRIMES 0')).toMatch(/integer limit/);
    expect(parseRequest('FETCH a b')).toMatch(/key/);
    expect(parseRequest('HASH')).toMatch(/password/);
    expect(parseRequest('DELETE x')).toBe("unknown command 'DELETE'");
  });
});

describe('Latencies', () => {
  it('nearest-rank percentiles', () => {
    const l = new Latencies();
    expect(l.percentile(50)).toBeNaN();
    for (let i = 1; i <= 100; i++) l.add(101 - i);
    expect([l.percentile(50), l.percentile(90), l.percentile(99), l.percentile(100)]).toEqual([50, 90, 99, 100]);
  });
});
