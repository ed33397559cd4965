/**
 * One series through the monitor's detection engine as `serve` builds it (default detection settings, one series),
 * with, per sample, each live member's score as a ratio to its own vote threshold (Holt-Winters level and CUSUM:
 * score s ↦ s/(1 − s), 1 on the threshold), whether the detector's verdict was reportable and anomalous at the
 * confidence floor, whether it was still warming up, and whether the engine opened an anomaly (with the members
 * that voted for it). Shared by the benches that look at the votes around NAB windows and corpus anomalies
 * (`vote-patterns.ts`, `nab-score-loss.ts`).
 */
import type { StreamingDetector, Verdict } from '../src/analysis/anomaly/detector.ts';
import { DEFAULT_DETECTION_SETTINGS, type DetectionSettings } from '../src/model/detection-settings.ts';
import { isReportable } from '../src/monitor/anomaly-record.ts';
import { detectionEngineOptions } from '../src/monitor/detection-config.ts';
import { DetectionEngine } from '../src/monitor/detection-engine.ts';
import type { DetectionEngineOptions } from '../src/monitor/detection-types.ts';
import type { DetectionInput } from '../src/monitor/detection-input.ts';

/** One series' trace, one entry per sample. */
export interface Trace {
  /** The Holt-Winters level member's score as a ratio to its vote threshold (0 when not an ensemble). */
  readonly hw: Float64Array;
  /** The CUSUM member's, the same way. */
  readonly cu: Float64Array;
  /** Reportable anomalous verdict at the confidence floor. */
  readonly bad: Uint8Array;
  /** The detector was still warming up. */
  readonly warming: Uint8Array;
  readonly opened: Uint8Array;
  /** The members that voted for the anomaly opened at the sample (`HW`, `C`, `HW+C`), '' where none opened. */
  readonly voters: readonly string[];
}

/** A member score s in [0, 1] as a ratio to its vote threshold 0.5: s/(1 − s), capped at 99. */
export const memberRatio = (s: number): number => (s >= 1 ? 99 : s <= 0 ? 0 : s / (1 - s));

const SHORT: Readonly<Record<string, string>> = { 'holt-winters': 'HW', cusum: 'C' };

/**
 * Runs `n` inputs (`input(i)`) through a fresh engine with the default detection settings (overridden by
 * `settings`, then engine options by `engine`) and returns the trace.
 */
export function traceEngine(
  n: number,
  input: (i: number) => DetectionInput,
  settings: Partial<DetectionSettings> = {},
  engine: Partial<DetectionEngineOptions> = {},
): Trace {
  const s = { ...DEFAULT_DETECTION_SETTINGS, ...settings };
  const opts = detectionEngineOptions(s);
  let last: Verdict | null = null;
  let scores: Float64Array | null = null;
  // The detector's last verdict and the ensemble's per-member scores of the last sample (a private field: read-only
  // here, for the trace), for the catalog's detector and for that of a series outside the catalog alike.
  const traced =
    (make: DetectionEngineOptions['factory']): DetectionEngineOptions['factory'] =>
    (ctx) => {
      const d: StreamingDetector = make(ctx);
      scores = (d as unknown as { memberScores?: Float64Array }).memberScores ?? null;
      return { name: d.name, update: (x, ts) => (last = d.update(x, ts)), stateBytes: () => d.stateBytes() };
    };
  const e = new DetectionEngine({
    ...opts,
    factory: traced(opts.factory),
    inferredFactory: traced(opts.inferredFactory ?? opts.factory),
    maxSeries: 1,
    analyse: () => true,
    ...engine,
  });
  const t = {
    hw: new Float64Array(n),
    cu: new Float64Array(n),
    bad: new Uint8Array(n),
    warming: new Uint8Array(n),
    opened: new Uint8Array(n),
    voters: new Array<string>(n).fill(''),
  };
  for (let i = 0; i < n; i++) {
    const x = input(i);
    last = null;
    const out = e.process([x], x.timestampMs);
    const v = last as Verdict | null;
    const sc = scores as Float64Array | null;
    if (sc !== null) {
      t.hw[i] = memberRatio(sc[0]!);
      t.cu[i] = memberRatio(sc[1] ?? 0);
    }
    t.warming[i] = v === null || v.warmingUp ? 1 : 0;
    t.bad[i] = v !== null && v.anomalous && v.confidence >= s.minConfidence && isReportable(v) ? 1 : 0;
    const o = out.opened[0];
    if (o !== undefined) {
      t.opened[i] = 1;
      t.voters[i] =
        o.anomaly.votes
          .filter((m) => m.voted)
          .map((m) => SHORT[m.detector] ?? m.detector)
          .join('+') || '-';
    }
  }
  return t;
}
