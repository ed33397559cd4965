import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import fc from 'fast-check';

import { InvalidInputError } from '../../../src/errors.ts';
import {
  DURATION_UNITS_MS,
  formatDuration,
  MAX_TIMER_MS,
  parseDuration,
  timerSafe,
  type DurationUnit,
} from '../../../src/model/duration.ts';

const UNITS = Object.keys(DURATION_UNITS_MS) as DurationUnit[];
/** Fixed seed so a failure reproduces; fast-check prints the counterexample and the seed. */
const FC = { seed: 20_260_512, numRuns: 2000 } as const;

describe('parseDuration: the grammar', () => {
  it('reads Prometheus durations', () => {
    assert.equal(parseDuration('1h30m'), 5_400_000);
    assert.equal(parseDuration('500ms'), 500);
    assert.equal(parseDuration('2d'), 172_800_000);
    assert.equal(parseDuration('1w'), 604_800_000);
    assert.equal(parseDuration('1y'), 365 * 86_400_000);
    assert.equal(
      parseDuration('1y2w3d4h5m6s7ms'),
      31_536_000_000 + 2 * 604_800_000 + 3 * 86_400_000 + 4 * 3_600_000 + 5 * 60_000 + 6000 + 7,
    );
    assert.equal(parseDuration('0'), 0);
    assert.equal(parseDuration('0s'), 0);
    assert.equal(parseDuration('1m30s'), 90_000);
    assert.equal(parseDuration('7d'), 7 * 86_400_000);
  });

  it('reads decimal fractions in parts and rounds to whole milliseconds', () => {
    assert.equal(parseDuration('1.5s'), 1500);
    assert.equal(parseDuration('1.5m'), 90_000);
    assert.equal(parseDuration('0.5d'), 43_200_000);
    assert.equal(parseDuration('1.0005s'), 1001); // 1000.5 rounds half up
    assert.equal(parseDuration('0.4ms'), 0);
  });

  it('ignores surrounding white space', () => {
    assert.equal(parseDuration('  15s\n'), 15_000);
  });

  it('rejects what it cannot read, naming the input', () => {
    const bad = [
      '',
      '   ',
      '5',
      '5x',
      's5',
      '1s1m',
      '1m1m',
      '1h 30m',
      '5 minutes',
      '-5s',
      '+5s',
      '1e3s',
      '.5s',
      '5.s',
      '1M',
      '1H',
      'P1D',
      '0x10s',
      'Infinity',
      'NaN',
    ];
    for (const s of bad) {
      assert.throws(() => parseDuration(s), InvalidInputError, JSON.stringify(s));
    }
    assert.throws(() => parseDuration('5x'), {
      message: /invalid duration "5x": expected <number><unit> parts with units y, w, d, h, m, s, ms/,
    });
    assert.throws(() => parseDuration('1s1m'), {
      message: /invalid duration "1s1m": units must go from largest to smallest without repeats/,
    });
    assert.throws(() => parseDuration(''), { message: /non-empty/ });
    assert.throws(() => parseDuration(42 as unknown as string), { message: /got number/ });
  });

  it('rejects values that are not finite', () => {
    assert.throws(() => parseDuration('9'.repeat(400) + 'y'), {
      name: 'InvalidInputError',
      message: /too large/,
    });
    assert.throws(() => parseDuration('9'.repeat(400), { bareSeconds: true }), { message: /too large/ });
  });

  it('truncates long bad input in messages', () => {
    const long = 'x'.repeat(10_000);
    try {
      parseDuration(long);
      assert.fail('expected a throw');
    } catch (e) {
      assert.ok(e instanceof InvalidInputError);
      assert.ok(e.message.includes('"' + 'x'.repeat(40) + '…"'), e.message);
      assert.ok(e.message.length < 200, `message of ${e.message.length} characters`);
    }
  });
});

describe('parseDuration: plain seconds (HTTP query parameters)', () => {
  const opt = { bareSeconds: true } as const;
  it('reads decimal seconds, signed, and the grammar too', () => {
    assert.equal(parseDuration('15', opt), 15_000);
    assert.equal(parseDuration('0.5', opt), 500);
    assert.equal(parseDuration('.5', opt), 500);
    assert.equal(parseDuration('5.', opt), 5000);
    assert.equal(parseDuration('-3', opt), -3000);
    assert.equal(parseDuration('+3', opt), 3000);
    assert.equal(parseDuration('0', opt), 0);
    assert.equal(parseDuration('-0', opt), 0);
    assert.ok(Object.is(parseDuration('-0.0001', opt), 0)); // rounds to 0, never −0
    assert.equal(parseDuration('1m30s', opt), 90_000);
    assert.equal(parseDuration('0.0015', opt), 2); // 1.5 ms rounds to whole ms
  });
  it('still rejects junk, and mentions plain seconds in the message', () => {
    for (const s of ['', '-', '.', '1e3', '15x', 's', '--1', '1,5'])
      assert.throws(() => parseDuration(s, opt), InvalidInputError, s);
    assert.throws(() => parseDuration('abc', opt), { message: /or plain seconds such as "15"/ });
  });
  it('is off by default', () => {
    assert.throws(() => parseDuration('15'), InvalidInputError);
  });
});

