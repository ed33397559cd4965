import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { fmtDateTime, rangeNamed, windowOf } from '../../../web/src/timeWindow.ts';

describe('console time window', () => {
  it('reads an absolute from/to window before the range', () => {
    const w = windowOf(new URLSearchParams('from=1000&to=5000&range=15m'), 10_000_000);
    assert.deepEqual(w, { fromMs: 1000, toMs: 5000 });
  });

  it('reads a relative range ending now, 1h when absent or unknown', () => {
    assert.deepEqual(windowOf(new URLSearchParams('range=15m'), 10_000_000), {
      fromMs: 10_000_000 - 900_000,
      toMs: 10_000_000,
    });
    assert.deepEqual(windowOf(new URLSearchParams('range=3y'), 10_000_000), {
      fromMs: 10_000_000 - 3_600_000,
      toMs: 10_000_000,
    });
    assert.deepEqual(windowOf(new URLSearchParams('from=9&to=2'), 10_000_000), {
      fromMs: 10_000_000 - 3_600_000,
      toMs: 10_000_000,
    });
  });

  it('names ranges with a fallback', () => {
    assert.equal(rangeNamed('7d', '5m').ms, 7 * 86_400_000);
    assert.equal(rangeNamed(null, '5m').name, '5m');
    assert.equal(rangeNamed('bogus', 'bogus').name, '5m');
  });
});

describe('fmtDateTime', () => {
  const t = Date.UTC(2026, 11, 6, 7, 13, 47, 250);
  it('puts the milliseconds on the seconds, also in 12-hour locales', () => {
    const us = fmtDateTime(t, 'en-US');
    assert.match(us, /\d:\d{2}:47\.250\s?[AP]M$/, us);
    assert.doesNotMatch(us, /[AP]M\.\d/, us);
    const gb = fmtDateTime(t, 'en-GB');
    assert.match(gb, /\d{1,2}:\d{2}:47\.250$/, gb);
  });
});
