/**
 * The store contract against a real Debian VictoriaMetrics (`storage.type: victoriametrics`): the sample part
 * that applies to a remote time-series database, each test on a fresh VictoriaMetrics, and the anomaly and
 * detector-state parts (kept in the SQLite state store beside it). Left out of the sample part, by the
 * database's design (src/remote-store/sample-store.ts): duplicates across batches (the monitor's tracker drops
 * them before the store), NaN round-trips (VictoriaMetrics drops NaN samples; tested below instead), deletion
 * by `applyRetention` (the database's `-retentionPeriod` does it). VictoriaMetrics lists series in key order;
 * in the contract's findSeries case key order is also creation order.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { StoreError } from '../../../src/errors.ts';
import { requireBinary } from '../../helpers/binaries.ts';
import { anomalyStoreContract } from '../../helpers/store-contract-anomalies.ts';
import { detectorStateStoreContract } from '../../helpers/store-contract-detector-states.ts';
import { sampleStoreContract } from '../../helpers/store-contract-samples.ts';
import { sample, T0, type StoreUnderTest } from '../../helpers/store-fixtures.ts';
import { backendHarness, type ContractTest } from '../../helpers/store-suite.ts';
import {
  startVictoriaMetrics,
  victoriaStoreUnderTest,
  type VictoriaMetricsInstance,
} from '../../helpers/victoria-metrics.ts';

const binary = requireBinary('victoria-metrics');
const skip = binary ? undefined : 'victoria-metrics binary not found (outside CI)';

/** The sample-part cases that apply to a remote time-series database (names as the contract registers them). */
const SAMPLE_CASES = [
  'stores out-of-order samples (the monitor drops them, not the store) and reads them in time order',
  'rejects a fractional timestamp before writing anything',
  'skips rejected samples and stores each sample with its own series, ts and value',
  'searches metric names case-insensitively with literal % and _, in byte order',
  'findSeries matches every label in creation order and honours the limit; refs are copies',
  'a sample whose name or labels hold NUL is rejected as invalid_text; the rest of the batch is stored',
  'a zero reads back as +0 whatever its sign (samples and anomaly fields)',
  'retention needs a finite time',
  'after close, sample operations fail with StoreError; close is idempotent',
  'bucketed reads: one point per minute or hour bucket at its last millisecond, with its last value or mean',
];

describe('store contract, sample part (VictoriaMetrics, a fresh one per test)', () => {
  let current: VictoriaMetricsInstance | undefined;
  const h = backendHarness<
    { allowNonFinite?: boolean },
    StoreUnderTest,
    {
      open: (o: { allowNonFinite?: boolean }) => Promise<StoreUnderTest>;
      skip?: string;
      cleanup: () => Promise<void>;
    }
  >(
    () =>
      Promise.resolve({
        ...(skip ? { skip } : {}),
        // Tests run one after another and open one store each: the previous test's VictoriaMetrics is done.
        open: async (o) => {
          await current?.stop();
          current = await startVictoriaMetrics(binary!);
          return victoriaStoreUnderTest(current, o);
        },
        cleanup: async () => {
          await current?.stop();
        },
      }),
    (st) => st.samples.close(),
  );
  const registered: string[] = [];
  const test: ContractTest = (name, fn) => {
    if (!SAMPLE_CASES.includes(name)) return;
    registered.push(name);
    h.test(name, fn);
  };
  sampleStoreContract(test, (o = {}) => h.open(o));
  it('every listed case exists in the contract', () => assert.deepEqual(registered, SAMPLE_CASES));
});

describe('store contract, anomaly and detector-state parts (SQLite state store beside VictoriaMetrics)', () => {
  let vm: VictoriaMetricsInstance | undefined;
  const h = backendHarness<
    { allowNonFinite?: boolean },
    StoreUnderTest,
    {
      open: (o: { allowNonFinite?: boolean }) => Promise<StoreUnderTest>;
      skip?: string;
      cleanup: () => Promise<void>;
    }
  >(
    async () => {
      if (skip)
        return { skip, open: () => Promise.reject(new Error(skip)), cleanup: () => Promise.resolve() };
      vm = await startVictoriaMetrics(binary!);
      return { open: (o) => victoriaStoreUnderTest(vm!, o), cleanup: () => vm!.stop() };
    },
    (st) => st.samples.close(),
  );
  anomalyStoreContract(h.test, (o = {}) => h.open(o));
  detectorStateStoreContract(h.test, (o = {}) => h.open(o));
});

