/**
 * DWCP labelled-scenario evaluation: a catalogue of simulator scenarios with ground-truth fault labels (and
 * benign scenarios without any), and a virtual-time runner that puts a detector through the monitor's own
 * pipeline and scores it with `evaluateDetections` (precision, recall, F1, detection delay p50/p95).
 *
 * Pipeline of one run (everything in virtual time, no timers, no sockets):
 * 1. N SimNodes, built exactly as `startCluster` builds them for the same seed (round-robin regions, so with
 *    3 nodes: node-1 datacenter, node-2 internet, node-3 hybrid), are ticked once per second.
 * 2. Each node is scraped once per second, `scrapeOffsetMs` after its tick (default 500 ms: the mean phase
 *    between two unsynchronised 1 s timers), through the monitor's own `Scraper` with an in-process source:
 *    target labels `{job: 'dwcp', instance, region, node}` and the synthetic `up` / `scrape_*` samples are added
 *    by the scraper's code. A node that is down (node_down) fails its scrape, so the batch holds only the
 *    synthetic samples with `up == 0`, as for an HTTP target whose server is closed.
 *    Samples come from the node's prom-client registry in one of two ways ({@link DwcpSampling}):
 *    `exposition` renders the text format and parses it with the repo's parser (what the monitor does over
 *    HTTP, every sample); `json` (default) reads only the metric families the engine analyses from the
 *    registry's values and leaves out `_bucket` samples. Both give the same detection inputs (the tracker keeps
 *    independent state per series and derives nothing from buckets or unanalysed metrics; asserted by
 *    test/unit/dwcp-scenarios.test.ts); `json` makes a whole 3-node run ~3x cheaper (measured: 2.8 s vs 9.5 s
 *    of CPU for 420 s of 3 nodes), because rendering + parsing + tracking ~750 samples per scrape shrinks to
 *    reading + tracking ~175. Only the unanalysed `scrape_samples_scraped` value differs.
 *
 * Cost of the default suite (26 scenarios x 3 seeds, 3 nodes x 300 s each, statistical detector): ~135 s of
 * CPU on one core, spent ~31 % in SimNode ticks, ~26 % reading registries and relabelling, ~35 % in the series
 * tracker and ~8 % in the detection engine and its detectors.
 * 3. `SeriesTracker` derives detection inputs (gauge values, counter rates, histogram means) and
 *    `DetectionEngine` turns verdicts into anomalies with the options the live monitor uses (main.ts with the
 *    config defaults: {@link liveEngineOptions}); `process(inputs, scrapeTimeMs)` as in main.ts.
 * 4. Anomalies that START during the warm-up (`warmupSeconds`, when detectors have not yet seen a stable
 *    baseline and the simulator settles into its modes) are counted apart and not evaluated; every fault starts
 *    after the warm-up. All other anomalies are the detections scored against the labels.
 *
 * Benign scenarios (no labels): compressed no-fault "days" (seasonality), deploy-like permanent level shifts
 * (src/sim/events.ts) and a process restart between two scrapes (counters reset). Every anomaly in them is a
 * false alert. See {@link DWCP_SCENARIOS} for what each one does and why a good detector must stay quiet.
 */
import { LIVE_ANALYSED_KINDS, liveExcluded } from '../monitor/live-detector.ts';

import type { DetectorFactory } from '../analysis/anomaly/detector.ts';
import {
  evaluateDetections,
  nearestRank,
  type EvalDetection,
  type EvaluateOptions,
  type Evaluation,
} from '../analysis/anomaly/evaluate.ts';
import { createStatisticalDetector } from '../analysis/anomaly/statistical.ts';
import { metricForSampleName } from '../catalog/index.ts';
import { monitorConfigSchema } from '../config.ts';
import { InvalidInputError } from '../errors.ts';
import { detectionScores } from '../math/classification.ts';
import { parseExposition } from '../ingest/exposition.ts';
import { Scraper } from '../ingest/scraper.ts';
import type { Anomaly, FaultKind, FaultLabel, MetricKind } from '../model/anomaly.ts';
import { FAULT_KINDS } from '../model/anomaly.ts';
import type { Sample } from '../model/sample.ts';
import { DetectionEngine, type DetectionEngineOptions } from '../monitor/detection-engine.ts';
import { SeriesTracker } from '../monitor/series-tracker.ts';
import { validateLevelShift, type LevelShift } from '../sim/events.ts';
import { DEFAULT_MAGNITUDE, type ScheduledFault } from '../sim/faults.ts';
import { faultLabel } from '../sim/labels.ts';
import { linkClassForRegion, linkProfile, SimNode } from '../sim/node.ts';
import { Prng } from '../sim/prng.ts';

// ---------------------------------------------------------------------------------------------------------
// Scenario model
// ---------------------------------------------------------------------------------------------------------

/** A process restart of one node: all in-process state, including every counter and histogram, starts over. */
export interface NodeRestart {
  /** 0-based node index. */
  readonly node: number;
  /** Relative time (ms) of the first tick of the new process (whole seconds). */
  readonly atMs: number;
}

