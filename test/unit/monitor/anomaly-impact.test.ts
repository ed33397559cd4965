import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { CRITICALITIES, type Criticality } from '../../../src/catalog/types.ts';
import { getMetric } from '../../../src/catalog/index.ts';
import { severityRank } from '../../../src/model/dwcp.ts';
import {
  badDirectionOfInput,
  clampBand,
  criticalityOfInput,
  rangeOfInput,
  relativeChange,
  SEVERITY_THRESHOLDS,
  severityFromImpact,
  stateSeverity,
  UNBOUNDED,
} from '../../../src/monitor/anomaly-impact.ts';

const crit = fc.constantFrom(...CRITICALITIES);
const rank = (c: Criticality): number => CRITICALITIES.indexOf(c);
const sigma = fc.double({ min: -1e6, max: 1e6, noNaN: true });

describe('severityFromImpact', () => {
  it('property: monotone in |deviation| (same criticality, outside the band)', () => {
    fc.assert(
      fc.property(sigma, sigma, crit, (a, b, c) => {
        const [lo, hi] = Math.abs(a) <= Math.abs(b) ? [a, b] : [b, a];
        return severityRank(severityFromImpact(lo, c, true)) <= severityRank(severityFromImpact(hi, c, true));
      }),
    );
  });

  it('property: monotone in criticality (same deviation)', () => {
    fc.assert(
      fc.property(sigma, crit, crit, (z, c1, c2) => {
        const [lo, hi] = rank(c1) <= rank(c2) ? [c1, c2] : [c2, c1];
        return severityRank(severityFromImpact(z, lo, true)) <= severityRank(severityFromImpact(z, hi, true));
      }),
    );
  });

  it('property: never critical below 5 sigma, never above low at 0 sigma, unknown deviation or inside the band', () => {
    fc.assert(
      fc.property(
        fc.double({ min: -4.999, max: 4.999, noNaN: true }),
        crit,
        fc.boolean(),
        (z, c, outside) => {
          return (
            severityFromImpact(z, c, outside) !== 'critical' &&
            severityFromImpact(0, c, true) === 'low' &&
            severityFromImpact(Number.NaN, c, true) === 'low' &&
            severityFromImpact(z * 1e6, c, false) === 'low'
          );
        },
      ),
    );
  });

  it('the thresholds of the issue: 15 sigma on a latency (high) metric is critical; a generic count caps at medium', () => {
    assert.equal(severityFromImpact(15, 'high', true), 'critical');
    assert.equal(severityFromImpact(-15, 'high', true), 'critical');
    assert.equal(severityFromImpact(6, 'high', true), 'high');
    assert.equal(severityFromImpact(3.2, 'high', true), 'medium');
    assert.equal(severityFromImpact(2.9, 'high', true), 'low');
    assert.equal(severityFromImpact(5, 'critical', true), 'critical');
    assert.equal(severityFromImpact(1e9, 'medium', true), 'high');
    assert.equal(severityFromImpact(1e9, 'low', true), 'medium');
    for (const c of CRITICALITIES) {
      const t = SEVERITY_THRESHOLDS[c];
      assert.ok(t.medium > 0 && t.medium <= t.high && t.high <= t.critical, c);
    }
  });

  it('property: monotone in the size of the change; the size alone never makes an anomaly critical or above its criticality', () => {
    const share = fc.double({ min: 0, max: 10, noNaN: true });
    fc.assert(
      fc.property(sigma, crit, share, share, (z, c, a, b) => {
        const [lo, hi] = a <= b ? [a, b] : [b, a];
        const sLo = severityFromImpact(z, c, true, lo);
        const sHi = severityFromImpact(z, c, true, hi);
        const bySigma = severityFromImpact(z, c, true);
        const cap = severityFromImpact(1e12, c, true);
        return (
          severityRank(sLo) <= severityRank(sHi) &&
          severityRank(bySigma) <= severityRank(sLo) &&
          (sHi === bySigma || (sHi !== 'critical' && severityRank(sHi) <= severityRank(cap))) &&
          severityFromImpact(z, c, false, hi) === 'low'
        );
      }),
    );
  });

  it('a 45-point drop of dictionary efficiency (compression, low criticality) is medium, not low', () => {
    const def = getMetric('dwcp_hde_dictionary_efficiency_percent');
    const range = rangeOfInput({ transform: 'value', def, metric: def.name });
    const change = relativeChange(36.4, 81.5, range);
    assert.ok(Math.abs(change - 0.451) < 1e-3, String(change));
    assert.equal(severityFromImpact(-3.2, 'low', true), 'low');
    assert.equal(severityFromImpact(-3.2, 'low', true, change), 'medium');
    // lz4 ratio 2.6 -> 1.2 (unbounded above: share of the expected value, 0.54) on a medium metric: high.
    const ratio = relativeChange(1.2, 2.6, { min: 0, max: Number.POSITIVE_INFINITY });
    assert.equal(severityFromImpact(-5, 'medium', true, ratio), 'high');
    // A 4-point move of a percent series stays by its sigma.
    assert.equal(severityFromImpact(-3.5, 'medium', true, relativeChange(54.5, 58.7, range)), 'low');
    assert.ok(Number.isNaN(relativeChange(1, 0, UNBOUNDED)));
  });

  it('a state anomaly takes the criticality of its metric', () => {
    assert.equal(stateSeverity('critical'), 'critical');
    assert.equal(stateSeverity('medium'), 'medium');
  });
});

