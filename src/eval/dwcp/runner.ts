/**
 * Runs one labelled scenario with one seed in virtual time (no timers, no sockets) through the monitor's own
 * scraper and pipeline, built by `buildPipeline` from the run's detection settings exactly as `serve` builds it
 * (no sample store; a collector stands in for the anomaly sink), and scores the anomalies with
 * `evaluateDetections` (precision, recall, F1, detection delay).
 *
 * 1. The scenario's nodes, derived as `startCluster` derives them for the seed (src/sim/topology.ts), are
 *    ticked once per second.
 * 2. Each node is scraped once per second, `scrapeOffsetMs` after its tick, through the monitor's `Scraper` with
 *    an in-process source: target labels `{job: 'dwcp', instance, region, node}` and the synthetic `up` /
 *    `scrape_*` samples are added by the scraper's code. A node that is down (node_down) fails its scrape, so
 *    the batch holds only the synthetic samples with `up == 0`, as for an HTTP target whose server is closed.
 *    Samples are read as {@link DwcpSampling} says.
 * 3. `MonitorPipeline.ingest` admits and derives the samples (series tracker) and runs the detection engine
 *    with the scrape time as the detection time.
 * 4. Anomalies that START during the warm-up (`warmupSeconds`, while detectors have no stable baseline and the
 *    simulator settles into its modes) are counted apart and not evaluated; every fault starts after it.
 *
 * Cost of the default suite (26 scenarios x 3 seeds, 3 nodes x 300 s each, statistical detector): ~135 s of CPU
 * on one core, ~31 % in SimNode ticks, ~26 % reading registries and relabelling, ~35 % in the series tracker
 * and ~8 % in the detection engine and its detectors.
 */
import { evaluateDetections, type EvalDetection, type Evaluation } from '../../analysis/anomaly/evaluate.ts';
import { Scraper } from '../../ingest/scraper.ts';
import type { Anomaly, FaultLabel } from '../../model/anomaly.ts';
import type { Sample } from '../../model/sample.ts';
import { buildPipeline } from '../../monitor/build-pipeline.ts';
import type { DetectionOutcome } from '../../monitor/detection-types.ts';
import type { OutcomeSink } from '../../monitor/pipeline.ts';
import type { SimNode } from '../../sim/node.ts';
import { InvalidInputError } from '../../errors.ts';
import { scenarioLabels, scenarioNodeSpecs, scenarioProcess } from './nodes.ts';
import { resolveRunOptions, runCandidate, runDetectionSettings, type DwcpRunOptions } from './options.ts';
import { analysedFamilies, readExposition, readJson } from './sampling.ts';
import { isBenign, SCENARIO_START_MS, validateScenario, type DwcpScenario } from './scenario.ts';

/** Where the time of a run went (ms of wall time; not deterministic). */
export interface DwcpTiming {
  /** SimNode ticks. */
  simMs: number;
  /** Reading registries (render + parse, or values) and the scraper's relabelling. */
  scrapeMs: number;
  /** The series tracker (admit and derive). */
  trackMs: number;
  /** The detection engine (the detectors). */
  engineMs: number;
  totalMs: number;
}

/** One anomaly the engine opened during a run. */
export type DwcpAnomaly = Omit<Anomaly, 'id'>;

/** Result of one scenario run with one seed. Everything but `timing` is deterministic. */
export interface DwcpRunResult {
  readonly scenario: string;
  readonly seed: number;
  readonly benign: boolean;
  readonly startMs: number;
  /** Anomalies starting before this are warm-up anomalies (not evaluated). */
  readonly evalStartMs: number;
  readonly endMs: number;
  readonly labels: readonly FaultLabel[];
  /** The evaluated anomalies, as evaluate.ts expects them. */
  readonly detections: readonly EvalDetection[];
  /** The evaluated anomalies in full (same order as `detections`). */
  readonly anomalies: readonly DwcpAnomaly[];
  /** Anomalies that started during the warm-up. */
  readonly warmupAnomalies: number;
  readonly evaluation: Evaluation;
  /** Samples delivered to the pipeline (with `json` sampling only those of analysed families). */
  readonly samples: number;
  /** Detection inputs the engine processed (run through a detector or the target-health check). */
  readonly inputs: number;
  /** Series with engine state (detector or target health). */
  readonly analysedSeries: number;
  readonly timing: DwcpTiming;
}

/** Observers of a run (e.g. the alerting evaluator feeding incidents in virtual time). */
export interface DwcpRunHooks {
  /** Every detection outcome with the run's virtual time (Unix ms), warm-up outcomes included. */
  readonly onOutcome?: (outcome: DetectionOutcome, nowMs: number) => void;
  /** After every virtual second (all nodes scraped), with the run's virtual time (Unix ms). */
  readonly onTick?: (nowMs: number) => void;
}

/** A new all-zero timing. */
export function zeroTiming(): DwcpTiming {
  return { simMs: 0, scrapeMs: 0, trackMs: 0, engineMs: 0, totalMs: 0 };
}

