/**
 * Fault scenario files (YAML, validated with zod 4):
 *
 * ```yaml
 * faults:
 *   - { kind: latency_spike, node: node-2, start: 15s, duration: 8s, magnitude: 5 }
 *   - { kind: node_down, node: 3, start: 40s, duration: 6s }   # node index 3 (0-based) = node-4
 * ```
 */
import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { parseDuration } from '../model/duration.ts';
import { ConfigError } from '../errors.ts';
import { FAULT_KINDS } from '../model/anomaly.ts';
import { DEFAULT_MAGNITUDE, magnitudeProblem, type ScheduledFault } from './faults.ts';

/** Faults in one scenario file at most (bounds memory of a hostile file). */
export const MAX_FAULTS = 1000;
/** Scenario files larger than this are refused. */
export const MAX_SCENARIO_BYTES = 1_000_000;

const durationText = z.union([z.string(), z.number()]);
const faultSchema = z.strictObject({
  kind: z.string(),
  node: z.union([z.string(), z.number()]),
  start: durationText,
  duration: durationText,
  magnitude: z.number().optional(),
});
const scenarioSchema = z.strictObject({ faults: z.array(faultSchema).max(MAX_FAULTS).default([]) });

/** A parsed scenario: faults with 0-based node indexes and times relative to the simulation start. */
export interface Scenario {
  readonly faults: readonly ScheduledFault[];
}

function pathText(path: readonly PropertyKey[]): string {
  let out = '';
  for (const p of path) out += typeof p === 'number' ? `[${p}]` : (out ? '.' : '') + String(p);
  return out || '(root)';
}

function toMs(v: string | number, where: string, src: string): number {
  if (typeof v === 'number') {
    if (!Number.isFinite(v) || v < 0)
      throw new ConfigError(`${src}: ${where}: must be a duration >= 0 (number = milliseconds), got ${v}`);
    return v;
  }
  try {
    return parseDuration(v);
  } catch (e) {
    throw new ConfigError(`${src}: ${where}: ${(e as Error).message}`, { cause: e });
  }
}

function nodeIndex(v: string | number, nodes: number, where: string, src: string): number {
  let idx: number;
  if (typeof v === 'number') {
    if (!Number.isInteger(v))
      throw new ConfigError(`${src}: ${where}: node index must be an integer, got ${v}`);
    idx = v;
  } else {
    const m = /^node-(\d+)$/.exec(v);
    if (!m)
      throw new ConfigError(
        `${src}: ${where}: node must be "node-<n>" (1-based) or a 0-based index, got "${v}"`,
      );
    idx = Number(m[1]) - 1;
  }
  if (idx < 0 || idx >= nodes) {
    throw new ConfigError(
      `${src}: ${where}: node ${JSON.stringify(v)} is out of range (the cluster has ${nodes} nodes: node-1..node-${nodes}, indexes 0..${nodes - 1})`,
    );
  }
  return idx;
}

/**
 * Parses and validates scenario YAML for a cluster of `nodes` nodes.
 * @param source name used in error messages (file path)
 * @throws ConfigError naming the path of the bad field (`faults[2].kind: unknown fault kind ...`), for YAML
 *   syntax errors, unknown kinds, bad durations, magnitudes out of range and nodes out of range.
 */
export function parseScenario(text: string, nodes: number, source = 'scenario'): Scenario {
  if (text.length > MAX_SCENARIO_BYTES)
    throw new ConfigError(`${source}: larger than ${MAX_SCENARIO_BYTES} bytes`);
  let raw: unknown;
  try {
    raw = parseYaml(text);
  } catch (e) {
    throw new ConfigError(`${source}: invalid YAML: ${(e as Error).message}`, { cause: e });
  }
  if (raw === null || raw === undefined) raw = {};
  const parsed = scenarioSchema.safeParse(raw);
  if (!parsed.success) {
    const msgs = parsed.error.issues.map((i) => `${pathText(i.path)}: ${i.message}`);
    throw new ConfigError(`${source}: ${msgs.join('; ')}`);
  }
  const faults: ScheduledFault[] = parsed.data.faults.map((f, i) => {
    const at = `faults[${i}]`;
    if (!(FAULT_KINDS as readonly string[]).includes(f.kind)) {
      throw new ConfigError(
        `${source}: ${at}.kind: unknown fault kind "${f.kind}" (known: ${FAULT_KINDS.join(', ')})`,
      );
    }
    const kind = f.kind as ScheduledFault['kind'];
    const startMs = toMs(f.start, `${at}.start`, source);
    const durationMs = toMs(f.duration, `${at}.duration`, source);
    if (durationMs <= 0) throw new ConfigError(`${source}: ${at}.duration: must be > 0`);
    const magnitude = f.magnitude ?? DEFAULT_MAGNITUDE[kind];
    const problem = magnitudeProblem(kind, magnitude);
    if (problem !== undefined) throw new ConfigError(`${source}: ${at}.magnitude: ${problem}`);
    return { kind, node: nodeIndex(f.node, nodes, `${at}.node`, source), startMs, durationMs, magnitude };
  });
  return { faults };
}

/**
 * Reads and parses a scenario file.
 * @throws ConfigError when the file cannot be read or is invalid (see parseScenario).
 */
export function loadScenario(path: string, nodes: number): Scenario {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new ConfigError(`cannot read scenario file ${path}: ${(e as Error).message}`, { cause: e });
  }
  return parseScenario(text, nodes, path);
}