describe('bands in the physical range', () => {
  const range = fc.constantFrom(
    { min: 0, max: Number.POSITIVE_INFINITY },
    { min: 0, max: 1 },
    { min: 0, max: 100 },
    { min: 0, max: 2 },
  );
  it('property: every clamped finite bound lies in the range; lower <= upper is kept; NaN stays NaN', () => {
    fc.assert(
      fc.property(
        range,
        fc.double({ noNaN: true, min: -1e12, max: 1e12 }),
        fc.double({ min: 0, max: 1e12, noNaN: true }),
        fc.boolean(),
        (r, mid, half, noBand) => {
          const b = clampBand(
            noBand
              ? { expected: Number.NaN, lower: Number.NaN, upper: Number.NaN }
              : { expected: mid, lower: mid - half, upper: mid + half },
            r,
          );
          if (noBand) return Number.isNaN(b.expected) && Number.isNaN(b.lower) && Number.isNaN(b.upper);
          return (
            [b.expected, b.lower, b.upper].every((v) => v >= r.min && v <= r.max) &&
            b.lower <= b.expected &&
            b.expected <= b.upper
          );
        },
      ),
    );
  });

  it('the band of the issue: latency [-16.86, 21.69] s becomes [0, 21.69]', () => {
    assert.deepEqual(
      clampBand({ expected: 2.4, lower: -16.86, upper: 21.69 }, { min: 0, max: Number.POSITIVE_INFINITY }),
      { expected: 2.4, lower: 0, upper: 21.69 },
    );
  });

  it('ranges of detection inputs: catalog unit or metric range, rates >= 0, unit suffix outside the catalog, else unbounded', () => {
    const lat = getMetric('dwcp_v3_mode_latency_seconds');
    const ratio = getMetric('dwcp_v3_delta_hit_ratio');
    const compression = getMetric('dwcp_v3_compression_ratio');
    const util = getMetric('dwcp_v3_resource_utilization_percent');
    assert.deepEqual(rangeOfInput({ metric: 'm', transform: 'mean', def: lat }), {
      min: 0,
      max: Number.POSITIVE_INFINITY,
    });
    assert.deepEqual(rangeOfInput({ metric: 'm', transform: 'value', def: ratio }), { min: 0, max: 1 });
    assert.deepEqual(rangeOfInput({ metric: 'm', transform: 'value', def: compression }), {
      min: 0,
      max: Number.POSITIVE_INFINITY,
    });
    assert.deepEqual(rangeOfInput({ metric: 'm', transform: 'value', def: util }), { min: 0, max: 100 });
    assert.deepEqual(
      rangeOfInput({ metric: 'm', transform: 'rate', def: getMetric('dwcp_v3_component_errors_total') }),
      { min: 0, max: Number.POSITIVE_INFINITY },
    );
    assert.equal(rangeOfInput({ metric: 'm', transform: 'value', def: undefined }), UNBOUNDED);
    assert.deepEqual(rangeOfInput({ metric: 'node_memory_used_ratio', transform: 'value', def: undefined }), {
      min: 0,
      max: 1,
    });
    assert.deepEqual(
      rangeOfInput({ metric: 'myapp_disk_used_percent', transform: 'value', def: undefined }),
      { min: 0, max: 100 },
    );
    assert.deepEqual(
      rangeOfInput({ metric: 'http_request_duration_seconds', transform: 'mean', def: undefined }),
      { min: 0, max: Number.POSITIVE_INFINITY },
    );
    assert.deepEqual(
      rangeOfInput({ metric: 'myapp_uplink_bytes_per_second', transform: 'value', def: undefined }),
      { min: 0, max: Number.POSITIVE_INFINITY },
    );
    assert.equal(criticalityOfInput({ def: lat, kind: 'latency' }), 'high');
    assert.equal(criticalityOfInput({ def: getMetric('up'), kind: 'generic' }), 'critical');
    assert.equal(criticalityOfInput({ def: undefined, kind: 'compression' }), 'low');
  });
});

describe('badDirectionOfInput', () => {
  it("catalog series: the catalog's (per label, per metric, per kind); others: their inference's, else the kind's", () => {
    const util = getMetric('dwcp_v3_resource_utilization_percent');
    assert.equal(
      badDirectionOfInput({ def: util, kind: 'utilization', labels: { resource_type: 'network' } }),
      'down',
    );
    assert.equal(
      badDirectionOfInput({ def: util, kind: 'utilization', labels: { resource_type: 'cpu' } }),
      'up',
    );
    assert.equal(
      badDirectionOfInput({
        def: getMetric('dwcp_v3_mode_throughput_bytes_per_second'),
        kind: 'bandwidth',
        labels: {},
      }),
      'down',
    );
    assert.equal(
      badDirectionOfInput({ def: getMetric('dwcp_v3_sync_latency_seconds'), kind: 'latency', labels: {} }),
      'up',
    );
    // A catalog series ignores a direction on the input: the catalog is the one source for its metrics.
    assert.equal(
      badDirectionOfInput({
        def: getMetric('dwcp_v3_sync_latency_seconds'),
        kind: 'latency',
        labels: {},
        direction: 'down',
      }),
      'up',
    );
    assert.equal(
      badDirectionOfInput({ def: undefined, kind: 'bandwidth', labels: {}, direction: 'down' }),
      'down',
    );
    assert.equal(badDirectionOfInput({ def: undefined, kind: 'bandwidth', labels: {} }), 'both');
  });
});
