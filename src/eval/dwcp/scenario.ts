/**
 * The labelled DWCP scenario model: a simulated cluster run with ground-truth faults (or none: a benign
 * scenario), benign level shifts and process restarts, and its validation. Times are relative to the
 * simulation start.
 */
import { InvalidInputError } from '../../errors.ts';
import { FAULT_KINDS } from '../../model/anomaly.ts';
import { validateLevelShift, type LevelShift } from '../../sim/events.ts';
import { magnitudeProblem, type ScheduledFault } from '../../sim/faults.ts';

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

/** Whether the scenario has no labelled fault (any detection in it is a false alert). */
export function isBenign(s: DwcpScenario): boolean {
  return s.faults.length === 0;
}

/**
 * Checks a scenario.
 * @throws InvalidInputError for an empty or non-kebab-case name, nodes outside 1..MAX_SCENARIO_NODES, a duration
 *   outside 1..MAX_SCENARIO_SECONDS, a warm-up outside 0..duration, a bad day length, an unknown fault kind, a
 *   fault or event on a node outside the cluster, a fault starting before the warm-up ends or ending after the
 *   run, a magnitude out of its kind's range (src/sim/faults.ts `magnitudeProblem`), a bad level shift, or a
 *   restart outside (0, duration).
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
    const problem = magnitudeProblem(f.kind, f.magnitude);
    if (problem !== undefined) bad(`${at}.magnitude: ${problem}`);
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