/** One labelled scenario. Times are relative to the simulation start (ms). */
export interface DwcpScenario {
  /** Unique, kebab-case. */
  readonly name: string;
  /** What happens and what a good detector should do. */
  readonly description: string;
  /** Number of nodes (regions are assigned round-robin from {@link SCENARIO_REGIONS}). */
  readonly nodes: number;
  /** Length of the run in seconds (ticks and scrapes at 0, 1, ..., durationSeconds - 1). */
  readonly durationSeconds: number;
  /** Anomalies starting before this (seconds) are not evaluated; every fault starts at or after it. */
  readonly warmupSeconds: number;
  /** Period of the simulator's daily seasonality (86400 = real day: flat over a run of minutes). */
  readonly daySeconds: number;
  /** Labelled faults (ground truth). Empty = benign scenario. */
  readonly faults: readonly ScheduledFault[];
  /** Benign permanent level shifts (never labelled). */
  readonly levelShifts: readonly LevelShift[];
  /** Process restarts (never labelled themselves; pair one with a node_down fault for a restart with a gap). */
  readonly restarts: readonly NodeRestart[];
}

/** Regions of scenario nodes, as in the demo: node-1 datacenter, node-2 internet, node-3 hybrid. */
export const SCENARIO_REGIONS: readonly string[] = Object.freeze(['us-east', 'eu-west', 'ap-south']);
/** Nodes per catalogue scenario (one per link class). */
export const SCENARIO_NODES = 3;
/** Length of a catalogue scenario run (s). */
export const SCENARIO_SECONDS = 300;
/** Warm-up of a catalogue scenario (s): one statistical-detector baseline window (100 samples at 1 s). */
export const SCENARIO_WARMUP_SECONDS = 100;
/** Seeds of the default suite. */
export const DEFAULT_SEEDS: readonly number[] = Object.freeze([1, 2, 3]);
/** Largest run accepted (virtual seconds). */
export const MAX_SCENARIO_SECONDS = 86_400;
/** Most nodes in a scenario. */
export const MAX_SCENARIO_NODES = 50;
/** Sim start of every run (Unix ms); only relative times matter. */
export const SCENARIO_START_MS = Date.UTC(2026, 0, 1);

const REAL_DAY = 86_400;

/** Whether the scenario has no labelled fault (any detection in it is a false alert). */
export function isBenign(s: DwcpScenario): boolean {
  return s.faults.length === 0;
}

/**
 * Checks a scenario.
 * @throws InvalidInputError for an empty or non-kebab-case name, nodes outside 1..MAX_SCENARIO_NODES, a duration
 *   outside 1..MAX_SCENARIO_SECONDS, a warm-up outside 0..duration, a bad day length, an unknown fault kind, a
 *   fault or event on a node outside the cluster, a fault starting before the warm-up ends or ending after the
 *   run, a magnitude out of its kind's range, a bad level shift, or a restart outside (0, duration).
 */
export function validateScenario(s: DwcpScenario): void {
  const where = `scenario ${JSON.stringify(s.name)}`;
  const bad = (msg: string): never => {
    throw new InvalidInputError(`${where}: ${msg}`);
  };
  if (typeof s.name !== 'string' || !/^[a-z0-9]+(-[a-z0-9]+)*$/.test(s.name))
    bad('name must be non-empty kebab-case (a-z, 0-9, -)');
  if (!Number.isInteger(s.nodes) || s.nodes < 1 || s.nodes > MAX_SCENARIO_NODES)
    bad(`nodes must be an integer in 1..${MAX_SCENARIO_NODES}, got ${s.nodes}`);
  if (
    !Number.isInteger(s.durationSeconds) ||
    s.durationSeconds < 1 ||
    s.durationSeconds > MAX_SCENARIO_SECONDS
  )
    bad(`durationSeconds must be an integer in 1..${MAX_SCENARIO_SECONDS}, got ${s.durationSeconds}`);
  if (!Number.isInteger(s.warmupSeconds) || s.warmupSeconds < 0 || s.warmupSeconds >= s.durationSeconds)
    bad(`warmupSeconds must be an integer in 0..durationSeconds-1, got ${s.warmupSeconds}`);
  if (!(Number.isFinite(s.daySeconds) && s.daySeconds > 0))
    bad(`daySeconds must be > 0, got ${s.daySeconds}`);
  const endMs = s.durationSeconds * 1000;
  s.faults.forEach((f, i) => {
    const at = `faults[${i}]`;
    if (!FAULT_KINDS.includes(f.kind)) bad(`${at}: unknown fault kind ${String(f.kind)}`);
    if (!Number.isInteger(f.node) || f.node < 0 || f.node >= s.nodes)
      bad(`${at}: node index ${f.node} outside the cluster of ${s.nodes} nodes`);
    if (!(Number.isFinite(f.startMs) && f.startMs >= s.warmupSeconds * 1000))
      bad(`${at}: must start at or after the warm-up (${s.warmupSeconds} s), got ${f.startMs} ms`);
    if (!(Number.isFinite(f.durationMs) && f.durationMs > 0 && f.startMs + f.durationMs <= endMs))
      bad(`${at}: duration must be > 0 and the fault must end within the run (${endMs} ms)`);
    checkMagnitude(f, (m) => bad(`${at}: ${m}`));
  });
  s.levelShifts.forEach((e, i) => {
    try {
      validateLevelShift(e);
    } catch (err) {
      bad(`levelShifts[${i}]: ${(err as Error).message}`);
    }
    if (e.node >= s.nodes)
      bad(`levelShifts[${i}]: node index ${e.node} outside the cluster of ${s.nodes} nodes`);
  });
  s.restarts.forEach((r, i) => {
    if (!Number.isInteger(r.node) || r.node < 0 || r.node >= s.nodes)
      bad(`restarts[${i}]: node index ${r.node} outside the cluster of ${s.nodes} nodes`);
    if (!(Number.isInteger(r.atMs / 1000) && r.atMs > 0 && r.atMs < endMs))
      bad(`restarts[${i}]: atMs must be a whole second inside the run, got ${r.atMs}`);
  });
}

