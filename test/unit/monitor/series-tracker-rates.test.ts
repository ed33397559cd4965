import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import type { MetricDef } from '../../../src/catalog/types.ts';
import type { Direction, MetricKind } from '../../../src/model/anomaly.ts';
import { seriesKey, type Labels, type Sample } from '../../../src/model/sample.ts';
import { rateInput, rateInputOf, type DetectionInput } from '../../../src/monitor/detection-input.ts';
import { SeriesTracker } from '../../../src/monitor/series-tracker.ts';

/** The rate input as it was built before the per-series key (a key string and spread optional fields per sample). */
function reference(
  s: Sample,
  prevTs: number,
  prevValue: number,
  metric: string,
  kind: MetricKind,
  def: MetricDef | undefined,
  inferred: string | undefined,
  key: string,
  direction?: Direction,
): DetectionInput {
  const dt = (s.timestampMs - prevTs) / 1000;
  const inc = s.value >= prevValue ? s.value - prevValue : s.value;
  return {
    key: `rate(${key})`,
    metric,
    labels: s.labels,
    value: inc / dt,
    timestampMs: s.timestampMs,
    kind,
    transform: 'rate',
    def,
    ...(inferred !== undefined ? { inferred } : {}),
    ...(direction !== undefined ? { direction } : {}),
  };
}

const NAMES = [
  'dwcp_v3_component_errors_total', // catalog counter
  'my_requests_total', // outside the catalog: generic rate, or inferred
  'node_cpu_seconds_total', // node_exporter name: inferred
  'dwcp_v3_compression_ratio', // catalog gauge (no rate)
];

const batchArb = fc.array(
  fc.record({
    name: fc.constantFrom(...NAMES),
    node: fc.constantFrom('n1', 'n2'),
    mode: fc.constantFrom('user', 'idle'),
    value: fc.oneof(
      { weight: 10, arbitrary: fc.integer({ min: 0, max: 1000 }) },
      { weight: 1, arbitrary: fc.constantFrom(Number.NaN, Number.POSITIVE_INFINITY) },
    ),
    dt: fc.integer({ min: -1, max: 3 }),
  }),
  { maxLength: 12 },
);

test('rate inputs with the per-series key equal the per-sample built ones on random batches', () => {
  fc.assert(
    fc.property(fc.array(batchArb, { maxLength: 8 }), fc.boolean(), (batches, inference) => {
      const tr = new SeriesTracker(100, { inference: { enabled: inference } });
      const last = new Map<string, { ts: number; value: number }>();
      let t = 1000;
      for (const raw of batches) {
        t += 1000;
        const batch: Sample[] = raw.map((r): Sample => ({
          name: r.name,
          labels: (r.name === 'node_cpu_seconds_total'
            ? { cpu: '0', mode: r.mode, node: r.node }
            : { node_id: r.node }) as Labels,
          value: r.value,
          timestampMs: t + r.dt * 250,
        }));
        const res = tr.admit(batch, { source: 'a' });
        const expected = new Map<string, DetectionInput>();
        for (const s of res.admitted) {
          const key = seriesKey(s.name, s.labels);
          const prev = last.get(key);
          last.set(key, { ts: s.timestampMs, value: s.value });
          const got = res.inputs.find((i) => i.key === `rate(${key})` && i.timestampMs === s.timestampMs);
          if (got === undefined) continue;
          assert.ok(prev !== undefined && Number.isFinite(prev.value) && Number.isFinite(s.value));
          expected.set(
            `${got.key}@${s.timestampMs}`,
            reference(
              s,
              prev.ts,
              prev.value,
              got.metric,
              got.kind,
              got.def,
              got.inferred,
              key,
              got.direction,
            ),
          );
        }
        for (const i of res.inputs)
          if (i.transform === 'rate') assert.deepEqual(i, expected.get(`${i.key}@${i.timestampMs}`));
      }
    }),
    { numRuns: 300 },
  );
});

test('rateInputOf with the key given equals rateInput, optional fields only when set', () => {
  fc.assert(
    fc.property(
      fc.double({ noNaN: false }),
      fc.double(),
      fc.integer({ min: 1, max: 10_000 }),
      fc.option(fc.constant('inferred because'), { nil: undefined }),
      fc.option(fc.constantFrom<Direction>('up', 'down', 'both'), { nil: undefined }),
      (value, prevValue, dt, inferred, direction) => {
        const s: Sample = { name: 'x_total', labels: { a: '1' }, value, timestampMs: 5000 + dt };
        const key = seriesKey(s.name, s.labels);
        const a = rateInputOf(
          `rate(${key})`,
          s,
          5000,
          prevValue,
          'x',
          'generic',
          undefined,
          inferred,
          direction,
        );
        assert.deepEqual(
          a,
          reference(s, 5000, prevValue, 'x', 'generic', undefined, inferred, key, direction),
        );
        assert.deepEqual(
          a,
          rateInput(s, 5000, prevValue, 'x', 'generic', undefined, inferred, key, direction),
        );
        assert.deepEqual(
          Object.keys(a),
          Object.keys(reference(s, 5000, prevValue, 'x', 'generic', undefined, inferred, key, direction)),
        );
      },
    ),
    { numRuns: 300 },
  );
});