describe('VictoriaMetrics-specific sample semantics', { skip: skip ?? false }, () => {
  let vm: VictoriaMetricsInstance;
  before(async () => {
    vm = await startVictoriaMetrics(binary!);
  });
  after(async () => {
    await vm?.stop();
  });

  it('NaN is rejected as non_finite even when non-finite values are allowed; ±Inf are stored then', async () => {
    const { samples, store } = await victoriaStoreUnderTest(vm, { allowNonFinite: true });
    try {
      const r = await samples.append([
        sample('dwcp_vm_nf', {}, Number.NaN, T0),
        sample('dwcp_vm_nf', {}, Infinity, T0 + 1),
        sample('dwcp_vm_nf', {}, -Infinity, T0 + 2),
        sample('dwcp_vm_nf', {}, 1.5, T0 + 3),
      ]);
      assert.deepEqual(r, { stored: 3, rejected: { non_finite: 1 } });
      const [p] = await samples.readPoints(await samples.findSeries('dwcp_vm_nf', {}, 1), T0, T0 + 10, 10);
      assert.deepEqual(p!.timestampsMs, [T0 + 1, T0 + 2, T0 + 3]);
      assert.deepEqual(p!.values, [Infinity, -Infinity, 1.5]);
      const strict = await victoriaStoreUnderTest(vm);
      assert.deepEqual(await strict.samples.append([sample('dwcp_vm_nf2', {}, Infinity, T0)]), {
        stored: 0,
        rejected: { non_finite: 1 },
      });
      await strict.store.close();
    } finally {
      await store.close();
    }
  });

  it('stepped reads come from query_range: one point per minute or hour bucket at its last millisecond, with its last value', async () => {
    const { samples, store } = await victoriaStoreUnderTest(vm);
    try {
      const base = Math.floor(T0 / 3_600_000) * 3_600_000;
      const batch = [];
      for (let i = 0; i < 180; i++) batch.push(sample('dwcp_vm_step', { n: 'a' }, i, base + i * 20_000)); // 1 h at 20 s
      await samples.append(batch);
      const refs = await samples.findSeries('dwcp_vm_step', {}, 10);
      const minute = await store.readForStep(refs, base, base + 3_599_999, 60_000, 1000);
      assert.equal(minute.resolutionMs, 60_000);
      const [m] = minute.points;
      assert.equal(m!.timestampsMs.length, 60);
      assert.deepEqual(m!.timestampsMs.slice(0, 2), [base + 59_999, base + 119_999]);
      assert.deepEqual(m!.values.slice(0, 3), [2, 5, 8], 'the last sample of each minute');
      const hour = await store.readForStep(refs, base, base + 3_599_999, 3_600_000, 1000);
      assert.deepEqual(
        [hour.resolutionMs, hour.points[0]!.timestampsMs, hour.points[0]!.values],
        [3_600_000, [base + 3_599_999], [179]],
      );
      const raw = await store.readForStep(refs, base, base + 59_999, 1000, 1000);
      assert.deepEqual(
        [raw.resolutionMs, raw.points[0]!.values],
        [0, [0, 1, 2]],
        'steps under a minute read raw samples',
      );
      const latest = await store.readForStep(refs, base, base + 3_599_999, 60_000, 5);
      assert.deepEqual(
        latest.points[0]!.values,
        [167, 170, 173, 176, 179],
        'maxPointsPerSeries keeps the latest buckets',
      );
    } finally {
      await store.close();
    }
  });

  it('a query the database refuses is a StoreError naming its answer', async () => {
    const { store } = await victoriaStoreUnderTest(vm);
    try {
      const ref = { id: 1, key: 'dwcp_vm_x', name: 'dwcp_vm_x', labels: {} };
      // over -search.maxPointsPerTimeseries (30 000 points) at a 1 min step
      await assert.rejects(
        store.readForStep([ref], 0, 40_000 * 60_000, 60_000, 10),
        (e: Error) => e instanceof StoreError && /query API answered/.test(e.message),
      );
    } finally {
      await store.close();
    }
  });
});
