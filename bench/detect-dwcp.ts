/**
 * DWCP part of `npm run bench:detect`: every labelled simulator scenario (src/eval/dwcp/catalogue.ts) with
 * each detector that is marked for it, through the monitor's pipeline built by the same function as `serve`
 * (src/monitor/build-pipeline.ts) with the default detection settings. A shipped detector is selected by its
 * `detection.detector` choice; any other runs as a candidate with its own factory. The seasonal period is the
 * scenario's simulated day.
 */
import { aggregateRuns } from '../src/eval/dwcp/aggregate.ts';
import { DWCP_SCENARIOS } from '../src/eval/dwcp/catalogue.ts';
import type { DwcpRunOptions } from '../src/eval/dwcp/options.ts';
import type { DwcpRunResult } from '../src/eval/dwcp/runner.ts';
import { runDwcpSuite } from '../src/eval/dwcp/suite.ts';
import type { BenchDetector } from './detect-registry.ts';

/** One detector's pooled DWCP numbers and its per-scenario rows. */
export interface DwcpBenchResult {
  readonly detector: string;
  readonly scenarios: number;
  readonly runs: number;
  readonly precision: number;
  readonly recall: number;
  readonly f1: number;
  readonly delayP50S: number | null;
  readonly delayP95S: number | null;
  readonly benignRuns: number;
  readonly benignRunsAlerting: number;
  readonly anomaliesPerRun: number;
  /** Anomalies opened during the 100 s warm-up of each run (cold start: new series), per run. */
  readonly warmupAnomaliesPerRun: number;
  readonly perScenario: readonly {
    scenario: string;
    benign: boolean;
    precision: number | null;
    recall: number | null;
    detections: number;
    falsePositives: number;
    delayP95S: number | null;
  }[];
}

const s = (ms: number | null): number | null => (ms === null ? null : ms / 1000);

/** The run options of detector `d` on a scenario whose simulated day is `daySeconds`. */
function runOptions(d: BenchDetector, daySeconds: number): DwcpRunOptions {
  if (d.shipped) return { detection: { detector: d.shipped } };
  const env = { seasonalPeriodMs: daySeconds * 1000 };
  return {
    candidate: {
      factory: (ctx) => d.live(ctx, env),
      name: d.name,
      ...(d.exclude ? { exclude: d.exclude } : {}),
    },
  };
}

/** Runs the scenario suite with `seeds` seeds (firstSeed .. firstSeed + seeds − 1) for every detector with `dwcp: true`. */
export async function runDwcpBench(
  detectors: readonly BenchDetector[],
  seeds: number,
  progress: (m: string) => void,
  firstSeed = 1,
): Promise<DwcpBenchResult[]> {
  const seedList = Array.from({ length: seeds }, (_, i) => firstSeed + i);
  const out: DwcpBenchResult[] = [];
  for (const d of detectors.filter((x) => x.dwcp)) {
    const runs: DwcpRunResult[] = [];
    const perScenario: DwcpBenchResult['perScenario'][number][] = [];
    const t0 = performance.now();
    for (const sc of DWCP_SCENARIOS) {
      const r = await runDwcpSuite([sc], seedList, runOptions(d, sc.daySeconds));
      runs.push(...r.scenarios[0]!.results);
      const a = r.scenarios[0]!;
      perScenario.push({
        scenario: sc.name,
        benign: a.benign,
        precision: a.precision,
        recall: a.recall,
        detections: a.detections,
        falsePositives: a.falsePositiveDetections,
        delayP95S: s(a.delayP95Ms),
      });
      progress(
        `DWCP ${d.name}: ${sc.name} (${perScenario.length}/${DWCP_SCENARIOS.length}) P ${a.precision?.toFixed(2) ?? 'n/a'} R ${a.recall?.toFixed(2) ?? 'n/a'} detections ${a.detections}`,
      );
    }
    const agg = aggregateRuns(runs);
    const benign = runs.filter((r) => r.benign);
    out.push({
      detector: d.name,
      scenarios: DWCP_SCENARIOS.length,
      runs: runs.length,
      precision: agg.precision ?? 0,
      recall: agg.recall ?? 0,
      f1: agg.f1 ?? 0,
      delayP50S: s(agg.delayP50Ms),
      delayP95S: s(agg.delayP95Ms),
      benignRuns: benign.length,
      benignRunsAlerting: benign.filter((r) => r.evaluation.totals.detections > 0).length,
      anomaliesPerRun: agg.anomaliesPerRun,
      warmupAnomaliesPerRun: agg.warmupAnomaliesPerRun,
      perScenario,
    });
    progress(`DWCP ${d.name}: ${runs.length} runs in ${((performance.now() - t0) / 1000).toFixed(0)} s`);
  }
  return out;
}