/** The same magnitude rules as scenario files (src/sim/scenario.ts). */
function checkMagnitude(f: ScheduledFault, bad: (msg: string) => never): void {
  const m = f.magnitude;
  if (!(Number.isFinite(m) && m > 0)) bad(`magnitude must be a number > 0, got ${m}`);
  if (f.kind === 'throughput_drop' && m >= 1)
    bad(`throughput_drop is the share lost, must be in (0, 1), got ${m}`);
  if ((f.kind === 'latency_spike' || f.kind === 'consensus_timeouts' || f.kind === 'v3_regression') && m <= 1)
    bad(`${f.kind} is a slow-down factor, must be > 1, got ${m}`);
}

// ---------------------------------------------------------------------------------------------------------
// Catalogue
// ---------------------------------------------------------------------------------------------------------

const S = 1000;
const DC = 0; // node-1, datacenter
const NET = 1; // node-2, internet
const HYB = 2; // node-3, hybrid

function fault(
  kind: FaultKind,
  node: number,
  startS: number,
  durationS: number,
  magnitude?: number,
): ScheduledFault {
  return Object.freeze({
    kind,
    node,
    startMs: startS * S,
    durationMs: durationS * S,
    magnitude: magnitude ?? DEFAULT_MAGNITUDE[kind],
  });
}

/** A deploy rolled out one node after the other, 20 s apart, from `startS` on. */
function rollingShift(target: LevelShift['target'], factor: number, startS: number): LevelShift[] {
  return [DC, NET, HYB].map((node, i) =>
    Object.freeze({ target, node, startMs: (startS + 20 * i) * S, factor }),
  );
}

function scenario(
  name: string,
  description: string,
  parts: Partial<Pick<DwcpScenario, 'faults' | 'levelShifts' | 'restarts' | 'daySeconds'>>,
): DwcpScenario {
  const s: DwcpScenario = {
    name,
    description,
    nodes: SCENARIO_NODES,
    durationSeconds: SCENARIO_SECONDS,
    warmupSeconds: SCENARIO_WARMUP_SECONDS,
    daySeconds: parts.daySeconds ?? REAL_DAY,
    faults: Object.freeze([...(parts.faults ?? [])]),
    levelShifts: Object.freeze([...(parts.levelShifts ?? [])]),
    restarts: Object.freeze([...(parts.restarts ?? [])]),
  };
  validateScenario(s);
  return Object.freeze(s);
}

/** Day length that puts the seasonal peak (sin = 1: most load, highest latency, lowest throughput) at `atS`. */
const peakAt = (atS: number): number => 4 * atS;

/**
 * The default catalogue (26 scenarios: 19 with labelled faults, 7 benign). 3 nodes (node-1 datacenter, node-2
 * internet, node-3 hybrid), 300 s each, 100 s warm-up, 1 s ticks and scrapes; faults start at 120-160 s and end
 * by 270 s, so that recovery (and any false alert after it) is inside the run. Unless stated, `daySeconds` is a
 * real day, so seasonality is flat over the run.
 *
 * Benign scenarios, and why a good detector must not page on them:
 * - `no-fault-steady`: nothing happens. The control for the false-alert rate of plain noise.
 * - `no-fault-day` / `no-fault-two-days`: a whole daily cycle compressed into the run (daySeconds 300, and two
 *   cycles of 150 s). Load swings ±10 %, latency ±5 %, throughput ∓5 %, loss ±20 % (node.ts), every day. A
 *   daily peak is normal traffic, not an incident; paging on it every day is the classic false alarm.
 * - `deploy-latency-improvement`: a rolling deploy (node-1 at 140 s, node-2 at 160 s, node-3 at 180 s) makes
 *   link latency 20 % lower for good (level shift factor 0.8): operation, migration, sync and RDMA latencies
 *   fall, internet TCP stream counts rise, datacenter throughput rises ~2 %, the hybrid node spends more of its
 *   latency oscillation in datacenter mode. Every SLO-relevant metric moves in its good direction; nobody should
 *   be woken up because the system got faster.
 * - `deploy-throughput-gain`: the same rolling deploy raises throughput by 15 % for good (factor 1.15):
 *   throughput gauges and byte rates +15 %, migrations ~13 % shorter, the speedup factor +15 %, network
 *   utilisation +15 % relative (more useful work on the same link), SLA compliance can only improve. A
 *   performance gain is not an incident; a detector that judges bandwidth in both directions (the statistical
 *   baseline does) is expected to page here, and this scenario measures exactly that cost.
 * - `deploy-small-latency-step`: the rolling deploy makes latency 2 % HIGHER for good (factor 1.02): the bad
 *   direction, but the step is the size of one standard deviation of the per-tick link-latency noise (2 %),
 *   less than half the normal ±5 % daily latency swing, and far inside the noise of the per-interval
 *   operation-latency means (uniform 3-8 x RTT). No SLO can see it; a page on it is noise.
 * - `node-restart-no-gap`: node-1's process restarts between two scrapes at 180 s: every counter and histogram
 *   starts again from 0 and every gauge is re-initialised (the new process re-detects its mode). The monitor's
 *   tracker treats a counter decrease as a reset (as Prometheus' `rate`), so derived rates and means stay
 *   correct and nothing should fire; a detector that pages here is paging on a bookkeeping artefact.
 *
 * Fault scenarios (labels from src/sim/labels.ts; metrics = every metric the fault moves):
 * - one per fault kind at the default magnitude (DEFAULT_MAGNITUDE), on varied link classes;
 * - milder variants: latency ×1.5, throughput −25 %, compression ratio 2.0 on a ~2.6 datacenter node, memory
 *   leak 0.05 %/s (a slow creep of 7.5 points over 150 s), v3 regression ×1.5, consensus ×2;
 * - overlapping faults on different nodes (two and three at once);
 * - faults at the seasonal peak (day length chosen so the peak is at the fault start: the detector's baseline
 *   was built while load was climbing, and the fault moves the metric in the same direction as the season);
 * - `node-restart`: node-2 goes down for 5 s (labelled node_down, detected via `up == 0`) and comes back as a
 *   fresh process with counters reset; anything else that fires is a false alert.
 */
