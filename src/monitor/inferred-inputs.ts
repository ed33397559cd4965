/**
 * The monitor's side of series outside the catalog: which inference (src/analysis/inference/series-kind.ts)
 * applies to a scraped sample, given the family types of its exposition and the operator's `detection.series`
 * rules (cached, bounded), and the derived used-share ratios collected over one scrape batch.
 */
import {
  compileRules,
  familyOf,
  inferSeries,
  ratioRole,
  usedShare,
  type CompiledRule,
  type DerivedRatio,
  type FamilyType,
  type SeriesInference,
} from '../analysis/inference/series-kind.ts';
import type { SeriesKindRule } from '../model/detection-settings.ts';
import { seriesKey, type Labels, type Sample } from '../model/sample.ts';
import type { DetectionInput } from './detection-input.ts';

/** Inference results cached per sample name and type, at most this many (then the cache starts over). */
export const MAX_INFERENCE_CACHE = 10_000;

/** How one sample outside the catalog is analysed: its inference, family and part (histogram `_sum`/`_count`). */
export interface InferredSample {
  readonly inference: SeriesInference;
  readonly family: string;
  readonly part: 'value' | 'sum' | 'count' | 'bucket';
}

const FAMILY_TYPES: ReadonlySet<string> = new Set(['counter', 'gauge', 'histogram', 'summary', 'untyped']);

/**
 * The declared type of the family of `sampleName` in `types` (`# TYPE` by family name): its own name's, or for
 * `_bucket`/`_sum`/`_count` samples that of a histogram or summary family; undefined when not declared.
 */
export function familyType(
  sampleName: string,
  types: ReadonlyMap<string, string> | undefined,
): FamilyType | undefined {
  if (!types || types.size === 0) return undefined;
  let t = types.get(sampleName);
  if (t === undefined) {
    for (const suffix of ['_bucket', '_sum', '_count']) {
      if (!sampleName.endsWith(suffix)) continue;
      const ft = types.get(sampleName.slice(0, -suffix.length));
      if (ft === 'histogram' || ft === 'summary') {
        t = ft;
        break;
      }
    }
  }
  return t !== undefined && FAMILY_TYPES.has(t) ? (t as FamilyType) : undefined;
}

/** Classifies samples outside the catalog with the operator's rules, caching what does not depend on labels. */
export class InferredSeries {
  private readonly rules: readonly CompiledRule[];
  /** Inference per `name|type` for names no label-conditioned rule applies to (at most {@link MAX_INFERENCE_CACHE}). */
  private readonly cache = new Map<string, SeriesInference | null>();
  /** The last sample name classified without regard to labels, the types it was classified with, and the answer. */
  private lastName: string | undefined;
  private lastTypes: ReadonlyMap<string, string> | undefined;
  private last: InferredSample | null = null;

  /**
   * @param rules the operator's `detection.series` rules, first match first.
   * @throws RangeError for an unknown rule kind; SyntaxError for an invalid rule expression.
   */
  constructor(rules: readonly SeriesKindRule[]) {
    this.rules = compileRules(rules);
  }

  /** Entries in the inference cache (for the limit's test). */
  get cacheSize(): number {
    return this.cache.size;
  }

  /**
   * How `s` is analysed, or null when it is not; `types` are the batch's family types when known. Samples come in
   * runs of one name: the answer for the last name (and the same `types`) is reused when it does not depend on labels.
   */
  classify(s: Sample, types: ReadonlyMap<string, string> | undefined): InferredSample | null {
    if (s.name === this.lastName && types === this.lastTypes) return this.last;
    const type = familyType(s.name, types);
    const { family, part } = familyOf(s.name, type);
    const labelDependent =
      family === 'node_cpu_seconds_total' ||
      this.rules.some((r) => r.labels.length > 0 && r.name.test(family));
    const inference = labelDependent
      ? inferSeries(s.name, type, s.labels, this.rules)
      : this.byName(s.name, type);
    const got = inference === null ? null : { inference, family, part };
    this.lastName = labelDependent ? undefined : s.name;
    this.lastTypes = types;
    this.last = got;
    return got;
  }

  /** The inference of a name no label-conditioned rule applies to (cached per name and type). */
  private byName(name: string, type: FamilyType | undefined): SeriesInference | null {
    const ck = `${name}|${type ?? ''}`;
    let got = this.cache.get(ck);
    if (got === undefined) {
      got = inferSeries(name, type, {}, this.rules);
      if (this.cache.size >= MAX_INFERENCE_CACHE) this.cache.clear();
      this.cache.set(ck, got);
    }
    return got;
  }
}

/** The operands of the derived ratios (src/analysis/inference/series-kind.ts `DERIVED_RATIOS`) seen in one batch. */
export class BatchRatios {
  private readonly byKey = new Map<
    string,
    { ratio: DerivedRatio; labels: Labels; num?: number; den?: number; ts: number }
  >();

  /** Records `s` when it is the numerator or denominator of a derived ratio (same labels pair up). */
  add(s: Sample): void {
    const role = ratioRole(s.name);
    if (!role) return;
    const rk = seriesKey(role.ratio.name, s.labels);
    const r = this.byKey.get(rk) ?? { ratio: role.ratio, labels: s.labels, ts: s.timestampMs };
    if (role.role === 'numerator') r.num = s.value;
    else r.den = s.value;
    this.byKey.set(rk, r);
  }

  /** One `value` input per ratio whose two operands were both seen and whose share is defined. */
  inputs(): DetectionInput[] {
    const out: DetectionInput[] = [];
    for (const r of this.byKey.values()) {
      if (r.num === undefined || r.den === undefined) continue;
      const v = usedShare(r.num, r.den);
      if (v === undefined) continue;
      out.push({
        key: `ratio(${seriesKey(r.ratio.name, r.labels)})`,
        metric: r.ratio.name,
        labels: r.labels,
        value: v,
        timestampMs: r.ts,
        kind: r.ratio.kind,
        transform: 'value',
        def: undefined,
        inferred: `derived ratio 1 - ${r.ratio.numerator} / ${r.ratio.denominator}`,
      });
    }
    return out;
  }
}
