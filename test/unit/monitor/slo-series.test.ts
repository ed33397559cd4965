import assert from 'node:assert/strict';
import { getMetric } from '../../../src/catalog/index.ts';
import { test } from 'node:test';
import { parseSloDefinitions, sloTemplate, type Slo } from '../../../src/analysis/slo/definition.ts';
import type { Labels, Sample } from '../../../src/model/sample.ts';
import { createInsightsProvider } from '../../../src/monitor/rollout-provider.ts';
import { gateByNode } from '../../../src/monitor/slo-series.ts';
import type { SeriesPoints } from '../../../src/store/types.ts';
import { RecordingSampleStore, T0 } from '../../helpers/server-fakes.ts';

const NOW = T0 + 3_600_000; // a multiple of the 10 s step
const STEP = 10_000;
const tpl = (name: string): Slo => sloTemplate(name)!;

/** 6 scrapes at NOW − 60 s … NOW − 10 s: n1 datacenter at 3e9, n2 internet at 2e7, n3 hybrid (2e8) then datacenter (1e9). */
async function throughputStore(): Promise<RecordingSampleStore> {
  const store = new RecordingSampleStore();
  const batch: Sample[] = [];
  const add = (name: string, labels: Labels, value: number, t: number) =>
    batch.push({ name, labels, value, timestampMs: t });
  const nodes = [
    {
      node: 'n1',
      region: 'us-east',
      modes: ['datacenter', 'datacenter', 'datacenter', 'datacenter', 'datacenter', 'datacenter'],
      bps: [3e9, 3e9, 3e9, 3e9, 3e9, 3e9],
    },
    {
      node: 'n2',
      region: 'eu-west',
      modes: ['internet', 'internet', 'internet', 'internet', 'internet', 'internet'],
      bps: [2e7, 2e7, 2e7, 2e7, 2e7, 2e7],
    },
    {
      node: 'n3',
      region: 'ap-south',
      modes: ['hybrid', 'hybrid', 'hybrid', 'datacenter', 'datacenter', 'datacenter'],
      bps: [2e8, 2e8, 2e8, 1e9, 1e9, 1e9],
    },
  ];
  for (let i = 0; i < 6; i++) {
    const t = NOW - 60_000 + i * STEP;
    for (const n of nodes) {
      const target = { region: n.region, node: n.node };
      const rdma = n.modes[i] === 'datacenter' ? n.bps[i]! : 0;
      add(
        'dwcp_v3_throughput_bytes_per_second',
        { ...target, component: 'amst', direction: 'tx', transport: 'rdma' },
        rdma,
        t,
      );
      add(
        'dwcp_v3_throughput_bytes_per_second',
        { ...target, component: 'amst', direction: 'tx', transport: 'tcp' },
        n.bps[i]! - rdma,
        t,
      );
      add(
        'dwcp_v3_throughput_bytes_per_second',
        { ...target, component: 'amst', direction: 'rx', transport: 'tcp' },
        1,
        t,
      );
      for (const mode of ['datacenter', 'internet', 'hybrid'])
        add('dwcp_v3_current_mode', { ...target, node_id: n.node, mode }, mode === n.modes[i] ? 1 : 0, t);
    }
  }
  await store.append(batch);
  return store;
}

