/** Fakes shared by the detection engine's tests: a fixed-threshold detector, a persistent mean detector and engines over them, inputs. */
import {
  NOT_JUDGED,
  type DetectorSnapshot,
  type PersistentDetector,
  type StreamingDetector,
  type Verdict,
} from '../../../src/analysis/anomaly/detector.ts';
import { InvalidInputError } from '../../../src/errors.ts';
import { T0 } from '../../helpers/alerting-fixtures.ts';
import { DetectionEngine } from '../../../src/monitor/detection-engine.ts';
import type { DetectionEngineOptions } from '../../../src/monitor/detection-types.ts';
import { SeriesTracker, type DetectionInput } from '../../../src/monitor/series-tracker.ts';

/** A fixed-threshold detector (a fake of our own interface): anomalous when value > 10. */
export function thresholdDetector(): StreamingDetector {
  return {
    name: 'threshold',
    update(value: number): Verdict {
      const bad = value > 10;
      return {
        anomalous: bad,
        score: bad ? 1 : 0,
        expected: 5,
        lower: 0,
        upper: 10,
        deviation: bad ? 4 : 0,
        confidence: bad ? 0.9 : 0,
        severity: bad ? 'high' : 'low',
        warmingUp: false,
        resolved: false,
      };
    },
    stateBytes: () => 0,
  };
}

/**
 * Engine options over {@link thresholdDetector} for one catalog bandwidth series: 2 samples confirm, no cooldown,
 * 3 samples resolve, 10 series.
 */
export const THRESHOLD_ENGINE_OPTIONS: DetectionEngineOptions = Object.freeze({
  factory: thresholdDetector,
  detectorName: 'threshold',
  minConfidence: 0.8,
  confirmSamples: 2,
  cooldownMs: 0,
  resolveAfterSamples: 3,
  maxSeries: 10,
  kinds: new Set(['bandwidth'] as const),
});

export function engine(confirm: number, cooldownMs = 300_000, maxSeries = 100) {
  return new DetectionEngine({
    factory: thresholdDetector,
    detectorName: 'threshold',
    minConfidence: 0.8,
    confirmSamples: confirm,
    cooldownMs,
    resolveAfterSamples: 2,
    maxSeries,
    kinds: new Set(['latency', 'bandwidth']),
  });
}

export function inputs(
  values: number[],
  metric = 'dwcp_v3_rdma_throughput_bytes_per_second',
  node = 'node-1',
): DetectionInput[][] {
  const tr = new SeriesTracker(100);
  return values.map(
    (v, i) =>
      tr.admit([
        { name: metric, labels: { node_id: node, region: 'us-east' }, value: v, timestampMs: (i + 1) * 1000 },
      ]).inputs,
  );
}

/**
 * A small persistent detector (a fake of our own interface): running mean and variance (Welford), warming up
 * for `warmup` samples, anomalous when |z| > 4. Its `restore` deliberately writes `n` before validating the
 * rest, so a bad snapshot leaves it half-restored: the engine must never keep such an instance.
 */
export class MeanDetector implements PersistentDetector {
  readonly name = 'mean';
  n = 0;
  mean = 0;
  m2 = 0;
  last: Verdict = NOT_JUDGED;
  /** Calls of update() (to tell the instances the engine runs from discarded ones). */
  updates = 0;
  constructor(private readonly warmup = 5) {}
  update(value: number): Verdict {
    this.updates++;
    if (!Number.isFinite(value)) return (this.last = NOT_JUDGED);
    let v: Verdict = NOT_JUDGED;
    if (this.n >= this.warmup) {
      const sd = Math.max(Math.sqrt(this.m2 / (this.n - 1)), 1e-9);
      const z = (value - this.mean) / sd;
      const bad = Math.abs(z) > 4;
      v = {
        anomalous: bad,
        score: bad ? 1 : 0,
        expected: this.mean,
        lower: this.mean - 4 * sd,
        upper: this.mean + 4 * sd,
        deviation: z,
        confidence: 0.9,
        severity: bad ? 'high' : 'low',
        warmingUp: false,
        resolved: false,
      };
    }
    this.n++;
    const d = value - this.mean;
    this.mean += d / this.n;
    this.m2 += d * (value - this.mean);
    return (this.last = v);
  }
  stateBytes(): number {
    return 24;
  }
  snapshot(): DetectorSnapshot {
    return { detector: 'mean', version: 1, state: { n: this.n, mean: this.mean, m2: this.m2 } };
  }
  restore(s: DetectorSnapshot): void {
    if (s.detector !== 'mean' || s.version !== 1)
      throw new InvalidInputError(`cannot restore ${s.detector} v${s.version} into mean v1`);
    const st = s.state as { n?: unknown; mean?: unknown; m2?: unknown } | null;
    if (typeof st !== 'object' || st === null || !Number.isInteger(st.n))
      throw new InvalidInputError('malformed mean state');
    this.n = st.n as number; // written before the rest is checked (see the class comment)
    if (
      typeof st.mean !== 'number' ||
      typeof st.m2 !== 'number' ||
      !Number.isFinite(st.mean) ||
      !(st.m2 >= 0)
    )
      throw new InvalidInputError('malformed mean state');
    this.mean = st.mean;
    this.m2 = st.m2;
  }
}

