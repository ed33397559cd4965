import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import {
  BlockTrend,
  blockMeanAutocorrelation,
  hamedRaoFactor,
} from '../../../../src/analysis/anomaly/drift-trend.ts';

describe('drift-trend: Mann–Kendall on block means', () => {
  it('gives the textbook Z and Sen slope for a monotone series and 0 until every block is filled', () => {
    const t = new BlockTrend(2, 12);
    for (let i = 0; i < 22; i++) t.add(i, 0);
    assert.equal(t.current.z, 0);
    t.add(22, 0);
    t.add(23, 0);
    // S = 66 of 66 pairs, Var = 12·11·29/18 = 212.67: Z = 65/14.58 = 4.457; slope 2 per block.
    assert.ok(Math.abs(t.current.z - 65 / Math.sqrt((12 * 11 * 29) / 18)) < 1e-9);
    assert.equal(t.current.slope, 2);
    assert.equal(t.current.recentSlope, 2);
    assert.ok(t.current.recentZ > 2);
  });

  it('keeps at most `blocks` means (a bounded ring) and round-trips its state', () => {
    const t = new BlockTrend(1, 4);
    for (let i = 0; i < 1000; i++) t.add(i % 7, 0);
    const st = t.state();
    assert.equal(st.means.length, 4);
    const u = new BlockTrend(1, 4);
    u.setState(JSON.parse(JSON.stringify(st)), 0);
    assert.deepEqual(u.current, t.current);
    assert.deepEqual(u.state(), st);
    assert.throws(() => u.setState({ ...st, means: [1, 2, 3, 4, 5] }, 0), /means/);
    assert.throws(() => new BlockTrend(1, 3), /blocks/);
  });

  it('inflates the variance for correlated block means (Hamed–Rao) and not for white ones', () => {
    assert.equal(hamedRaoFactor(12, 0), 1);
    assert.ok(hamedRaoFactor(12, 0.5) > 1.5);
    assert.equal(blockMeanAutocorrelation(0, 16), 0);
    const r = blockMeanAutocorrelation(0.6, 32);
    assert.ok(r > 0.02 && r < 0.05, String(r));
  });
});