/**
 * Runs scenario `s` with `seed` (see the module comment) and evaluates its anomalies against its fault labels.
 * Deterministic for (scenario, seed, options) except `timing`.
 * @throws InvalidInputError for a bad scenario (validateScenario), a seed that is not a safe integer, or bad
 *   options (resolveRunOptions: unknown fields, settings out of range, an unknown sampling, scrapeOffsetMs
 *   outside 0..999, rolloutPercent outside 0..100, bad evaluate options).
 */
export async function runDwcpScenario(
  s: DwcpScenario,
  seed: number,
  opts?: DwcpRunOptions,
  hooks?: DwcpRunHooks,
): Promise<DwcpRunResult> {
  validateScenario(s);
  if (!Number.isSafeInteger(seed))
    throw new InvalidInputError(`DWCP scenario run: seed must be a safe integer, got ${seed}`);
  const o = resolveRunOptions(opts);
  const t0 = performance.now();
  const timing = zeroTiming();

  const evalStartMs = SCENARIO_START_MS + s.warmupSeconds * 1000;
  const anomalies: DwcpAnomaly[] = [];
  let warmupAnomalies = 0;
  const sink: OutcomeSink = {
    handle(outcome) {
      for (const x of outcome.opened) {
        if (x.anomaly.startedAtMs < evalStartMs) warmupAnomalies++;
        else anomalies.push(x.anomaly);
      }
      hooks?.onOutcome?.(outcome, clockMs);
      return Promise.resolve();
    },
  };
  let clockMs = SCENARIO_START_MS;
  const candidate = runCandidate(o);
  const { pipeline, engine } = buildPipeline({
    detection: runDetectionSettings(s, o),
    ...(candidate ? { candidate } : {}),
    store: null,
    sink,
    clock: () => clockMs,
  });

  const specs = scenarioNodeSpecs(s, seed);
  const nodes = specs.map((sp) => scenarioProcess(s, sp, 0, o.rolloutPercent));
  const families = nodes.map((n) => (o.sampling === 'json' ? analysedFamilies(n) : []));
  const generation = new Array<number>(s.nodes).fill(0);
  const pending: (Sample[] | null)[] = new Array<Sample[] | null>(s.nodes).fill(null);
  const scraper = new Scraper({
    now: () => clockMs,
    onSamples: async (target, samples, _startMs, outcome) => {
      const step = await pipeline.ingest({ target, samples, outcome });
      timing.trackMs += step.trackMs;
      timing.engineMs += step.detectMs;
    },
  });
  specs.forEach((sp, i) => {
    scraper.addTarget({
      id: sp.id,
      labels: { instance: `127.0.0.1:${sp.port}`, region: sp.region, node: sp.id },
      source: {
        collect: () => {
          const got = pending[i];
          if (!got) throw new Error('connection refused');
          return got;
        },
      },
    });
  });

  const restartsAt = new Map<number, number[]>();
  for (const x of s.restarts) restartsAt.set(x.atMs, [...(restartsAt.get(x.atMs) ?? []), x.node]);
  const read = (n: SimNode, i: number, tMs: number): Promise<Sample[]> =>
    o.sampling === 'json' ? readJson(n, families[i]!, tMs) : readExposition(n, tMs);

  for (let sec = 0; sec < s.durationSeconds; sec++) {
    const tickMs = SCENARIO_START_MS + sec * 1000;
    for (const i of restartsAt.get(sec * 1000) ?? []) {
      generation[i]!++;
      nodes[i] = scenarioProcess(s, specs[i]!, generation[i]!, o.rolloutPercent);
      if (o.sampling === 'json') families[i] = analysedFamilies(nodes[i]!);
    }
    let a = performance.now();
    for (const n of nodes) n.tick(tickMs);
    timing.simMs += performance.now() - a;
    clockMs = tickMs + o.scrapeOffsetMs;
    for (let i = 0; i < nodes.length; i++) {
      const n = nodes[i]!;
      a = performance.now();
      pending[i] = n.currentEffects.down ? null : await read(n, i, clockMs);
      timing.scrapeMs += performance.now() - a;
      const before = timing.trackMs + timing.engineMs;
      a = performance.now();
      await scraper.scrapeOnce(n.id);
      // The scraper's own work (relabelling, synthetic samples) counts as scraping.
      timing.scrapeMs += performance.now() - a - (timing.trackMs + timing.engineMs - before);
      pending[i] = null;
    }
    hooks?.onTick?.(clockMs);
  }

  const labels = scenarioLabels(s);
  const detections: EvalDetection[] = anomalies.map((x) => ({
    metric: x.metric,
    labels: x.labels,
    startedAtMs: x.startedAtMs,
    detectedAtMs: x.detectedAtMs,
  }));
  const evaluation = evaluateDetections(labels, detections, o.evaluate);
  const counters = pipeline.counters();
  timing.totalMs = performance.now() - t0;
  return {
    scenario: s.name,
    seed,
    benign: isBenign(s),
    startMs: SCENARIO_START_MS,
    evalStartMs,
    endMs: SCENARIO_START_MS + s.durationSeconds * 1000,
    labels,
    detections,
    anomalies,
    warmupAnomalies,
    evaluation,
    samples: counters.samplesReceived,
    inputs: counters.inputsProcessed,
    analysedSeries: engine.size,
    timing,
  };
}
