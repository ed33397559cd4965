import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { formatValue, significant, withPrefix } from '../../../web/src/format.ts';

describe('console number formatting', () => {
  it('reads byte rates with SI prefixes and three significant digits', () => {
    assert.equal(formatValue(2_432_200_969.649, 'bytes_per_second'), '2.43 GB/s');
    assert.equal(formatValue(999, 'bytes_per_second'), '999 B/s');
    assert.equal(formatValue(1_500_000, 'bytes'), '1.5 MB');
    assert.equal(formatValue(12.5, 'megabits_per_second'), '12.5 Mbit/s');
  });

  it('scales durations to µs, ms, s, min, h and d', () => {
    assert.equal(formatValue(0.000_25, 'seconds'), '250 µs');
    assert.equal(formatValue(0.0421, 'seconds'), '42.1 ms');
    assert.equal(formatValue(3.2, 'seconds'), '3.2 s');
    assert.equal(formatValue(600, 'seconds'), '10 min');
    assert.equal(formatValue(7200, 'seconds'), '2 h');
    assert.equal(formatValue(3 * 86_400, 'seconds'), '3 d');
    assert.equal(formatValue(250, 'milliseconds'), '250 ms');
  });

  it('shows ratios and percents as percentages, custom suffixes, counts and missing values', () => {
    assert.equal(formatValue(0.9991, 'ratio'), '99.9 %');
    assert.equal(formatValue(42, 'percent'), '42 %');
    assert.equal(formatValue(2.5, 'suffix:x'), '2.5 x');
    assert.equal(formatValue(1234, 'count'), '1.23 k');
    assert.equal(formatValue(1200, 'operations_per_second'), '1.2 kops/s');
    assert.equal(formatValue(null, 'bytes'), '–');
    assert.equal(formatValue(Number.NaN, 'seconds'), '–');
    assert.equal(formatValue(7, undefined), '7');
  });

  it('keeps negative values and zero readable', () => {
    assert.equal(withPrefix(-2_500_000, 'B'), '-2.5 MB');
    assert.equal(significant(0), '0');
    assert.equal(significant(0.001234), '0.00123');
  });
});
