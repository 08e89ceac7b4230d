import { MailboxClosedError, MailboxRing } from '@tide/driver-example';
import { describe, expect, it } from 'vitest';

describe('MailboxRing', () => {
  it('keeps records in order across many wrap-arounds, UTF-8 included', () => {
    const ring = MailboxRing.create(64);
    const texts = ['a', 'héllo', '🌊 tide', 'x'.repeat(40), '', '{"n":1}'];
    for (let round = 0; round < 50; round++) {
      for (const text of texts) {
        expect(ring.tryPush(text)).toBe(true);
        expect(ring.count).toBe(1);
        expect(ring.take()).toBe(text);
      }
    }
    expect(ring.take()).toBeUndefined();
    expect(ring.usedBytes).toBe(0);
  });

  it('refuses a record when full and accepts it again once the consumer made room', () => {
    const ring = MailboxRing.create(64);
    let pushed = 0;
    while (ring.tryPush('0123456789')) pushed++;
    // Each record costs 10 bytes + a 4-byte length prefix.
    expect(pushed).toBe(Math.floor(64 / 14));
    expect(ring.pushWaiting('late-late', 0)).toBe(false);
    expect(ring.take()).toBe('0123456789');
    expect(ring.tryPush('0123456789')).toBe(true);
    expect(ring.count).toBe(pushed);
  });

  it('a record that can never fit is a RangeError; a bad capacity too', () => {
    expect(() => MailboxRing.create(64).tryPush('x'.repeat(61))).toThrow(RangeError);
    expect(() => MailboxRing.create(63)).toThrow(RangeError);
    expect(() => MailboxRing.create(100.5)).toThrow(RangeError);
  });

  it('a closed ring refuses records with MailboxClosedError', () => {
    const ring = MailboxRing.create(64);
    ring.close();
    expect(ring.isClosed).toBe(true);
    expect(() => ring.tryPush('x')).toThrow(MailboxClosedError);
  });

  it('a second view of the same shared memory (another thread’s) sees the same records', () => {
    const ring = MailboxRing.create(128);
    const other = new MailboxRing(ring.buffer);
    expect(other.tryPush('from elsewhere')).toBe(true);
    expect(ring.take()).toBe('from elsewhere');
  });
});
