/**
 * Options of a soak run (src/eval/soak/run.ts), validated with zod: the simulated cluster (as `dwcp-monitor
 * simulate` derives it), how long it runs in virtual time, the monitor's detection settings (as `serve` reads
 * them from its configuration), how often each surface is read and over which window (the API's defaults are
 * passed in by the caller, which may import the server), faults (none for the healthy soak) and the series to
 * record for the generated Prometheus rules.
 */
import { z } from 'zod';
import { InvalidInputError } from '../../errors.ts';
import { DEFAULT_DETECTION_SETTINGS, type DetectionSettings } from '../../model/detection-settings.ts';
import { FAULT_KINDS } from '../../model/anomaly.ts';
import { magnitudeProblem, type ScheduledFault } from '../../sim/faults.ts';

/** Largest soak accepted (virtual seconds): two days. */
export const MAX_SOAK_SECONDS = 2 * 86_400;
/** Most nodes in a soak. */
export const MAX_SOAK_NODES = 50;

const positiveMs = z.number().int().positive();

const faultSchema = z.strictObject({
  kind: z.enum(FAULT_KINDS),
  node: z.number().int().min(0),
  startMs: z.number().int().min(0),
  durationMs: z.number().int().positive(),
  magnitude: z.number().finite().positive(),
});

/** The schema of {@link SoakOptions}. */
export const soakOptionsSchema = z.strictObject({
  /** Nodes of the simulated cluster (default 6, as `simulate`). */
  nodes: z.number().int().min(1).max(MAX_SOAK_NODES).default(6),
  /** Regions, round-robin (default those of `simulate`). */
  regions: z.array(z.string().min(1)).min(1).default(['us-east', 'eu-west', 'ap-south']),
  seed: z
    .number()
    .int()
    .min(0)
    .max(2 ** 32 - 1)
    .default(1),
  /** Port of node-1 in its `instance` label (node i: + i), as `simulate --port-base`. */
  portBase: z.number().int().min(1).max(65_000).default(9100),
  /** Virtual seconds from the cold start (ticks and scrapes at 0, 1, ..., durationSeconds - 1). */
  durationSeconds: z.number().int().min(60).max(MAX_SOAK_SECONDS).default(3600),
  /** Period of the simulator's daily seasonality, s (`simulate --day-seconds`; default 1800: a day every 30 min). */
  daySeconds: z.number().finite().min(60).max(86_400).default(1800),
  /** Share of v3 migrations, % (default 25, as `simulate`). */
  rolloutPercent: z.number().finite().min(0).max(100).default(25),
  /** Scrape time after each tick, ms (default 500). */
  scrapeOffsetMs: z.number().int().min(0).max(999).default(500),
  /**
   * Detection settings overriding the monitor's defaults; `seasonalPeriod` defaults to the simulated day, as an
   * operator configures `detection.seasonalPeriod` for a compressed day.
   */
  detection: z
    .strictObject({
      detector: z.enum(['ensemble', 'statistical']).optional(),
      seasonalPeriod: z.number().int().min(60_000).optional(),
      minConfidence: z.number().min(0).max(1).optional(),
      confirmSamples: z.number().int().min(1).optional(),
      cooldown: z.number().int().min(0).optional(),
      maxSeries: z.number().int().min(1).optional(),
    })
    .default({}),
  /** How often the rollout, SLO and region surfaces are read (default 15 s: the monitor's insights export). */
  insightsIntervalMs: positiveMs.default(15_000),
  /** How often the capacity surface is read (default 30 s: the web page's poll). */
  capacityIntervalMs: positiveMs.default(30_000),
  /** Windows the surfaces are read over (the API's defaults, passed in by the caller). */
  windows: z.strictObject({
    rolloutMs: positiveMs,
    sloMs: positiveMs,
    regionsMs: positiveMs,
    capacityMs: positiveMs,
  }),
  /**
   * A modelled node_exporter beside each node (src/sim/node-exporter-model.ts: an idle host's CPU, load, memory,
   * filesystem, network and disk series, scraped every second as target `<node>-host`), so that series outside
   * the DWCP catalog are soaked too (default false; `npm run bench:soak` turns it on). They learn for
   * `detection.inferredWarmup` (10 min) before they may open an anomaly, and their inputs count in the series-hours.
   */
  hostExporters: z.boolean().default(false),
  /** Faults (none for the healthy soak); times relative to the cold start. */
  faults: z.array(faultSchema).default([]),
  /**
   * Series recorded for the generated Prometheus rules: exact sample names, scraped every `intervalSeconds` as
   * the generated `dwcp` job does (target labels `job`, `instance`, `region`, `node`; honor_labels). Absent: none.
   */
  prometheus: z
    .strictObject({
      intervalSeconds: z.number().int().min(1).max(600),
      sampleNames: z.array(z.string().min(1)).min(1),
      /** Bound on recorded series. */
      maxSeries: z.number().int().min(1).default(100_000),
    })
    .optional(),
});

/** Options of a soak run (defaults applied where a field is left out). */
export type SoakOptions = z.input<typeof soakOptionsSchema>;
/** Validated options. */
export type ResolvedSoakOptions = z.output<typeof soakOptionsSchema>;

/**
 * Validates soak options and applies the defaults.
 * @throws InvalidInputError naming the path and problem of every bad field, a fault on a node outside the
 *   cluster, ending after the run or with a magnitude out of its kind's range.
 */
export function resolveSoakOptions(opts: SoakOptions): ResolvedSoakOptions {
  const res = soakOptionsSchema.safeParse(opts);
  if (!res.success) {
    const problems = res.error.issues.map((i) => `${i.path.join('.') || '(options)'}: ${i.message}`);
    throw new InvalidInputError(`soak: ${problems.join('; ')}`);
  }
  const o = res.data;
  o.faults.forEach((f, i) => {
    if (f.node >= o.nodes)
      throw new InvalidInputError(
        `soak: faults[${i}]: node ${f.node} outside the cluster of ${o.nodes} nodes`,
      );
    if (f.startMs + f.durationMs > o.durationSeconds * 1000)
      throw new InvalidInputError(`soak: faults[${i}]: ends after the run`);
    const bad = magnitudeProblem(f.kind, f.magnitude);
    if (bad !== undefined) throw new InvalidInputError(`soak: faults[${i}].magnitude: ${bad}`);
  });
  return o;
}

/** The detection settings of a soak: monitor defaults, the simulated day as seasonal period, the overrides. */
export function soakDetectionSettings(o: ResolvedSoakOptions): DetectionSettings {
  const over = Object.fromEntries(
    Object.entries(o.detection).filter(([, v]) => v !== undefined),
  ) as Partial<DetectionSettings>;
  return { ...DEFAULT_DETECTION_SETTINGS, seasonalPeriod: Math.round(o.daySeconds * 1000), ...over };
}

/** The faults as the simulator takes them. */
export function soakFaults(o: ResolvedSoakOptions): ScheduledFault[] {
  return o.faults.map((f) => ({ ...f }));
}