export const DWCP_SCENARIOS: readonly DwcpScenario[] = Object.freeze([
  // One per fault kind, default magnitudes.
  scenario('latency-spike', 'latency_spike x5 for 60 s on node-1 (datacenter; it leaves datacenter mode).', {
    faults: [fault('latency_spike', DC, 140, 60)],
  }),
  scenario('throughput-drop', 'throughput_drop 70 % for 60 s on node-1 (datacenter).', {
    faults: [fault('throughput_drop', DC, 140, 60)],
  }),
  scenario(
    'compression-degradation',
    'compression_degradation: ratio forced to 1.2 (from ~4.2) for 60 s on node-2 (internet).',
    { faults: [fault('compression_degradation', NET, 140, 60)] },
  ),
  scenario(
    'consensus-timeouts',
    'consensus_timeouts x5, 50 % of rounds time out, for 60 s on node-3 (hybrid).',
    {
      faults: [fault('consensus_timeouts', HYB, 140, 60)],
    },
  ),
  scenario('byzantine-events', 'byzantine_events 3/s for 60 s on node-2 (internet).', {
    faults: [fault('byzantine_events', NET, 140, 60)],
  }),
  scenario('node-down', 'node_down for 15 s on node-3 (hybrid): scrapes fail, up == 0.', {
    faults: [fault('node_down', HYB, 140, 15)],
  }),
  scenario('memory-leak', 'memory_leak +2 %/s for 30 s on node-1 (memory 42 % -> ~99 %).', {
    faults: [fault('memory_leak', DC, 140, 30)],
  }),
  scenario(
    'v3-regression',
    'v3_regression x3 (v3 migrations and operations) for 60 s on node-1 (datacenter).',
    {
      faults: [fault('v3_regression', DC, 140, 60)],
    },
  ),
  // Milder variants.
  scenario('latency-spike-mild', 'latency_spike x1.5 for 60 s on node-2 (internet).', {
    faults: [fault('latency_spike', NET, 140, 60, 1.5)],
  }),
  scenario('throughput-drop-mild', 'throughput_drop 25 % for 60 s on node-3 (hybrid).', {
    faults: [fault('throughput_drop', HYB, 140, 60, 0.25)],
  }),
  scenario(
    'compression-degradation-mild',
    'compression_degradation: ratio 2.0 (from ~2.6, lz4) for 60 s on node-1 (datacenter).',
    { faults: [fault('compression_degradation', DC, 140, 60, 2)] },
  ),
  scenario('consensus-timeouts-mild', 'consensus_timeouts x2 (50 % of rounds time out) for 60 s on node-1.', {
    faults: [fault('consensus_timeouts', DC, 140, 60, 2)],
  }),
  scenario('memory-leak-slow', 'memory_leak +0.05 %/s for 150 s on node-2: a 7.5-point creep.', {
    faults: [fault('memory_leak', NET, 120, 150, 0.05)],
  }),
  scenario('v3-regression-mild', 'v3_regression x1.5 for 60 s on node-3 (hybrid).', {
    faults: [fault('v3_regression', HYB, 140, 60, 1.5)],
  }),
  // Overlapping faults on different nodes.
  scenario(
    'overlap-latency-throughput',
    'latency_spike x5 on node-1 (140-200 s) overlapping throughput_drop 70 % on node-2 (160-220 s).',
    { faults: [fault('latency_spike', DC, 140, 60), fault('throughput_drop', NET, 160, 60)] },
  ),
  scenario(
    'overlap-three-nodes',
    'consensus_timeouts x5 on node-3 (130-190 s), compression ratio 1.2 on node-1 (145-205 s), memory_leak ' +
      '+0.5 %/s on node-2 (160-200 s): three faults on three nodes, overlapping.',
    {
      faults: [
        fault('consensus_timeouts', HYB, 130, 60),
        fault('compression_degradation', DC, 145, 60, 1.2),
        fault('memory_leak', NET, 160, 40, 0.5),
      ],
    },
  ),
  // Faults at the seasonal peak.
  scenario(
    'peak-throughput-drop-mild',
    'throughput_drop 25 % for 60 s on node-1 starting at the daily peak (daySeconds 640, peak at 160 s).',
    { faults: [fault('throughput_drop', DC, 160, 60, 0.25)], daySeconds: peakAt(160) },
  ),
  scenario(
    'peak-latency-spike-mild',
    'latency_spike x1.5 for 60 s on node-2 starting at the daily peak (daySeconds 640, peak at 160 s).',
    { faults: [fault('latency_spike', NET, 160, 60, 1.5)], daySeconds: peakAt(160) },
  ),
  // Restart with a gap.
  scenario(
    'node-restart',
    'node-2 restarts: down for 5 s at 160 s (node_down), then a fresh process with every counter reset.',
    { faults: [fault('node_down', NET, 160, 5)], restarts: [{ node: NET, atMs: 165 * S }] },
  ),
  // Benign.
  scenario(
    'no-fault-steady',
    'No fault, flat seasonality (real day): the noise-only false-alert control.',
    {},
  ),
  scenario('no-fault-day', 'No fault; one whole daily cycle in the run (daySeconds 300).', {
    daySeconds: SCENARIO_SECONDS,
  }),
  scenario('no-fault-two-days', 'No fault; two daily cycles in the run (daySeconds 150).', {
    daySeconds: SCENARIO_SECONDS / 2,
  }),
  scenario(
    'deploy-latency-improvement',
    'Rolling deploy (node-1 140 s, node-2 160 s, node-3 180 s): link latency -20 % for good.',
    { levelShifts: rollingShift('latency', 0.8, 140) },
  ),
  scenario(
    'deploy-throughput-gain',
    'Rolling deploy (node-1 140 s, node-2 160 s, node-3 180 s): throughput +15 % for good.',
    { levelShifts: rollingShift('throughput', 1.15, 140) },
  ),
  scenario(
    'deploy-small-latency-step',
    'Rolling deploy (node-1 140 s, node-2 160 s, node-3 180 s): latency +2 % for good (within normal variation).',
    { levelShifts: rollingShift('latency', 1.02, 140) },
  ),
  scenario(
    'node-restart-no-gap',
    'node-1 restarts between two scrapes at 180 s: counters reset, no downtime.',
    {
      restarts: [{ node: DC, atMs: 180 * S }],
    },
  ),
]);