test('throughput SLOs per DWCP mode: each node counts under the mode it is in at that scrape', async () => {
  const store = await throughputStore();
  const ungated = parseSloDefinitions({
    slos: [
      {
        name: 'throughput-all',
        objective: 0.99,
        window: '30d',
        sli: { type: 'threshold', metric: 'dwcp_v3_throughput_bytes_per_second', op: '>=', threshold: 2.4e9 },
      },
    ],
  })[0]!;
  const slos = [tpl('throughput-datacenter'), tpl('throughput-internet'), tpl('throughput-hybrid'), ungated];
  // A minute of data: by default no verdict yet (30 minutes measured needed); the arithmetic below without the gate.
  const gated = await createInsightsProvider(store, { slos }).slo(300_000, NOW);
  assert.deepEqual(
    gated.slos.map((s) => s.report!.status),
    ['insufficient-data', 'insufficient-data', 'insufficient-data', 'insufficient-data'],
  );
  assert.deepEqual(gated.slos[0]!.report!.missing, ['1m measured of the 30m needed before a verdict']);
  const d = await createInsightsProvider(store, { slos, sloEvidence: { minObservedMs: 0 } }).slo(
    300_000,
    NOW,
  );
  const by = new Map(d.slos.map((s) => [s.name, s.report!]));
  // Datacenter: steps 0–2 only n1 (3e9, good); steps 3–5 mean(n1 3e9, n3 1e9) = 2e9 < 2.4e9 (bad).
  const dc = by.get('throughput-datacenter')!;
  assert.equal(dc.status, 'violated');
  assert.equal(dc.compliance, 0.5);
  assert.equal(dc.violations.length, 1);
  assert.deepEqual(
    [dc.violations[0]!.startMs, dc.violations[0]!.steps, dc.violations[0]!.worstValue],
    [NOW - 30_000, 3, 2e9],
  );
  // Internet: n2 at 2e7 >= 12.5e6 in all 6 steps.
  assert.deepEqual(
    [
      by.get('throughput-internet')!.status,
      by.get('throughput-internet')!.compliance,
      by.get('throughput-internet')!.valid,
    ],
    ['met', 1, 6 * STEP],
  );
  // Hybrid: n3 for the first three steps only (2e8 >= 1e8); later steps are not hybrid data.
  assert.deepEqual(
    [
      by.get('throughput-hybrid')!.status,
      by.get('throughput-hybrid')!.compliance,
      by.get('throughput-hybrid')!.valid,
    ],
    ['met', 1, 3 * STEP],
  );
  // The former single SLO averaged all modes: (3e9 + 2e7 + 2e8) / 3 ≈ 1.07e9 → every step bad.
  assert.equal(by.get('throughput-all')!.compliance, 0);
});

test('gateByNode keeps the points whose node has a non-zero gate at the same timestamp', () => {
  const sp = (labels: Labels, ts: number[], vs: number[]): SeriesPoints => ({
    series: { id: 0, key: JSON.stringify(labels), name: 'x', labels },
    timestampsMs: ts,
    values: vs,
  });
  const data = [
    sp({ node: 'a' }, [1, 2, 3], [10, 20, 30]),
    sp({ node: 'b' }, [1, 2], [5, 6]),
    sp({ node: 'c' }, [1], [7]),
  ];
  const gate = [
    sp({ node: 'a', node_id: 'a' }, [1, 2, 3], [1, 0, NaN]),
    sp({ node_id: 'b' }, [1, 2], [0, 0]),
  ];
  const out = gateByNode(data, gate);
  assert.deepEqual(
    out.map((s) => [s.series.labels['node'], s.timestampsMs, s.values]),
    [['a', [1], [10]]],
  );
});

/** Cumulative bucket samples of `dwcp_v3_migration_latency_seconds` from per-step increases per series. */
function latencyBatch(
  series: { labels: Labels; incs: Record<string, number>[]; resetAt?: number }[],
): Sample[] {
  const batch: Sample[] = [];
  for (const s of series) {
    const cum: Record<string, number> = {};
    // Scrape 0 at NOW − 70 s holds the starting counts; scrape i adds incs[i − 1].
    for (let i = 0; i <= s.incs.length; i++) {
      const t = NOW - 70_000 + i * STEP;
      const inc = i === 0 ? {} : s.incs[i - 1]!;
      for (const le of ['0.1', '0.5', '1', '+Inf']) {
        if (i === s.resetAt) cum[le] = 0; // the process restarted since the previous scrape
        cum[le] = (cum[le] ?? (i === 0 ? 1000 : 0)) + (inc[le] ?? 0);
        batch.push({
          name: 'dwcp_v3_migration_latency_seconds_bucket',
          labels: { ...s.labels, le },
          value: cum[le]!,
          timestampMs: t,
        });
      }
    }
  }
  return batch;
}

