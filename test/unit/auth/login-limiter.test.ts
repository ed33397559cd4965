import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { LoginLimiter } from '../../../src/auth/login-limiter.ts';
import { InvalidInputError } from '../../../src/errors.ts';

describe('LoginLimiter', () => {
  it('refuses an address after maxFailures within the window, until its oldest failure leaves it', () => {
    const l = new LoginLimiter({ maxFailures: 3, windowMs: 60_000 });
    for (let i = 0; i < 3; i++) {
      assert.equal(l.retryAfterSeconds('a', 1000 * i), 0);
      l.fail('a', 1000 * i);
    }
    assert.equal(l.retryAfterSeconds('a', 3000), 57);
    assert.equal(l.retryAfterSeconds('b', 3000), 0, 'other addresses are not affected');
    assert.equal(l.retryAfterSeconds('a', 60_001), 0, 'the first failure left the window');
  });

  it('a success forgets the address', () => {
    const l = new LoginLimiter({ maxFailures: 2 });
    l.fail('a', 0);
    l.fail('a', 1);
    assert.ok(l.retryAfterSeconds('a', 2) > 0);
    l.succeed('a');
    assert.equal(l.retryAfterSeconds('a', 2), 0);
  });

  it('tracks at most maxAddresses, forgetting the least recently failed, and at most maxFailures times each', () => {
    const l = new LoginLimiter({ maxFailures: 2, maxAddresses: 100 });
    for (let i = 0; i < 1000; i++) l.fail(`10.0.${i >> 8}.${i & 255}`, i);
    assert.equal(l.size, 100);
    assert.equal(l.retryAfterSeconds('10.0.0.0', 1000), 0, 'the oldest address was forgotten');
    for (let i = 0; i < 50; i++) l.fail('x', 2000 + i);
    assert.ok(l.retryAfterSeconds('x', 2100) > 0);
    assert.equal(l.size, 100);
  });

  it('refuses bad bounds', () => {
    assert.throws(() => new LoginLimiter({ maxFailures: 0 }), InvalidInputError);
    assert.throws(() => new LoginLimiter({ windowMs: 1.5 }), InvalidInputError);
  });
});
