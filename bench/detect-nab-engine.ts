/**
 * NAB as the monitor pages: a NAB file streamed through the monitor's own detection engine (built from the
 * detection settings by `detectionEngineOptions`, as `serve` builds it) instead of scoring the detector's
 * per-sample score. A row scores 1 where an anomaly opened (its detection sample) and 0 elsewhere, so the
 * threshold is fixed (no θ chosen on NAB; leave-one-category-out equals the in-sample score). Two ways a NAB
 * series can reach the engine (kind generic):
 * - `catalog`: judged as a catalog series — confirmation (2 consecutive anomalous samples; a verdict's
 *   `evidenceSamples` count as that run), confidence floor, cooldown — the way the labelled corpus runs;
 * - `inferred`: judged as a series outside the catalog (an application's metric, which a NAB file is) — also the
 *   episodes, the warm-up and the minimum duration (src/monitor/detection-engine.ts).
 */
import type { StreamingDetector, Verdict } from '../src/analysis/anomaly/detector.ts';
import { NOT_JUDGED } from '../src/analysis/anomaly/detector.ts';
import type { DetectionSettings, LiveDetectorChoice } from '../src/model/detection-settings.ts';
import { DEFAULT_DETECTION_SETTINGS } from '../src/model/detection-settings.ts';
import { detectionEngineOptions } from '../src/monitor/detection-config.ts';
import { DetectionEngine } from '../src/monitor/detection-engine.ts';
import type { OpenedAnomaly } from '../src/monitor/detection-types.ts';
import type { DetectionInput } from '../src/monitor/detection-input.ts';
import type { NabEntry } from './detect-nab.ts';

/** How a NAB series reaches the engine: as a catalog series or as a series outside the catalog. */
export type NabEngineMode = 'catalog' | 'inferred';

const OPENED: Verdict = Object.freeze({ ...NOT_JUDGED, anomalous: true, score: 1, warmingUp: false });
const QUIET: Verdict = Object.freeze({ ...NOT_JUDGED, warmingUp: false });

/** One NAB sample as the engine's input (kind generic; `inferred`: a series outside the catalog). */
export function nabEngineInput(value: number, timestampMs: number, mode: NabEngineMode): DetectionInput {
  return {
    key: 'nab',
    metric: 'nab',
    labels: {},
    value,
    timestampMs,
    kind: 'generic',
    transform: 'value',
    def: undefined,
    ...(mode === 'inferred' ? { inferred: 'NAB series' } : {}),
  };
}

/**
 * One NAB series through a fresh detection engine, as a detector: a verdict is anomalous (score 1) on the sample
 * where the engine opened an anomaly. `lastOpened` keeps that anomaly (its voting members).
 */
export class EngineAsDetector implements StreamingDetector {
  readonly name: string;
  lastOpened: OpenedAnomaly | null = null;
  private readonly engine: DetectionEngine;

  constructor(
    private readonly mode: NabEngineMode,
    settings: Partial<DetectionSettings> = {},
  ) {
    this.name = `engine (${mode})`;
    this.engine = new DetectionEngine({
      ...detectionEngineOptions({ ...DEFAULT_DETECTION_SETTINGS, ...settings }),
      maxSeries: 1,
      analyse: () => true,
    });
  }

  update(value: number, timestampMs: number): Verdict {
    const input = nabEngineInput(value, timestampMs, this.mode);
    const opened = this.engine.process([input], timestampMs).opened;
    this.lastOpened = opened[0] ?? null;
    return opened.length > 0 ? OPENED : QUIET;
  }

  stateBytes(): number {
    return 0;
  }
}

/**
 * The NAB entry of the monitor's detector `choice` (`detection.detector`) through its engine with the default
 * detection settings otherwise (`use: 'alerts'`, threshold 1), named after the bench row `detectorName`.
 */
export function nabEngineEntry(
  detectorName: string,
  choice: LiveDetectorChoice,
  mode: NabEngineMode,
): NabEntry {
  const where = mode === 'catalog' ? 'catalog series' : 'series outside the catalog';
  return {
    name: `${detectorName} (anomalies the engine opens, ${where})`,
    use: 'alerts',
    usesLookAhead: false,
    create: () => new EngineAsDetector(mode, { detector: choice }),
  };
}
