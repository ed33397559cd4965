/**
 * Inputs of the regional health score built from stored series, with the evidence each factor rests on (span of
 * its data, latency observations) and the latency per DWCP mode. Pure: no clocks, no I/O; the caller reads the
 * store (`region-provider.ts`).
 *
 * Mappings, grouped by `regionOf` (label `region`, else `cluster`): availability = mean of `up` × 100;
 * utilisation = mean over `dwcp_v3_resource_utilization_percent` series of their window mean; latency =
 * ΣΔsum/ΣΔcount of `dwcp_v3_mode_latency_seconds` × 1000 ms, overall and per value of its `mode` label (the
 * per-mode means are what the score uses, see src/analysis/health/region-score.ts); error rate = Σ increase of
 * `dwcp_v3_component_errors_total` / Σ increase of `dwcp_v3_component_operations_total` (0 with no
 * operations, capped at 1); consensus health = mean of `dwcp_v3_component_health{component="acp"}` / 2 × 100
 * (0 down, 1 degraded, 2 healthy). A region is listed when it has any v3 series (`up` alone, e.g. of the host
 * target, is not a region).
 */
import type { ModeLatency, RegionHealthInput } from '../analysis/health/region-score.ts';
import type { SeriesPoints } from '../store/types.ts';
import { regionOf } from './component-status.ts';
import { counterIncreases, gaugeValues, intervalMeans, type HistogramSeries } from './rollout-inputs.ts';

/** Stored series of all regions for {@link buildRegionInputs}. */
export interface RegionSeries {
  readonly up: readonly SeriesPoints[];
  readonly utilization: readonly SeriesPoints[];
  readonly modeLatency: HistogramSeries;
  readonly errors: readonly SeriesPoints[];
  readonly operations: readonly SeriesPoints[];
  /** `dwcp_v3_component_health{component="acp"}`. */
  readonly acpHealth: readonly SeriesPoints[];
}

/** The five numeric factors of {@link RegionHealthInput}. */
export type RegionFactor =
  'availabilityPercent' | 'utilizationPercent' | 'latencyMs' | 'errorRate' | 'consensusHealthPercent';

/** Every factor, in the order the engine weighs them. */
export const REGION_FACTOR_NAMES: readonly RegionFactor[] = [
  'availabilityPercent',
  'utilizationPercent',
  'latencyMs',
  'errorRate',
  'consensusHealthPercent',
];

/** What one factor's value rests on: the span of its data in the window and how many samples it has. */
export interface FactorEvidence {
  /** Last minus first timestamp of the factor's finite points in the region, ms (0 with one point). */
  readonly spanMs: number;
  /** Finite points (gauges, counters) or observations (latency: histogram count increase). */
  readonly samples: number;
}

/** Inputs of one region: the factors that have data, per-mode latency and the evidence of each factor. */
export interface RegionInputs {
  readonly region: string;
  /** Every factor that has data. */
  readonly partial: Partial<Pick<RegionHealthInput, RegionFactor>>;
  /** Latency per mode (modes with observations), sorted by mode. */
  readonly latencyByMode: readonly ModeLatency[];
  /** Evidence of each factor that has data. */
  readonly evidence: Partial<Record<RegionFactor, FactorEvidence>>;
  /** Factors without any data. */
  readonly missing: readonly RegionFactor[];
}

function byLabel(
  series: readonly SeriesPoints[],
  of: (s: SeriesPoints) => string,
): Map<string, SeriesPoints[]> {
  const m = new Map<string, SeriesPoints[]>();
  for (const s of series) {
    const k = of(s);
    const l = m.get(k) ?? [];
    l.push(s);
    m.set(k, l);
  }
  return m;
}

const byRegion = (series: readonly SeriesPoints[]): Map<string, SeriesPoints[]> =>
  byLabel(series, (s) => regionOf(s.series.labels));

function meanOf(values: readonly number[]): number | null {
  return values.length === 0 ? null : values.reduce((a, b) => a + b, 0) / values.length;
}

const clamp = (v: number, lo: number, hi: number): number => Math.min(hi, Math.max(lo, v));

