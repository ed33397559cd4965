/**
 * A short healthy soak (`npm run bench:soak` runs the long one): a simulated 3-node, 3-region cluster with no
 * faults, from a cold start through 10 simulated minutes (a simulated day every 5 minutes), through the shipped
 * monitor pipeline and every surface (src/eval/soak/run.ts), with the generated Prometheus rules evaluated by
 * the real promtool (Debian prometheus 2.42) over what a Prometheus with the generated configuration would have
 * scraped. It must meet the soak goals (src/eval/soak/goals.ts): no page, no scale-out advice, every region
 * healthy, at most 1 low-severity anomaly per 100 series-hours. Then a faulted counterpart of the same cluster
 * (a latency spike, then consensus timeouts) must still be found by the monitor and by the page rule of the
 * consensus failures. Each goal is its own check, so a failure names the surface and what raised it.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { soakGoals, type GoalCheck } from '../../src/eval/soak/goals.ts';
import type { PromtoolAlerts } from '../../src/eval/soak/promtool.ts';
import { runSoak, type SoakResult } from '../../src/eval/soak/run.ts';
import { DEFAULT_CAPACITY_WINDOW_MS } from '../../src/server/routes/capacity.ts';
import { DEFAULT_REGIONS_WINDOW_MS } from '../../src/server/routes/regions.ts';
import { DEFAULT_ROLLOUT_WINDOW_MS } from '../../src/server/routes/rollout.ts';
import { DEFAULT_SLO_WINDOW_MS } from '../../src/server/routes/slo.ts';
import { evaluateRules, generateRules, type GeneratedRules } from '../../bench/soak-rules.ts';
import { requireBinary } from '../helpers/binaries.ts';

const promtool = requireBinary('promtool');
const skip = promtool ? false : 'promtool not installed (apt-get install prometheus)';

const WINDOWS = {
  rolloutMs: DEFAULT_ROLLOUT_WINDOW_MS,
  sloMs: DEFAULT_SLO_WINDOW_MS,
  regionsMs: DEFAULT_REGIONS_WINDOW_MS,
  capacityMs: DEFAULT_CAPACITY_WINDOW_MS,
};
const BASE = { nodes: 3, seed: 1, daySeconds: 300, windows: WINDOWS } as const;

let rules: GeneratedRules | undefined;
let healthy: SoakResult | undefined;
let healthyProm: PromtoolAlerts | undefined;
let goals: GoalCheck[] = [];

/** What raised the false signals of a surface, for the failure message. */
function why(r: SoakResult, prom: PromtoolAlerts | undefined): string {
  const t = r.tally;
  return JSON.stringify(
    {
      anomalies: t.anomalies.byMetric,
      anomalyExamples: t.anomalies.examples.slice(0, 3),
      sloPage: t.slo.pageBySlo,
      sloViolated: t.slo.violatedBySlo,
      regions: t.regions.notHealthyByRegion,
      regionExamples: t.regions.examples.slice(0, 2),
      capacity: t.capacity.scaleOutBySeries,
      ruleAlerts: (prom?.fired ?? []).map(
        (a) => `${a.labels.alertname}/${a.labels.severity}@${a.firstFiringS}s`,
      ),
    },
    null,
    1,
  );
}

function goal(prefix: string): GoalCheck {
  const g = goals.find((x) => x.goal.startsWith(prefix));
  assert.ok(g, `no goal ${prefix}`);
  return g;
}

describe('healthy soak: 3 nodes, 10 simulated minutes from a cold start, every surface', { skip }, () => {
  before(async () => {
    rules = generateRules();
    healthy = await runSoak({ ...BASE, durationSeconds: 600, prometheus: rules.soakPrometheus });
    healthyProm = evaluateRules(rules, healthy.prometheus!, promtool!);
    goals = soakGoals({
      tally: healthy.tally,
      seriesHours: healthy.seriesHours,
      promAlerts: healthyProm.fired,
    });
  });
  after(() => rules?.remove());

  it('ran the whole cluster through the pipeline and recorded what the rules read', () => {
    const r = healthy!;
    assert.deepEqual(r.errors, []);
    assert.ok(r.analysedSeries > 100, `analysed series ${r.analysedSeries}`);
    assert.ok(r.seriesHours > 10, `series-hours ${r.seriesHours}`);
    assert.equal(
      r.tally.slo.evaluations > 0 &&
        r.tally.regions.evaluations > 0 &&
        r.tally.capacity.evaluations > 0 &&
        r.tally.rollout.evaluations > 0,
      true,
    );
    assert.ok((r.prometheus?.size ?? 0) > 100, 'Prometheus series recorded');
  });

  it('pages nobody (anomalies high/critical, SLO page burns, critical rule alerts)', () => {
    const g = goal('pages');
    assert.ok(g.met, `${g.measured} pages: ${why(healthy!, healthyProm)}`);
  });

  it('advises no scale-out', () => {
    const g = goal('scale-out');
    assert.ok(g.met, `${g.measured} scale-out reads: ${why(healthy!, healthyProm)}`);
  });

  it('keeps every region healthy', () => {
    for (const prefix of ['region reads', 'regions not healthy']) {
      const g = goal(prefix);
      assert.ok(g.met, `${g.goal}: ${g.measured}: ${why(healthy!, healthyProm)}`);
    }
  });

  it('raises at most 1 low-severity anomaly per 100 series-hours and none of medium severity', () => {
    for (const prefix of ['anomalies of severity medium', 'low-severity']) {
      const g = goal(prefix);
      assert.ok(g.met, `${g.goal}: ${g.measured}: ${why(healthy!, healthyProm)}`);
    }
  });
});

describe('faulted counterpart: the same cluster still finds its faults', { skip }, () => {
  let faulted: SoakResult | undefined;
  let prom: PromtoolAlerts | undefined;
  let frules: GeneratedRules | undefined;
  before(async () => {
    frules = generateRules();
    faulted = await runSoak({
      ...BASE,
      durationSeconds: 540,
      faults: [
        { kind: 'latency_spike', node: 0, startMs: 300_000, durationMs: 90_000, magnitude: 5 },
        { kind: 'consensus_timeouts', node: 1, startMs: 300_000, durationMs: 210_000, magnitude: 5 },
      ],
      prometheus: frules.soakPrometheus,
    });
    prom = evaluateRules(frules, faulted.prometheus!, promtool!);
  });
  after(() => frules?.remove());

  it('the monitor finds both faults', () => {
    const e = faulted!.evaluation!;
    assert.deepEqual(
      e.faults.map((f) => [f.label.kind, f.detected]),
      [
        ['latency_spike', true],
        ['consensus_timeouts', true],
      ],
    );
  });

  it('DWCPv3ConsensusFailure pages for the node whose consensus rounds time out, not for the others', () => {
    const pages = prom!.fired.filter((a) => a.labels.alertname === 'DWCPv3ConsensusFailure');
    assert.deepEqual(
      pages.map((a) => a.labels.instance),
      ['127.0.0.1:9101'],
      JSON.stringify(prom!.fired.map((a) => a.labels)),
    );
    assert.ok(
      pages[0]!.firstFiringS >= 300 + 120 && pages[0]!.firstFiringS <= 300 + 180,
      `first fired at ${pages[0]!.firstFiringS} s`,
    );
  });
});