/**
 * An engine over MeanDetectors that analyses every input; `made` lists the detectors it created, in order;
 * `adjust` may change each detector before the engine uses it.
 */
export function meanEngine(maxSeries = 100, warmup = 5, adjust: (d: MeanDetector) => void = () => {}) {
  const made: MeanDetector[] = [];
  const e = new DetectionEngine({
    factory: () => {
      const d = new MeanDetector(warmup);
      adjust(d);
      made.push(d);
      return d;
    },
    detectorName: 'mean',
    minConfidence: 0.8,
    confirmSamples: 1,
    cooldownMs: 0,
    resolveAfterSamples: 2,
    maxSeries,
    kinds: new Set(),
    analyse: () => true,
  });
  return { e, made };
}

export const inp = (key: string, value: number, ts: number): DetectionInput => ({
  key,
  metric: 'm',
  labels: {},
  value,
  timestampMs: ts,
  kind: 'latency',
  transform: 'value',
  def: undefined,
});
/** A baseline around 100 (99..101) of `n` samples for `key`. */
export const baseline = (key: string, n: number, t0 = 0) =>
  Array.from({ length: n }, (_, i) => inp(key, 100 + (i % 3) - 1, t0 + i * 1000));
export const meanSnap = (n: number, mean: number, m2: number): DetectorSnapshot => ({
  detector: 'mean',
  version: 1,
  state: { n, mean, m2 },
});

/**
 * A detector that re-anchors as the live members do: anomalous while a value is more than 10 from its level, and
 * after `n` such samples in a row it takes the value as its new level (band: level ± 10).
 */
export function adaptingAfter(n: number): StreamingDetector {
  let level = 0;
  let away = 0;
  return {
    name: 'adapting-after',
    update(value: number): Verdict {
      const out = Math.abs(value - level) > 10;
      away = out ? away + 1 : 0;
      if (away > n) {
        level = value;
        away = 0;
      }
      const bad = out && away > 0;
      return {
        anomalous: bad,
        score: bad ? 1 : 0,
        expected: level,
        lower: level - 10,
        upper: level + 10,
        deviation: bad ? (value - level) / 2.5 : 0,
        confidence: bad ? 0.9 : 0,
        severity: bad ? 'high' : 'low',
        warmingUp: false,
        resolved: false,
      };
    },
    stateBytes: () => 0,
  };
}

/**
 * Options of an engine over catalog series of kind `utilization` with `factory`: confirmation 2 samples, 5-min
 * cooldown, resolution after 3 samples, 10 series, minimum confidence 0.8.
 */
export const catalogEngineOptions = (factory: () => StreamingDetector) => ({
  factory,
  detectorName: 'x',
  minConfidence: 0.8,
  confirmSamples: 2,
  cooldownMs: 300_000,
  resolveAfterSamples: 3,
  maxSeries: 10,
  kinds: new Set(['utilization'] as const),
  analyse: () => true,
});

/** Judges |value - level| > 10 anomalous; after 3 such samples in a row takes the value as its level. Persistent. */
export class Adapting implements PersistentDetector {
  readonly name = 'adapting';
  level = 0;
  away = 0;
  update(value: number): Verdict {
    const out = Math.abs(value - this.level) > 10;
    this.away = out ? this.away + 1 : 0;
    if (this.away > 3) {
      this.level = value;
      this.away = 0;
    }
    const bad = out && this.away > 0;
    return {
      anomalous: bad,
      score: bad ? 1 : 0,
      expected: this.level,
      lower: this.level - 10,
      upper: this.level + 10,
      deviation: bad ? 4 : 0,
      confidence: bad ? 0.9 : 0,
      severity: 'high',
      warmingUp: false,
      resolved: false,
    };
  }
  stateBytes = () => 16;
  snapshot(): DetectorSnapshot {
    return { detector: this.name, version: 1, state: { level: this.level, away: this.away } };
  }
  restore(s: DetectorSnapshot): void {
    const st = s.state as { level: number; away: number };
    this.level = st.level;
    this.away = st.away;
  }
}

/** Sample interval of {@link utilizationInput}: 15 s. */
export const UTILIZATION_STEP_MS = 15_000;

/** Sample `i` of catalog series `c` (utilisation, no labels) with `value`, at T0 + i × 15 s. */
export const utilizationInput = (value: number, i: number): DetectionInput => ({
  key: 'c',
  metric: 'dwcp_v3_resource_utilization_percent',
  labels: {},
  value,
  timestampMs: T0 + i * UTILIZATION_STEP_MS,
  kind: 'utilization',
  transform: 'value',
  def: undefined,
});
