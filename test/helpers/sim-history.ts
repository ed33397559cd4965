/**
 * Stored history for report tests and the report benchmark: simulated DWCP nodes ticked in virtual time,
 * their /metrics read as the monitor reads them (rendered and parsed), with the scrape target labels, appended
 * to a sample store; plus a few anomalies.
 */
import type { Anomaly } from '../../src/model/anomaly.ts';
import type { Sample } from '../../src/model/sample.ts';
import { readExposition } from '../../src/eval/dwcp/sampling.ts';
import { createSimNode, deriveNodes } from '../../src/sim/topology.ts';
import type { AnomalyStore, SampleStore } from '../../src/store/types.ts';

/** What to simulate. */
export interface HistoryOptions {
  readonly nodes: number;
  readonly regions: readonly string[];
  readonly fromMs: number;
  readonly toMs: number;
  /** Time between two scrapes (the nodes are ticked every second in between). */
  readonly stepMs: number;
  readonly seed?: number;
}

/** Fills `store` with the nodes' samples every `stepMs` in [fromMs, toMs); returns the samples stored. */
export async function fillHistory(store: SampleStore, o: HistoryOptions): Promise<number> {
  const specs = deriveNodes(o.nodes, o.regions, o.seed ?? 7);
  const sims = specs.map((spec) =>
    createSimNode(spec, {
      rolloutPercent: 40,
      daySeconds: 86_400,
      startMs: o.fromMs,
      faults: [],
      warn: () => undefined,
    }),
  );
  let stored = 0;
  for (let t = o.fromMs; t < o.toMs; t += o.stepMs) {
    const batch: Sample[] = [];
    for (let i = 0; i < sims.length; i++) {
      const sim = sims[i]!;
      const spec = specs[i]!;
      sim.tick(t);
      const labels = { job: 'dwcp', instance: spec.id, node: spec.id, region: spec.region };
      for (const s of await readExposition(sim, t))
        batch.push({ ...s, labels: { ...s.labels, ...labels }, timestampMs: t });
    }
    const r = await store.append(batch);
    stored += r.stored;
  }
  return stored;
}

/** Stores `n` anomalies spread over [fromMs, toMs) across components and regions. */
export async function addAnomalies(
  store: AnomalyStore,
  fromMs: number,
  toMs: number,
  n: number,
  regions: readonly string[],
): Promise<void> {
  const components = ['amst', 'hde', 'pba', 'acp'] as const;
  const severities = ['low', 'medium', 'high', 'critical'] as const;
  for (let i = 0; i < n; i++) {
    const start = fromMs + Math.floor(((toMs - fromMs) * i) / n);
    const a: Omit<Anomaly, 'id'> = {
      seriesKey: `dwcp_x{node="node-${i}"}`,
      metric: 'dwcp_amst_bandwidth_utilization',
      labels: { region: regions[i % regions.length]!, node: `node-${(i % 3) + 1}` },
      component: components[i % components.length]!,
      kind: 'bandwidth',
      startedAtMs: start,
      detectedAtMs: start + 2000,
      resolvedAtMs: i % 3 === 0 ? null : start + 60_000 * (i + 1),
      observed: 1,
      expected: 10,
      lower: 8,
      upper: 12,
      deviation: -4,
      confidence: 0.9,
      score: 0.95,
      votes: [],
      severity: severities[i % severities.length]!,
      detector: 'ensemble',
      acknowledged: false,
    };
    await store.insert(a);
  }
}
