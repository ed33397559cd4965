/** The DWCP labelled-scenario catalogue (src/eval/dwcp/catalogue.ts): coverage, labels, and that every label's series really moves. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { KIND_DEFAULTS } from '../../../../src/analysis/anomaly/statistical.ts';
import { requireMetric } from '../../../../src/catalog/index.ts';
import { DWCP_SCENARIOS } from '../../../../src/eval/dwcp/catalogue.ts';
import { createScenarioNode, scenarioLabels } from '../../../../src/eval/dwcp/nodes.ts';
import { isBenign, validateScenario, type DwcpScenario } from '../../../../src/eval/dwcp/scenario.ts';
import { FAULT_KINDS, type FaultKind } from '../../../../src/model/anomaly.ts';
import { movedMetrics } from '../../../../src/sim/faults.ts';
import { SimNode } from '../../../../src/sim/node.ts';

// ---- selector reading for the "labels really move" check ----

interface Row {
  readonly labels: Record<string, string | number>;
  readonly value: number;
  readonly metricName?: string;
}

function parseSelector(sel: string): { metric: string; matchers: [string, string][] } {
  const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)\{(.*)\}$/.exec(sel);
  assert.ok(m, `selector ${sel}`);
  const matchers = [...m[2]!.matchAll(/([a-zA-Z_]+)="([^"]*)"/g)].map(
    (x) => [x[1]!, x[2]!] as [string, string],
  );
  return { metric: m[1]!, matchers };
}

/**
 * Per label set of `metric` matching `matchers`: the window aggregate over ticks [from, to) — gauge: mean
 * value; counter: increase; histogram: Δsum / Δcount.
 */
async function windowValues(
  node: SimNode,
  metric: string,
  matchers: readonly [string, string][],
  fromS: number,
  toS: number,
  t0: number,
): Promise<Map<string, number>> {
  const type = requireMetric(metric).type;
  const at = new Map<string, { sum: number; count: number; first?: { sum: number; count: number } }>();
  const read = async (): Promise<Map<string, { sum: number; count: number }>> => {
    const rows = (await node.registry.getSingleMetric(metric)!.get()).values as Row[];
    const out = new Map<string, { sum: number; count: number }>();
    for (const r of rows) {
      if (!matchers.every(([k, v]) => String(r.labels[k]) === v)) continue;
      const name = r.metricName ?? metric;
      if (name.endsWith('_bucket')) continue;
      const key = JSON.stringify(Object.entries(r.labels).sort());
      const e = out.get(key) ?? { sum: 0, count: 0 };
      if (type === 'histogram') {
        if (name.endsWith('_sum')) e.sum = r.value;
        else e.count = r.value;
      } else {
        e.sum = r.value;
        e.count = 1;
      }
      out.set(key, e);
    }
    return out;
  };
  for (let s = 0; s < toS; s++) {
    node.tick(t0 + s * 1000);
    if (s < fromS - 1) continue;
    const now = await read();
    for (const [k, v] of now) {
      let e = at.get(k);
      if (!e) at.set(k, (e = { sum: 0, count: 0 }));
      if (s === fromS - 1) e.first = { ...v };
      else if (type === 'gauge') {
        e.sum += v.sum;
        e.count++;
      } else {
        e.sum = v.sum;
        e.count = v.count;
      }
    }
  }
  const out = new Map<string, number>();
  for (const [k, e] of at) {
    if (type === 'gauge') out.set(k, e.sum / e.count);
    else if (type === 'counter') out.set(k, e.sum - (e.first?.sum ?? 0));
    else {
      const dc = e.count - (e.first?.count ?? 0);
      out.set(k, dc > 0 ? (e.sum - (e.first?.sum ?? 0)) / dc : Number.NaN);
    }
  }
  return out;
}

