import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { criticalityOf, KIND_CRITICALITY, physicalRange, UNIT_RANGES } from '../../../src/catalog/impact.ts';
import { CATALOG, getMetric } from '../../../src/catalog/index.ts';
import { CRITICALITIES } from '../../../src/catalog/types.ts';
import { METRIC_KINDS } from '../../../src/model/anomaly.ts';

describe('catalog: physical ranges and criticality', () => {
  it('every metric has a range with min <= max and min >= 0 (no DWCP metric can be negative)', () => {
    for (const m of CATALOG) {
      const r = physicalRange(m);
      assert.ok(r.min <= r.max && r.min >= 0, `${m.name}: [${r.min}, ${r.max}]`);
    }
  });

  it('units: ratio [0, 1], percent [0, 100], durations and counts >= 0', () => {
    assert.deepEqual(UNIT_RANGES.ratio, { min: 0, max: 1 });
    assert.deepEqual(UNIT_RANGES.percent, { min: 0, max: 100 });
    assert.deepEqual(UNIT_RANGES.seconds, { min: 0, max: Number.POSITIVE_INFINITY });
    assert.deepEqual(physicalRange(getMetric('dwcp_v3_resource_utilization_percent')), { min: 0, max: 100 });
  });

  it('metrics whose help gives a scale get that range (0..1, 0..2, 0/1, original/compressed)', () => {
    for (const m of CATALOG) {
      const r = physicalRange(m);
      if (/\(0\.\.1[,)]/.test(m.help)) assert.deepEqual(r, { min: 0, max: 1 }, m.name);
      if (/0 down, 1 degraded, 2 healthy/.test(m.help)) assert.deepEqual(r, { min: 0, max: 2 }, m.name);
      if (/original ?\/ ?compressed|standard time \/ DWCP time/.test(m.help))
        assert.equal(r.max, Number.POSITIVE_INFINITY, m.name);
    }
    assert.deepEqual(physicalRange(getMetric('up')), { min: 0, max: 1 });
  });

  it('every kind has a criticality; per-metric exceptions say why; up is critical', () => {
    for (const k of METRIC_KINDS) assert.ok(CRITICALITIES.includes(KIND_CRITICALITY[k]), k);
    for (const m of CATALOG) if (m.criticality) assert.ok(m.criticality.why.length > 20, m.name);
    assert.equal(criticalityOf(getMetric('up'), 'generic'), 'critical');
    assert.equal(criticalityOf(getMetric('dwcp_v3_mode_latency_seconds'), 'latency'), 'high');
    assert.equal(criticalityOf(undefined, 'bandwidth'), 'medium');
  });
});