// ---------------------------------------------------------------------------------------------------------
// Live defaults
// ---------------------------------------------------------------------------------------------------------


/** Engine options that are not the detector: what a run may override. */
export type EngineOverrides = Partial<
  Pick<
    DetectionEngineOptions,
    'minConfidence' | 'confirmSamples' | 'cooldownMs' | 'resolveAfterSamples' | 'maxSeries' | 'kinds' | 'exclude'
  >
>;

/**
 * The detection-engine options of the live monitor: main.ts's wiring with the configuration defaults
 * (`detection.minConfidence` 0.8, `confirmSamples` 2, `cooldown` 5 min, `maxSeries` 50 000, read from the
 * config schema), `resolveAfterSamples` 3, {@link LIVE_ANALYSED_KINDS} as in main.ts, and the series the
 * default live detector leaves out (`liveExcluded`).
 */
export function liveEngineOptions(): Required<EngineOverrides> {
  const det = monitorConfigSchema.parse({}).detection;
  return {
    minConfidence: det.minConfidence,
    confirmSamples: det.confirmSamples,
    cooldownMs: det.cooldown,
    resolveAfterSamples: 3,
    maxSeries: det.maxSeries,
    kinds: LIVE_ANALYSED_KINDS,
    exclude: liveExcluded(det.detector),
  };
}

/** The live monitor's detector factory (main.ts: the engine does the cooldown, so the detector's is 0). */
export const liveStatisticalFactory: DetectorFactory = (ctx) =>
  createStatisticalDetector(ctx, { cooldownMs: 0 });

// ---------------------------------------------------------------------------------------------------------
// Runner
// ---------------------------------------------------------------------------------------------------------

/** How samples are read from a node's registry (see the module comment). */
export type DwcpSampling = 'json' | 'exposition';

/** Options of {@link runDwcpScenario} and {@link runDwcpSuite}. */
export interface DwcpRunOptions {
  /** Creates one detector per analysed series (e.g. {@link liveStatisticalFactory}). */
  readonly factory: DetectorFactory;
  /** Stored with each anomaly. Non-empty. */
  readonly detectorName: string;
  /** Overrides of {@link liveEngineOptions}. */
  readonly engine?: EngineOverrides;
  /** Default `json`. */
  readonly sampling?: DwcpSampling;
  /** Scrape time after each tick, integer ms in 0..999 (default 500). */
  readonly scrapeOffsetMs?: number;
  /** Evaluation options (default `DEFAULT_EVALUATE_OPTIONS`: 10 s grace, node label names). */
  readonly evaluate?: Partial<EvaluateOptions>;
  /** Share of v3 migrations (default 25, as `startCluster`). */
  readonly rolloutPercent?: number;
}

/** Where the time of a run went (ms of wall time; not deterministic). */
export interface DwcpTiming {
  /** SimNode ticks. */
  simMs: number;
  /** Reading registries (render + parse, or values) and the scraper's relabelling. */
  scrapeMs: number;
  /** SeriesTracker.admit. */
  trackMs: number;
  /** DetectionEngine.process (the detectors). */
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
  /** Samples delivered to the tracker (with `json` sampling only those of analysed families). */
  readonly samples: number;
  /** Detection inputs the engine processed (run through a detector or the target-health check). */
  readonly inputs: number;
  /** Series with engine state (detector or target health). */
  readonly analysedSeries: number;
  readonly timing: DwcpTiming;
}