/** Span and finite-point count of a group of series. */
function evidenceOf(series: readonly SeriesPoints[]): FactorEvidence {
  let first = Infinity;
  let last = -Infinity;
  let samples = 0;
  for (const s of series) {
    for (let i = 0; i < s.values.length; i++) {
      if (!Number.isFinite(s.values[i]!)) continue;
      const t = s.timestampsMs[i]!;
      if (t < first) first = t;
      if (t > last) last = t;
      samples++;
    }
  }
  return { spanMs: samples === 0 ? 0 : last - first, samples };
}

/**
 * Region-score inputs per region (see the module comment), sorted by region name; values are clamped to the
 * ranges `scoreRegion` accepts.
 */
export function buildRegionInputs(rs: RegionSeries): RegionInputs[] {
  const up = byRegion(rs.up);
  const util = byRegion(rs.utilization);
  const latSum = byRegion(rs.modeLatency.sum);
  const latCount = byRegion(rs.modeLatency.count);
  const errs = byRegion(rs.errors);
  const ops = byRegion(rs.operations);
  const acp = byRegion(rs.acpHealth);
  // Regions are those with DWCP v3 series; `up` alone (e.g. the monitor's own host target) does not make one.
  const regions = new Set<string>([
    ...util.keys(),
    ...latSum.keys(),
    ...errs.keys(),
    ...ops.keys(),
    ...acp.keys(),
  ]);
  const out: RegionInputs[] = [];
  for (const region of [...regions].sort()) {
    const partial: { -readonly [K in RegionFactor]?: number } = {};
    const evidence: { -readonly [K in RegionFactor]?: FactorEvidence } = {};
    const upS = up.get(region) ?? [];
    const a = meanOf(gaugeValues(upS));
    if (a !== null) {
      partial.availabilityPercent = clamp(a * 100, 0, 100);
      evidence.availabilityPercent = evidenceOf(upS);
    }
    const utilS = util.get(region) ?? [];
    const u = meanOf(utilS.map((s) => meanOf(gaugeValues([s]))).filter((v): v is number => v !== null));
    if (u !== null) {
      partial.utilizationPercent = clamp(u, 0, 100);
      evidence.utilizationPercent = evidenceOf(utilS);
    }
    const sums = latSum.get(region) ?? [];
    const counts = latCount.get(region) ?? [];
    const latencyByMode: ModeLatency[] = [];
    let dsAll = 0;
    let dcAll = 0;
    const countsByMode = byLabel(counts, (s) => s.series.labels['mode'] ?? '');
    for (const [mode, modeSums] of [...byLabel(sums, (s) => s.series.labels['mode'] ?? '')].sort(([x], [y]) =>
      x.localeCompare(y),
    )) {
      const means = intervalMeans({ sum: modeSums, count: countsByMode.get(mode) ?? [] });
      const dc = means.reduce((x, m) => x + m.countDelta, 0);
      const ds = means.reduce((x, m) => x + m.sumDelta, 0);
      if (!(dc > 0)) continue;
      dsAll += ds;
      dcAll += dc;
      latencyByMode.push({
        mode: mode === '' ? 'unknown' : mode,
        latencyMs: Math.max(0, (1000 * ds) / dc),
        observations: dc,
      });
    }
    if (dcAll > 0) {
      partial.latencyMs = Math.max(0, (1000 * dsAll) / dcAll);
      evidence.latencyMs = { spanMs: evidenceOf(sums).spanMs, samples: dcAll };
    }
    const opsS = ops.get(region) ?? [];
    const opInc = counterIncreases(opsS);
    if (opInc.length > 0) {
      const total = opInc.reduce((x, p) => x + p.inc, 0);
      const bad = counterIncreases(errs.get(region) ?? []).reduce((x, p) => x + p.inc, 0);
      partial.errorRate = total > 0 ? clamp(bad / total, 0, 1) : 0;
      evidence.errorRate = evidenceOf(opsS);
    }
    const acpS = acp.get(region) ?? [];
    const c = meanOf(gaugeValues(acpS));
    if (c !== null) {
      partial.consensusHealthPercent = clamp((c / 2) * 100, 0, 100);
      evidence.consensusHealthPercent = evidenceOf(acpS);
    }
    const missing = REGION_FACTOR_NAMES.filter((f) => partial[f] === undefined);
    out.push({ region, partial, latencyByMode, evidence, missing });
  }
  return out;
}
