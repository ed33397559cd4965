/**
 * The labelled-scenario suite: every scenario with every seed, sequentially, aggregated per scenario and in
 * total (benign runs' detections count against precision and as false alerts).
 */
import { InvalidInputError } from '../../errors.ts';
import { aggregateRuns, type DwcpAggregate } from './aggregate.ts';
import { resolveRunOptions, runDetectorName, type DwcpRunOptions } from './options.ts';
import { runDwcpScenario, zeroTiming, type DwcpRunResult, type DwcpTiming } from './runner.ts';
import { isBenign, validateScenario, type DwcpScenario } from './scenario.ts';

/** One scenario over all seeds. */
export interface DwcpScenarioSummary extends DwcpAggregate {
  readonly scenario: string;
  readonly benign: boolean;
  readonly description: string;
  /** Detections in benign runs (all false alerts); 0 for fault scenarios. */
  readonly benignFalseAlerts: number;
  /** Per-seed runs (labels, detections, evaluation). */
  readonly results: readonly DwcpRunResult[];
  /** Wall time of the scenario's runs (ms). */
  readonly ms: number;
}

/** Result of {@link runDwcpSuite}. */
export interface DwcpSuiteResult {
  readonly detectorName: string;
  readonly seeds: readonly number[];
  readonly scenarios: readonly DwcpScenarioSummary[];
  /** Over every run, benign ones included (their detections count against precision). */
  readonly total: DwcpAggregate & {
    /** Detections over all benign runs. */
    readonly benignFalseAlerts: number;
    /** Benign runs with at least one detection / benign runs. */
    readonly benignRunsAlerting: number;
    readonly benignRuns: number;
  };
  /** Summed wall time per stage (ms). */
  readonly timing: DwcpTiming;
}

/** Progress of {@link runDwcpSuite}, after each run. */
export interface DwcpProgress {
  readonly scenario: string;
  readonly seed: number;
  readonly done: number;
  readonly total: number;
  readonly run: DwcpRunResult;
}

/**
 * Runs every scenario with every seed (sequentially, scenario by scenario) and aggregates per scenario and in
 * total. `onProgress` is called after each run.
 * @throws InvalidInputError for an empty scenario list, duplicate scenario names, an empty seed list,
 *   duplicate or non-integer seeds, and everything {@link runDwcpScenario} throws for (checked for every
 *   scenario before the first run).
 */
export async function runDwcpSuite(
  scenarios: readonly DwcpScenario[],
  seeds: readonly number[],
  opts: DwcpRunOptions | undefined,
  onProgress?: (p: DwcpProgress) => void,
): Promise<DwcpSuiteResult> {
  if (!Array.isArray(scenarios) || scenarios.length === 0)
    throw new InvalidInputError('DWCP suite: scenarios must be a non-empty array');
  const names = new Set<string>();
  for (const s of scenarios) {
    validateScenario(s);
    if (names.has(s.name)) throw new InvalidInputError(`DWCP suite: duplicate scenario name ${s.name}`);
    names.add(s.name);
  }
  if (!Array.isArray(seeds) || seeds.length === 0)
    throw new InvalidInputError('DWCP suite: seeds must be a non-empty array');
  if (seeds.some((x) => !Number.isSafeInteger(x)))
    throw new InvalidInputError('DWCP suite: seeds must be safe integers');
  if (new Set(seeds).size !== seeds.length) throw new InvalidInputError('DWCP suite: seeds must be distinct');
  const resolved = resolveRunOptions(opts);

  const timing: DwcpTiming = zeroTiming();
  const t0 = performance.now();
  const all: DwcpRunResult[] = [];
  const summaries: DwcpScenarioSummary[] = [];
  const total = scenarios.length * seeds.length;
  for (const s of scenarios) {
    const a = performance.now();
    const runs: DwcpRunResult[] = [];
    for (const seed of seeds) {
      const run = await runDwcpScenario(s, seed, opts);
      runs.push(run);
      all.push(run);
      for (const k of ['simMs', 'scrapeMs', 'trackMs', 'engineMs'] as const) timing[k] += run.timing[k];
      onProgress?.({ scenario: s.name, seed, done: all.length, total, run });
    }
    const agg = aggregateRuns(runs);
    summaries.push({
      scenario: s.name,
      benign: isBenign(s),
      description: s.description,
      ...agg,
      benignFalseAlerts: isBenign(s) ? agg.detections : 0,
      results: runs,
      ms: performance.now() - a,
    });
  }
  timing.totalMs = performance.now() - t0;
  const benign = all.filter((r) => r.benign);
  return {
    detectorName: runDetectorName(resolved),
    seeds: [...seeds],
    scenarios: summaries,
    total: {
      ...aggregateRuns(all),
      benignFalseAlerts: benign.reduce((n, r) => n + r.detections.length, 0),
      benignRunsAlerting: benign.filter((r) => r.detections.length > 0).length,
      benignRuns: benign.length,
    },
    timing,
  };
}
