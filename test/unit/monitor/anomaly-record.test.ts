import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { scoreOnlyVerdict, type Verdict } from '../../../src/analysis/anomaly/detector.ts';
import { getMetric, type MetricName } from '../../../src/catalog/index.ts';
import { physicalRange } from '../../../src/catalog/impact.ts';
import type { MetricKind } from '../../../src/model/anomaly.ts';
import { anomalySummary } from '../../../src/model/anomaly-summary.ts';
import { severityRank } from '../../../src/model/dwcp.ts';
import { anomalyOf, targetDownAnomaly } from '../../../src/monitor/anomaly-record.ts';
import type { DetectionInput } from '../../../src/monitor/series-tracker.ts';

function input(
  name: MetricName,
  value: number,
  transform: DetectionInput['transform'] = 'value',
  kind?: MetricKind,
): DetectionInput {
  const def = getMetric(name);
  return {
    key: `${name}{node_id="n1"}`,
    metric: name,
    labels: { node_id: 'n1', region: 'eu-west', instance: '127.0.0.1:9101', job: 'dwcp' },
    value,
    timestampMs: 1000,
    kind: kind ?? def.anomalyKind,
    transform,
    def,
  };
}

function verdict(over: Partial<Verdict>): Verdict {
  return {
    anomalous: true,
    score: 0.99,
    expected: 0,
    lower: 0,
    upper: 0,
    deviation: 0,
    confidence: 0.9,
    severity: 'low',
    warmingUp: false,
    resolved: false,
    ...over,
  };
}

describe('anomalyOf: severity from impact, bands in range', () => {
  it('15 sigma on a latency outside its band is critical whatever the detector said; its negative lower bound is clamped to 0', () => {
    const a = anomalyOf(
      input('dwcp_v3_mode_latency_seconds', 60, 'mean'),
      verdict({ expected: 2.4, lower: -16.86, upper: 21.69, deviation: 15, severity: 'low' }),
      900,
      1000,
      'ensemble',
    );
    assert.equal(a.severity, 'critical');
    assert.deepEqual([a.expected, a.lower, a.upper], [2.4, 0, 21.69]);
    assert.equal(a.deviation, 15);
  });

  it('a detector without a value band (score only): deviation unknown (NaN), severity low — never critical at 0 sigma', () => {
    const a = anomalyOf(
      input('dwcp_v3_resource_utilization_percent', 54),
      scoreOnlyVerdict(1, true, 'critical', false),
      900,
      1000,
      'ensemble',
    );
    assert.equal(a.severity, 'low');
    assert.ok(
      Number.isNaN(a.deviation) && Number.isNaN(a.expected) && Number.isNaN(a.lower) && Number.isNaN(a.upper),
    );
  });

  it('a value inside its own band is low however large the deviation a member reported', () => {
    const a = anomalyOf(
      input('dwcp_v3_component_latency_seconds', 0.9, 'mean'),
      verdict({ expected: 0.027, lower: -1.77, upper: 1.82, deviation: 8.2 }),
      900,
      1000,
      'ensemble',
    );
    assert.equal(a.lower, 0);
    assert.equal(a.severity, 'low');
  });

  it('a ratio band stays in [0, 1]; a compression ratio (original/compressed) only >= 0', () => {
    const r = anomalyOf(
      input('dwcp_v3_delta_hit_ratio', 0.2),
      verdict({ expected: 0.8, lower: 0.5, upper: 1.1, deviation: -6 }),
      0,
      1,
      'd',
    );
    assert.deepEqual([r.lower, r.upper], [0.5, 1]);
    const c = anomalyOf(
      input('dwcp_v3_compression_ratio', 1.2),
      verdict({ expected: 2.6, lower: 1.9, upper: 3.3, deviation: -6 }),
      0,
      1,
      'd',
    );
    assert.deepEqual([c.lower, c.upper], [1.9, 3.3]);
    // Compression is low criticality: low below 8 sigma, medium above, never higher — and medium for a change of
    // a quarter or more of the expected value (2.6 -> 1.2 is 54 %) at any deviation outside the band.
    assert.equal(c.severity, 'medium');
    assert.equal(
      anomalyOf(
        input('dwcp_v3_compression_ratio', 2.2),
        verdict({ expected: 2.6, lower: 2.3, upper: 2.9, deviation: -6 }),
        0,
        1,
        'd',
      ).severity,
      'low',
    );
    assert.equal(
      anomalyOf(
        input('dwcp_v3_compression_ratio', 1.2),
        verdict({ expected: 2.6, lower: 1.9, upper: 3.3, deviation: -40 }),
        0,
        1,
        'd',
      ).severity,
      'medium',
    );
  });

  it('property: severity is monotone in |deviation| and the band lies in the physical range, for any verdict', () => {
    const names: MetricName[] = [
      'dwcp_v3_mode_latency_seconds',
      'dwcp_v3_delta_hit_ratio',
      'dwcp_v3_resource_utilization_percent',
      'dwcp_v3_component_errors_total',
      'dwcp_v3_compression_ratio',
    ];
    fc.assert(
      fc.property(
        fc.constantFrom(...names),
        fc.double({ min: -1e6, max: 1e6, noNaN: true }),
        fc.double({ min: 0, max: 1e6, noNaN: true }),
        fc.double({ min: 0, max: 1e3, noNaN: true }),
        fc.double({ min: 0, max: 1e3, noNaN: true }),
        (name, expected, half, z1, z2) => {
          const def = getMetric(name);
          const transform = def.type === 'counter' ? 'rate' : def.type === 'histogram' ? 'mean' : 'value';
          const inp = input(name, expected + 2 * half + 1, transform);
          const band = { expected, lower: expected - half, upper: expected + half };
          const [lo, hi] = z1 <= z2 ? [z1, z2] : [z2, z1];
          const a = anomalyOf(inp, verdict({ ...band, deviation: lo }), 0, 1, 'd');
          const b = anomalyOf(inp, verdict({ ...band, deviation: hi }), 0, 1, 'd');
          const r = transform === 'rate' ? { min: 0, max: Number.POSITIVE_INFINITY } : physicalRange(def);
          const inRange = [a.expected, a.lower, a.upper].every((v) => v >= r.min && v <= r.max);
          return (
            inRange &&
            severityRank(a.severity) <= severityRank(b.severity) &&
            (lo > 0 || a.severity === 'low')
          );
        },
      ),
    );
  });
});

describe('targetDownAnomaly', () => {
  it('names its target in labels and summary; a state anomaly: no deviation, critical', () => {
    const up = {
      ...input('up', 0),
      key: 'up{instance="127.0.0.1:9102"}',
      labels: { job: 'dwcp', instance: '127.0.0.1:9102', region: 'ap-south', node: 'node-3' },
    };
    const a = targetDownAnomaly(up, 500, 1000, 'node-3');
    assert.equal(a.labels['target'], 'node-3');
    assert.equal(a.labels['instance'], '127.0.0.1:9102');
    assert.equal(a.startedAtMs, 500);
    assert.equal(a.severity, 'critical');
    assert.ok(Number.isNaN(a.deviation));
    assert.equal(
      anomalySummary(a),
      'critical: target node-3 is down (instance=127.0.0.1:9102, job=dwcp, region=ap-south): its scrapes fail (up = 0)',
    );
    // Without a target id the instance names it.
    assert.equal(
      anomalySummary(targetDownAnomaly(up, 500, 1000)),
      'critical: target 127.0.0.1:9102 is down (node=node-3, job=dwcp, region=ap-south): its scrapes fail (up = 0)',
    );
  });
});