describe('timer-safe durations', () => {
  it('accepts up to 2^31 − 1 ms and rejects more, only when asked', () => {
    assert.equal(MAX_TIMER_MS, 2_147_483_647);
    assert.equal(parseDuration('24d', { timerSafe: true }), 24 * 86_400_000);
    assert.equal(parseDuration('2147483647ms', { timerSafe: true }), MAX_TIMER_MS);
    assert.throws(() => parseDuration('2147483648ms', { timerSafe: true }), {
      name: 'InvalidInputError',
      message: /"2147483648ms" must be between 0 and 2147483647 ms/,
    });
    assert.throws(() => parseDuration('25d', { timerSafe: true }), InvalidInputError);
    assert.throws(() => parseDuration('-1', { bareSeconds: true, timerSafe: true }), InvalidInputError);
    assert.equal(parseDuration('25d'), 25 * 86_400_000); // without the option: config semantics unchanged
  });
  it('timerSafe checks a number and names it', () => {
    assert.equal(timerSafe(0, '--tick'), 0);
    assert.equal(timerSafe(MAX_TIMER_MS, '--tick'), MAX_TIMER_MS);
    for (const v of [-1, MAX_TIMER_MS + 1, Number.NaN, Number.POSITIVE_INFINITY]) {
      assert.throws(() => timerSafe(v, '--tick'), {
        name: 'InvalidInputError',
        message: /^--tick must be between/,
      });
    }
  });
});

describe('formatDuration', () => {
  it('is the inverse of parseDuration', () => {
    assert.equal(formatDuration(0), '0ms');
    assert.equal(formatDuration(500), '500ms');
    assert.equal(formatDuration(90_000), '1m30s');
    assert.equal(formatDuration(86_400_000 + 3_600_000 + 60_000 + 1000 + 1), '1d1h1m1s1ms');
    assert.equal(formatDuration(1499.6), '1s500ms');
    for (const v of [-1, Number.NaN, Number.POSITIVE_INFINITY])
      assert.throws(() => formatDuration(v), InvalidInputError);
  });
});

describe('parseDuration: properties (fast-check)', () => {
  /** A well-formed duration: a non-empty ordered subset of units with integer or decimal values. */
  const partsArb = fc.subarray(UNITS, { minLength: 1 }).chain((units) =>
    fc.tuple(
      fc.constant(units),
      fc.array(
        fc.tuple(fc.nat({ max: 100_000 }), fc.option(fc.stringMatching(/^\d{1,4}$/), { nil: undefined })),
        {
          minLength: units.length,
          maxLength: units.length,
        },
      ),
    ),
  );

  it('sums well-formed parts (integer and decimal values, any subset of units in order)', () => {
    fc.assert(
      fc.property(partsArb, ([units, values]) => {
        let text = '';
        let expected = 0;
        units.forEach((u, i) => {
          const [whole, frac] = values[i]!;
          const num = frac === undefined ? `${whole}` : `${whole}.${frac}`;
          text += num + u;
          expected += Number(num) * DURATION_UNITS_MS[u];
        });
        assert.equal(parseDuration(text), Math.round(expected));
      }),
      FC,
    );
  });

  it('round-trips formatDuration for every safe non-negative integer', () => {
    fc.assert(
      fc.property(fc.maxSafeNat(), (ms) => {
        assert.equal(parseDuration(formatDuration(ms)), ms);
      }),
      FC,
    );
  });

  it('rejects parts out of order or repeated', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...UNITS),
        fc.constantFrom(...UNITS),
        fc.nat(1000),
        fc.nat(1000),
        (a, b, x, y) => {
          fc.pre(UNITS.indexOf(a) >= UNITS.indexOf(b));
          assert.throws(() => parseDuration(`${x}${a}${y}${b}`), InvalidInputError);
        },
      ),
      FC,
    );
  });

  it('plain seconds read as Number(text) × 1000, rounded', () => {
    fc.assert(
      fc.property(fc.double({ min: -1e12, max: 1e12, noNaN: true }), (x) => {
        const text = x.toFixed(6); // no exponent form
        assert.equal(parseDuration(text, { bareSeconds: true }), Math.round(Number(text) * 1000) || 0);
      }),
      FC,
    );
  });

  it('any text: a finite whole number of ms or InvalidInputError naming the input, nothing else', () => {
    const alphabet = fc.constantFrom(...'0123456789.+-ymwdhs  xé\n'.split(''));
    const textArb = fc.oneof(
      fc.string({ unit: alphabet, maxLength: 24 }),
      fc.string({ maxLength: 24 }),
      fc.string({ unit: 'grapheme', maxLength: 24 }),
    );
    fc.assert(
      fc.property(textArb, fc.boolean(), fc.boolean(), (text, bareSeconds, timerSafeOpt) => {
        let ms: number;
        try {
          ms = parseDuration(text, { bareSeconds, timerSafe: timerSafeOpt });
        } catch (e) {
          assert.ok(e instanceof InvalidInputError, `unexpected ${String(e)}`);
          assert.ok(e.message.length < 300, e.message);
          if (text.trim() !== '')
            assert.ok(
              e.message.includes(JSON.stringify(text.slice(0, 40)).slice(1, -1)) ||
                e.message.includes('too large'),
              e.message,
            );
          return;
        }
        assert.ok(Number.isInteger(ms), `${text} -> ${ms}`);
        assert.ok(!Object.is(ms, -0));
        if (!bareSeconds) assert.ok(ms >= 0);
        if (timerSafeOpt) assert.ok(ms >= 0 && ms <= MAX_TIMER_MS);
      }),
      { ...FC, numRuns: 5000 },
    );
  });
});