interface ResolvedRun {
  readonly engine: DetectionEngineOptions;
  readonly sampling: DwcpSampling;
  readonly offsetMs: number;
  readonly evaluate: Partial<EvaluateOptions>;
  readonly rollout: number;
}

const ENGINE_KEYS: readonly string[] = [
  'minConfidence',
  'confirmSamples',
  'cooldownMs',
  'resolveAfterSamples',
  'maxSeries',
  'kinds',
  'exclude',
];
const RUN_KEYS: readonly string[] = [
  'factory',
  'detectorName',
  'engine',
  'sampling',
  'scrapeOffsetMs',
  'evaluate',
  'rolloutPercent',
];

/**
 * Validates and completes run options.
 * @throws InvalidInputError (see {@link runDwcpScenario}).
 */
function resolveRun(opts: DwcpRunOptions): ResolvedRun {
  const bad = (msg: string): never => {
    throw new InvalidInputError(`DWCP scenario run: ${msg}`);
  };
  if (opts === null || typeof opts !== 'object') bad('options must be an object');
  for (const k of Object.keys(opts)) if (!RUN_KEYS.includes(k)) bad(`unknown option ${k}`);
  if (typeof opts.factory !== 'function') bad('factory must be a function');
  if (typeof opts.detectorName !== 'string' || opts.detectorName.trim() === '')
    bad('detectorName must be a non-empty string');
  const over = opts.engine ?? {};
  for (const k of Object.keys(over)) if (!ENGINE_KEYS.includes(k)) bad(`unknown engine option ${k}`);
  const e = { ...liveEngineOptions(), ...stripUndefined(over) };
  if (!(e.minConfidence >= 0 && e.minConfidence <= 1))
    bad(`engine.minConfidence must be in [0, 1], got ${e.minConfidence}`);
  for (const k of ['confirmSamples', 'resolveAfterSamples', 'maxSeries'] as const)
    if (!(Number.isInteger(e[k]) && e[k] >= 1)) bad(`engine.${k} must be an integer >= 1, got ${e[k]}`);
  if (!(Number.isFinite(e.cooldownMs) && e.cooldownMs >= 0))
    bad(`engine.cooldownMs must be finite and >= 0, got ${e.cooldownMs}`);
  if (!(e.kinds instanceof Set)) bad('engine.kinds must be a Set of metric kinds');
  if (typeof e.exclude !== 'function') bad('engine.exclude must be a function');
  const sampling = opts.sampling ?? 'json';
  if (sampling !== 'json' && sampling !== 'exposition')
    bad(`sampling must be 'json' or 'exposition', got ${String(sampling)}`);
  const offsetMs = opts.scrapeOffsetMs ?? 500;
  if (!(Number.isInteger(offsetMs) && offsetMs >= 0 && offsetMs <= 999))
    bad(`scrapeOffsetMs must be an integer in 0..999, got ${offsetMs}`);
  const rollout = opts.rolloutPercent ?? 25;
  if (!(Number.isFinite(rollout) && rollout >= 0 && rollout <= 100))
    bad(`rolloutPercent must be in 0..100, got ${rollout}`);
  const evaluate = opts.evaluate ?? {};
  // evaluate.ts validates graceMs/nodeLabelNames; check them up front so a bad value fails before a long run.
  evaluateDetections([], [], evaluate);
  return {
    engine: { ...e, factory: opts.factory, detectorName: opts.detectorName },
    sampling,
    offsetMs,
    evaluate,
    rollout,
  };
}

function stripUndefined<T extends object>(o: T): Partial<T> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(o)) if (v !== undefined) out[k] = v;
  return out as Partial<T>;
}

/** Catalog metric families a node exposes that the engine analyses (what `json` sampling reads). */
function analysedFamilies(kinds: ReadonlySet<MetricKind>, node: SimNode): string[] {
  const out: string[] = [];
  for (const m of node.registry.getMetricsAsArray()) {
    const def = metricForSampleName(m.name);
    if (def && def.group !== 'monitor' && kinds.has(def.anomalyKind)) out.push(m.name);
  }
  return out;
}

interface PromRow {
  readonly labels: Readonly<Record<string, string | number>>;
  readonly value: number;
  readonly metricName?: string;
}

/** Samples of the analysed families of `node` at `tMs`, without `_bucket` samples. */
async function readJson(node: SimNode, families: readonly string[], tMs: number): Promise<Sample[]> {
  const out: Sample[] = [];
  for (const name of families) {
    const metric = node.registry.getSingleMetric(name);
    if (!metric) continue;
    const rows = (await metric.get()).values as readonly PromRow[];
    for (const row of rows) {
      const sampleName = row.metricName ?? name;
      if (sampleName.endsWith('_bucket')) continue;
      const labels: Record<string, string> = {};
      for (const k in row.labels) labels[k] = String(row.labels[k]);
      out.push({ name: sampleName, labels, value: row.value, timestampMs: tMs });
    }
  }
  return out;
}

/** Every sample of `node` as the monitor gets it over HTTP: rendered text, parsed by the repo's parser. */
async function readExposition(node: SimNode, tMs: number): Promise<Sample[]> {
  const text = await node.registry.metrics();
  return parseExposition(text, { defaultTimestampMs: tMs, maxBytes: 10 * 1024 * 1024 }).samples;
}