describe('DWCP scenario catalogue', () => {
  it('has >= 20 valid scenarios with unique kebab-case names', () => {
    assert.ok(DWCP_SCENARIOS.length >= 20, `${DWCP_SCENARIOS.length} scenarios`);
    const names = DWCP_SCENARIOS.map((s) => s.name);
    assert.equal(new Set(names).size, names.length);
    for (const s of DWCP_SCENARIOS) {
      validateScenario(s);
      assert.ok(s.description.length > 10, s.name);
    }
  });

  it('covers every fault kind alone, milder variants, overlaps, the seasonal peak and restarts', () => {
    const single = DWCP_SCENARIOS.filter((s) => s.faults.length === 1);
    for (const kind of FAULT_KINDS) {
      const withKind = single.filter((s) => s.faults[0]!.kind === kind && s.levelShifts.length === 0);
      assert.ok(withKind.length >= 1, `no scenario with ${kind} alone`);
    }
    const kindsWithMild = new Set<FaultKind>();
    for (const kind of FAULT_KINDS) {
      const mags = new Set(
        single.filter((s) => s.faults[0]!.kind === kind).map((s) => s.faults[0]!.magnitude),
      );
      if (mags.size >= 2) kindsWithMild.add(kind);
    }
    assert.ok(kindsWithMild.size >= 4, `milder variants for ${[...kindsWithMild].join(', ')}`);
    const overlapping = DWCP_SCENARIOS.filter((s) =>
      s.faults.some((a, i) =>
        s.faults.some(
          (b, j) =>
            i < j &&
            a.node !== b.node &&
            a.startMs < b.startMs + b.durationMs &&
            b.startMs < a.startMs + a.durationMs,
        ),
      ),
    );
    assert.ok(overlapping.length >= 2, 'overlapping faults on different nodes');
    const atPeak = DWCP_SCENARIOS.filter((s) =>
      s.faults.some((f) => Math.abs(Math.sin((2 * Math.PI * f.startMs) / 1000 / s.daySeconds) - 1) < 1e-9),
    );
    assert.ok(atPeak.length >= 2, 'faults at the seasonal peak');
    assert.ok(
      DWCP_SCENARIOS.some((s) => s.restarts.length > 0 && !isBenign(s)),
      'restart with downtime',
    );
    assert.ok(
      DWCP_SCENARIOS.some((s) => s.restarts.length > 0 && isBenign(s)),
      'restart without downtime',
    );
  });

  it('has >= 2 no-fault days with a full daily cycle and >= 2 benign level-shift scenarios', () => {
    const days = DWCP_SCENARIOS.filter(
      (s) =>
        isBenign(s) &&
        s.levelShifts.length === 0 &&
        s.restarts.length === 0 &&
        s.daySeconds <= s.durationSeconds,
    );
    assert.ok(days.length >= 2, `${days.length} no-fault days`);
    const shifts = DWCP_SCENARIOS.filter((s) => isBenign(s) && s.levelShifts.length > 0);
    assert.ok(shifts.length >= 2);
    // At least one step in the good direction of latency (down) and one of throughput (up).
    assert.ok(shifts.some((s) => s.levelShifts.every((e) => e.target === 'latency' && e.factor < 1)));
    assert.ok(shifts.some((s) => s.levelShifts.every((e) => e.target === 'throughput' && e.factor > 1)));
  });

  it('fault scenarios have one label per fault with the metrics the kind moves; benign ones have none', () => {
    for (const s of DWCP_SCENARIOS) {
      const labels = scenarioLabels(s);
      assert.equal(labels.length, s.faults.length, s.name);
      if (isBenign(s)) continue;
      s.faults.forEach((f, i) => {
        const l = labels[i]!;
        assert.equal(l.kind, f.kind);
        assert.equal(l.node, `node-${f.node + 1}`);
        assert.deepEqual(l.metrics, [...movedMetrics(f.kind)]);
        assert.equal(l.endMs - l.startMs, f.durationMs);
        assert.ok(
          l.startMs >= Date.UTC(2026, 0, 1) + s.warmupSeconds * 1000,
          `${s.name}: starts after warm-up`,
        );
      });
    }
  });

  it('every labelled fault really moves its selector series on its node (faulted vs clean twin)', async () => {
    const t0 = Date.UTC(2026, 0, 1);
    for (const s of DWCP_SCENARIOS) {
      const labels = scenarioLabels(s);
      for (let i = 0; i < s.faults.length; i++) {
        const f = s.faults[i]!;
        const fromS = f.startMs / 1000 + 1;
        const toS = (f.startMs + f.durationMs) / 1000;
        if (f.kind === 'node_down') {
          const node = createScenarioNode(s, 1, f.node);
          for (let t = 0; t < toS + 1; t++) {
            node.tick(t0 + t * 1000);
            assert.equal(node.currentEffects.down, t >= fromS - 1 && t < toS, `${s.name} down at ${t}`);
          }
          continue;
        }
        const { metric, matchers } = parseSelector(labels[i]!.selector);
        const window = (faults: DwcpScenario['faults']) =>
          windowValues(
            createScenarioNode({ ...s, faults, restarts: [] }, 1, f.node),
            metric,
            matchers,
            fromS,
            toS,
            t0,
          );
        const faulted = await window([f]);
        const base = await window([]);
        const dir = KIND_DEFAULTS[requireMetric(metric).anomalyKind].direction;
        let moved = false;
        for (const [k, v] of faulted) {
          const b = base.get(k) ?? 0;
          const rel = (v - b) / Math.max(Math.abs(b), 1e-12);
          if (
            (dir === 'up' && rel > 0.05) ||
            (dir === 'down' && rel < -0.05) ||
            (dir === 'both' && Math.abs(rel) > 0.05)
          )
            moved = true;
        }
        assert.ok(moved, `${s.name}: ${f.kind} does not move ${labels[i]!.selector} by > 5 % (${dir})`);
      }
    }
  });
});
