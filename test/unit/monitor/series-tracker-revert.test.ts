import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { seriesKey, type Sample } from '../../../src/model/sample.ts';
import { SeriesTracker, type AdmitResult } from '../../../src/monitor/series-tracker.ts';

const METRIC = 'dwcp_v3_component_errors_total';

interface ModelSeries {
  lastTs: number;
  lastValue: number;
}
interface ModelChange {
  readonly series: ModelSeries;
  readonly key: string;
  readonly created: boolean;
  readonly beforeTs: number;
  readonly beforeValue: number;
  afterTs: number;
}

/**
 * The tracker's admission and revert as documented (AdmitResult.revert), with a record per changed series kept
 * as plain objects: order and duplicate checks, rates from the previous sample, and a revert that restores the
 * series a later admission has not moved on.
 */
class Model {
  readonly series = new Map<string, ModelSeries>();
  admit(batch: readonly Sample[]): {
    admitted: Sample[];
    rejected: Record<string, number>;
    rates: number[];
    revert: () => void;
    settle: () => void;
  } {
    const changes: ModelChange[] = [];
    const seen = new Set<ModelSeries>();
    const rejected: Record<string, number> = {};
    const rates: number[] = [];
    const admitted: Sample[] = [];
    for (const s of batch) {
      const key = seriesKey(s.name, s.labels);
      let st = this.series.get(key);
      if (st && s.timestampMs <= st.lastTs) {
        const r = s.timestampMs === st.lastTs ? 'duplicate' : 'out_of_order';
        rejected[r] = (rejected[r] ?? 0) + 1;
        continue;
      }
      if (!st) {
        st = { lastTs: Number.NEGATIVE_INFINITY, lastValue: Number.NaN };
        this.series.set(key, st);
        changes.push({
          series: st,
          key,
          created: true,
          beforeTs: st.lastTs,
          beforeValue: st.lastValue,
          afterTs: 0,
        });
        seen.add(st);
      } else if (!seen.has(st)) {
        changes.push({
          series: st,
          key,
          created: false,
          beforeTs: st.lastTs,
          beforeValue: st.lastValue,
          afterTs: 0,
        });
        seen.add(st);
      }
      admitted.push(s);
      const prevTs = st.lastTs;
      const prevValue = st.lastValue;
      st.lastTs = s.timestampMs;
      st.lastValue = s.value;
      if (Number.isFinite(prevValue)) {
        const inc = s.value >= prevValue ? s.value - prevValue : s.value;
        rates.push(inc / ((s.timestampMs - prevTs) / 1000));
      }
    }
    for (const c of changes) c.afterTs = c.series.lastTs;
    let done = false;
    const settle = (): void => {
      done = true;
    };
    const revert = (): void => {
      if (done) return;
      done = true;
      for (const c of changes) {
        if (this.series.get(c.key) !== c.series || c.series.lastTs !== c.afterTs) continue;
        if (c.created) this.series.delete(c.key);
        else {
          c.series.lastTs = c.beforeTs;
          c.series.lastValue = c.beforeValue;
        }
      }
    };
    return { admitted, rejected, rates, revert, settle };
  }
}

const op = fc.oneof(
  {
    weight: 3,
    arbitrary: fc.record({
      kind: fc.constant('admit' as const),
      samples: fc.array(
        fc.record({
          node: fc.constantFrom('n1', 'n2', 'n3'),
          t: fc.integer({ min: 0, max: 12 }),
          value: fc.integer({ min: 0, max: 100 }),
        }),
        { maxLength: 8 },
      ),
    }),
  },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('revert' as const), which: fc.nat() }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('settle' as const), which: fc.nat() }) },
);

test('admissions, reverts and settles (in any order, repeated) agree with the documented model on random sequences', () => {
  fc.assert(
    fc.property(fc.array(op, { maxLength: 25 }), (ops) => {
      const tr = new SeriesTracker(1000);
      const model = new Model();
      const done: { real: AdmitResult; model: ReturnType<Model['admit']> }[] = [];
      for (const o of ops) {
        if (o.kind !== 'admit') {
          if (done.length === 0) continue;
          const d = done[o.which % done.length]!;
          // a settled admission's change records are reused by later ones: its revert must not touch them
          if (o.kind === 'revert') {
            d.real.revert();
            d.model.revert();
          } else {
            d.real.settle();
            d.model.settle();
          }
          continue;
        }
        const batch: Sample[] = o.samples.map((x) => ({
          name: METRIC,
          labels: { node_id: x.node, component: 'amst', error_type: 'e' },
          value: x.value,
          timestampMs: 1000 * x.t,
        }));
        const real = tr.admit(batch, { source: 'a' });
        const m = model.admit(batch);
        assert.deepEqual(real.admitted, m.admitted);
        assert.equal(real.keys.length, m.admitted.length);
        // every sample admitted: the batch itself, not a copy
        if (m.admitted.length === batch.length) assert.equal(real.admitted, batch);
        assert.deepEqual(real.rejected, m.rejected);
        assert.deepEqual(
          real.inputs.map((i) => i.value),
          m.rates,
        );
        assert.equal(tr.size, model.series.size);
        done.push({ real, model: m });
      }
    }),
    { numRuns: 400 },
  );
});