interface NodeSpec {
  readonly id: string;
  readonly region: string;
  readonly profile: ReturnType<typeof linkProfile>;
  readonly seed: number;
  readonly ids: readonly string[];
  readonly regions: readonly string[];
}

/** Node identities, link profiles and seeds exactly as `startCluster` derives them for `seed`. */
function nodeSpecs(s: DwcpScenario, seed: number): NodeSpec[] {
  const root = new Prng(seed);
  const ids = Array.from({ length: s.nodes }, (_, i) => `node-${i + 1}`);
  const regions = SCENARIO_REGIONS.slice(0, Math.min(SCENARIO_REGIONS.length, s.nodes));
  return ids.map((id, i) => {
    const regionIndex = i % regions.length;
    const rng = root.fork();
    const profile = linkProfile(linkClassForRegion(regionIndex), rng);
    return {
      id,
      region: regions[regionIndex]!,
      profile,
      seed: Math.floor(rng.next() * 4294967296),
      ids,
      regions,
    };
  });
}

function nodeFrom(
  s: DwcpScenario,
  sp: NodeSpec,
  index: number,
  generation: number,
  rollout: number,
): SimNode {
  return new SimNode({
    id: sp.id,
    region: sp.region,
    profile: sp.profile,
    // A restarted process draws new noise (generation > 0), deterministically.
    seed: generation === 0 ? sp.seed : (sp.seed + Math.imul(generation, 0x9e3779b9)) >>> 0,
    rolloutPercent: rollout,
    daySeconds: s.daySeconds,
    startMs: SCENARIO_START_MS,
    faults: s.faults.filter((f) => f.node === index),
    levelShifts: s.levelShifts.filter((e) => e.node === index),
    peers: sp.ids.filter((x) => x !== sp.id),
    remoteRegions: sp.regions.filter((r) => r !== sp.region),
    warn: () => {},
  });
}

/**
 * Node `index` of scenario `s` for `seed`, as the runner builds it: identity, link profile and node seed as
 * `startCluster` derives them (regions {@link SCENARIO_REGIONS} round-robin), the scenario's faults and level
 * shifts of that node, sim start {@link SCENARIO_START_MS}. `generation` > 0 is the process after that many
 * restarts (fresh registry, new noise seed). Not yet ticked.
 * @throws InvalidInputError for a bad scenario or an index outside the cluster.
 */
export function createScenarioNode(
  s: DwcpScenario,
  seed: number,
  index: number,
  options: { readonly generation?: number; readonly rolloutPercent?: number } = {},
): SimNode {
  validateScenario(s);
  if (!Number.isInteger(index) || index < 0 || index >= s.nodes)
    throw new InvalidInputError(`node index ${index} outside the cluster of ${s.nodes} nodes`);
  return nodeFrom(
    s,
    nodeSpecs(s, seed)[index]!,
    index,
    options.generation ?? 0,
    options.rolloutPercent ?? 25,
  );
}

/** The ground-truth labels of a scenario's faults (src/sim/labels.ts), in fault order. Benign: none. */
export function scenarioLabels(s: DwcpScenario): FaultLabel[] {
  validateScenario(s);
  const specs = nodeSpecs(s, 1); // ids and regions do not depend on the seed
  return s.faults.map((f) => faultLabel(f, specs[f.node]!.id, specs[f.node]!.region, SCENARIO_START_MS));
}

/**
 * Runs one scenario with one seed in virtual time through the monitor's scraper, series tracker and detection
 * engine (see the module comment) and evaluates the anomalies against the scenario's fault labels.
 * Deterministic for (scenario, seed, options) except `timing`.
 * @throws InvalidInputError for a bad scenario (validateScenario), a seed that is not a safe integer, a
 *   missing factory or detectorName, unknown options, engine overrides out of range (minConfidence outside
 *   [0, 1], confirmSamples/resolveAfterSamples/maxSeries < 1, cooldownMs < 0, kinds not a Set), an unknown
 *   sampling, scrapeOffsetMs outside 0..999, rolloutPercent outside 0..100, or bad evaluate options.
 */