test('latency-p99 is evaluated live from bucket increases per step (histogram_quantile)', async () => {
  // Good step: ≤0.1: 95, ≤0.5: 100 of 100 → rank 99 in (0.1, 0.5]: 0.1 + 0.4·4/5 = 0.42 < 0.5.
  const good = { '0.1': 95, '0.5': 100, '1': 100, '+Inf': 100 };
  // Bad step: ≤0.1: 50, ≤0.5: 90, ≤1: 98 of 100 → rank 99 in the +Inf bucket → 1 (second-highest bound).
  const none = {};
  const a = { labels: { node: 'n1', mode: 'datacenter', source: 'n1', destination: 'n2', vm_size: 'small' } };
  const b = { labels: { node: 'n2', mode: 'internet', source: 'n2', destination: 'n1', vm_size: 'large' } };
  // Steps 1–4 good (series a; it restarts before step 3), steps 5–6 bad, split over a and b (sum by le).
  const store = new RecordingSampleStore();
  await store.append(
    latencyBatch([
      {
        ...a,
        resetAt: 3,
        incs: [
          good,
          good,
          good,
          good,
          { '0.1': 50, '0.5': 50, '1': 50, '+Inf': 50 },
          { '0.1': 50, '0.5': 90, '1': 90, '+Inf': 90 },
        ],
      },
      {
        ...b,
        incs: [
          none,
          none,
          none,
          none,
          { '0.1': 0, '0.5': 40, '1': 48, '+Inf': 50 },
          { '0.1': 0, '0.5': 0, '1': 8, '+Inf': 10 },
        ],
      },
    ]),
  );
  const d = await createInsightsProvider(store, {
    slos: [tpl('latency-p99')],
    sloEvidence: { minObservedMs: 0 },
  }).slo(300_000, NOW);
  const s = d.slos[0]!;
  assert.equal(s.evaluated, true);
  assert.equal(s.reason, null);
  const r = s.report!;
  assert.equal(r.valid, 6 * STEP);
  assert.equal(r.good, 4 * STEP);
  assert.equal(r.status, 'violated');
  assert.equal(r.violations.length, 1);
  assert.deepEqual(
    [r.violations[0]!.startMs, r.violations[0]!.steps, r.violations[0]!.worstValue],
    [NOW - 20_000, 2, 1],
  );
  // The reset of series a was handled as an increase from zero (not a negative step) and reported.
  assert.ok(
    d.warnings.some((w) => /latency-p99: 4 bucket counter resets/.test(w)),
    d.warnings.join('; '),
  );
  // The bucket read asks for whole histograms: maxSeries × (catalog buckets + 1).
  const buckets = getMetric('dwcp_v3_migration_latency_seconds').buckets!.length;
  assert.ok(
    store.finds.some(
      (f) => f.name === 'dwcp_v3_migration_latency_seconds_bucket' && f.limit === 200 * (buckets + 1),
    ),
  );
});

test('latency-p99 without a +Inf bucket has no data (steps left out) and says why', async () => {
  const store = new RecordingSampleStore();
  const batch = latencyBatch([
    { labels: { node: 'n1' }, incs: [{ '0.1': 1, '0.5': 2, '1': 3, '+Inf': 3 }] },
  ]).filter((x) => x.labels['le'] !== '+Inf');
  await store.append(batch);
  const d = await createInsightsProvider(store, { slos: [tpl('latency-p99')] }).slo(300_000, NOW);
  assert.equal(d.slos[0]!.report!.status, 'no-data');
  assert.ok(
    d.warnings.some((w) => /1 steps without a \+Inf bucket/.test(w)),
    d.warnings.join('; '),
  );
});