export async function runDwcpScenario(
  s: DwcpScenario,
  seed: number,
  opts: DwcpRunOptions,
): Promise<DwcpRunResult> {
  validateScenario(s);
  if (!Number.isSafeInteger(seed))
    throw new InvalidInputError(`DWCP scenario run: seed must be a safe integer, got ${seed}`);
  const r = resolveRun(opts);
  const t0 = performance.now();
  const timing: DwcpTiming = { simMs: 0, scrapeMs: 0, trackMs: 0, engineMs: 0, totalMs: 0 };

  const specs = nodeSpecs(s, seed);
  const nodes = specs.map((sp, i) => nodeFrom(s, sp, i, 0, r.rollout));
  const generation = new Array<number>(s.nodes).fill(0);
  const families = nodes.map((n) => (r.sampling === 'json' ? analysedFamilies(r.engine.kinds, n) : []));
  const tracker = new SeriesTracker(r.engine.maxSeries);
  const engine = new DetectionEngine(r.engine);
  const evalStartMs = SCENARIO_START_MS + s.warmupSeconds * 1000;
  const anomalies: DwcpAnomaly[] = [];
  let warmupAnomalies = 0;
  let samples = 0;
  let inputs = 0;

  let clockMs = SCENARIO_START_MS;
  const pending: (Sample[] | null)[] = new Array<Sample[] | null>(s.nodes).fill(null);
  const scraper = new Scraper({
    now: () => clockMs,
    onSamples: (_target, batch) => {
      samples += batch.length;
      let a = performance.now();
      const admitted = tracker.admit(batch);
      timing.trackMs += performance.now() - a;
      a = performance.now();
      const outcome = engine.process(admitted.inputs, clockMs);
      timing.engineMs += performance.now() - a;
      inputs += outcome.processed;
      for (const o of outcome.opened) {
        if (o.anomaly.startedAtMs < evalStartMs) warmupAnomalies++;
        else anomalies.push(o.anomaly);
      }
    },
  });
  // Target labels as the demo configures them (region, node); `instance` as an HTTP target on port 9101 + i.
  nodes.forEach((n, i) => {
    scraper.addTarget({
      id: n.id,
      labels: { instance: `127.0.0.1:${9101 + i}`, region: n.region, node: n.id },
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

  for (let sec = 0; sec < s.durationSeconds; sec++) {
    const tickMs = SCENARIO_START_MS + sec * 1000;
    for (const i of restartsAt.get(sec * 1000) ?? []) {
      generation[i]!++;
      nodes[i] = nodeFrom(s, specs[i]!, i, generation[i]!, r.rollout);
      if (r.sampling === 'json') families[i] = analysedFamilies(r.engine.kinds, nodes[i]!);
    }
    let a = performance.now();
    for (const n of nodes) n.tick(tickMs);
    timing.simMs += performance.now() - a;
    clockMs = tickMs + r.offsetMs;
    for (let i = 0; i < nodes.length; i++) {
      const n = nodes[i]!;
      a = performance.now();
      pending[i] = n.currentEffects.down
        ? null
        : r.sampling === 'json'
          ? await readJson(n, families[i]!, clockMs)
          : await readExposition(n, clockMs);
      timing.scrapeMs += performance.now() - a;
      const before = timing.trackMs + timing.engineMs;
      a = performance.now();
      await scraper.scrapeOnce(n.id);
      // The scraper's own work (relabelling, synthetic samples) counts as scraping.
      timing.scrapeMs += performance.now() - a - (timing.trackMs + timing.engineMs - before);
      pending[i] = null;
    }
  }

  const labels = scenarioLabels(s);
  const detections: EvalDetection[] = anomalies.map((x) => ({
    metric: x.metric,
    labels: x.labels,
    startedAtMs: x.startedAtMs,
    detectedAtMs: x.detectedAtMs,
  }));
  const evaluation = evaluateDetections(labels, detections, r.evaluate);
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
    samples,
    inputs,
    analysedSeries: engine.size,
    timing,
  };
}

// ---------------------------------------------------------------------------------------------------------
// Suite
// ---------------------------------------------------------------------------------------------------------

/** Pooled numbers over a set of runs (counts summed, delays pooled before taking percentiles). */
export interface DwcpAggregate {
  readonly runs: number;
  readonly faults: number;
  readonly detectedFaults: number;
  readonly detections: number;
  readonly matchedDetections: number;
  readonly falsePositiveDetections: number;
  /** matched / detections; null without detections. */
  readonly precision: number | null;
  /** detected / faults; null without faults. */
  readonly recall: number | null;
  /** null when precision or recall is null. */
  readonly f1: number | null;
  readonly delayP50Ms: number | null;
  readonly delayP95Ms: number | null;
  /** Evaluated anomalies per run (mean). */
  readonly anomaliesPerRun: number;
  /** Anomalies during warm-up per run (mean; not evaluated). */
  readonly warmupAnomaliesPerRun: number;
}

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

/** Pools runs: sums counts, pools delays of detected faults, nearest-rank p50/p95 (as evaluate.ts). */
export function aggregateRuns(runs: readonly DwcpRunResult[]): DwcpAggregate {
  let faults = 0;
  let detectedFaults = 0;
  let detections = 0;
  let matched = 0;
  let anomalies = 0;
  let warmup = 0;
  const delays: number[] = [];
  for (const r of runs) {
    const t = r.evaluation.totals;
    faults += t.faults;
    detectedFaults += t.detectedFaults;
    detections += t.detections;
    matched += t.matchedDetections;
    anomalies += r.anomalies.length;
    warmup += r.warmupAnomalies;
    for (const f of r.evaluation.faults)
      if (f.firstDetectionDelayMs !== null) delays.push(f.firstDetectionDelayMs);
  }
  delays.sort((a, b) => a - b);
  const { precision, recall, f1 } = detectionScores({ matchedDetections: matched, detections, detectedFaults, faults });
  const n = Math.max(1, runs.length);
  return {
    runs: runs.length,
    faults,
    detectedFaults,
    detections,
    matchedDetections: matched,
    falsePositiveDetections: detections - matched,
    precision,
    recall,
    f1,
    delayP50Ms: nearestRank(delays, 0.5),
    delayP95Ms: nearestRank(delays, 0.95),
    anomaliesPerRun: anomalies / n,
    warmupAnomaliesPerRun: warmup / n,
  };
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
  opts: DwcpRunOptions,
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
  resolveRun(opts);

  const timing: DwcpTiming = { simMs: 0, scrapeMs: 0, trackMs: 0, engineMs: 0, totalMs: 0 };
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
    detectorName: opts.detectorName,
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
