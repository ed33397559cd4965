/**
 * GO / CAUTION / NO-GO rollout decision (seed 002 "GO/NO-GO Decision Panel": aggregates SLA compliance; green
 * GO, yellow CAUTION, red NO-GO) from SLA checks and per-metric canary judgements.
 *
 * Method: a weighted score in [0, 1] as Kayenta's `WeightedSumScorer` builds its summary score (share of
 * passing metrics, here with partial credit for minor regressions), combined with the SLA compliance share, and
 * classified with Kayenta-style thresholds (Spinnaker canary "pass" 95 / "marginal" 75). Critical failures
 * override the score, as Kayenta's critical metrics and Argo Rollouts' `failureLimit: 0` / Flagger's
 * `thresholdRange` do: a breached absolute guard, a critical regression (> 30 %), a failed critical metric or a
 * breached critical SLA force NO-GO. GO additionally needs statistical evidence that no metric is worse by the
 * GO margin or more (the upper confidence bound of every degradation below the margin), no regression, no
 * missing data and all SLAs met. Every decision lists the metrics that drove it with their numbers. Pure.
 */
import { InvalidInputError } from '../../errors.ts';
import type { Severity } from '../../model/dwcp.ts';
import type { MetricJudgement } from './judge.ts';
import { DEFAULT_SEVERITY_BANDS, detectRegressions, validateSeverityBands } from './regression.ts';
import type { Regression, SeverityBands } from './regression.ts';

export type RolloutDecision = 'GO' | 'CAUTION' | 'NO-GO';

/** One SLA check: a boolean (met or not) or a compliance ratio in [0, 1] compared with `target`. */
export interface SlaCheck {
  readonly name: string;
  readonly compliance: boolean | number;
  /** Ratio needed to count as met (default 1; ignored for booleans). */
  readonly target?: number;
  /** A breach forces NO-GO. */
  readonly critical?: boolean;
  /** Weight in the SLA score (default 1). */
  readonly weight?: number;
  /** Human detail, e.g. `p95 0.083 s <= 0.1 s`. */
  readonly detail?: string;
}

export interface DecisionOptions {
  /** Relative weights of the SLA and canary parts of the score (≥ 0, not both 0). */
  readonly weights: { readonly sla: number; readonly canary: number };
  /** Score needed for GO (Kayenta "pass" 95). */
  readonly goScore: number;
  /** Score below which the decision is NO-GO (Kayenta "marginal" 75). */
  readonly noGoScore: number;
  /** GO needs every metric's degradation upper confidence bound below this, percent. */
  readonly goMarginPercent: number;
  readonly bands: SeverityBands;
  /** Credit of a metric with a regression of that severity in the canary score (pass = 1, failed = 0). */
  readonly severityCredit: Readonly<Record<Severity, number>>;
}

export const DECISION_DEFAULTS: DecisionOptions = Object.freeze({
  weights: Object.freeze({ sla: 0.4, canary: 0.6 }),
  goScore: 0.95,
  noGoScore: 0.75,
  goMarginPercent: 5,
  bands: DEFAULT_SEVERITY_BANDS,
  severityCredit: Object.freeze({ low: 0.75, medium: 0.5, high: 0, critical: 0 }),
});

/** How an item influenced the decision. */
export type DriverEffect = 'forces-no-go' | 'lowers-score' | 'blocks-go' | 'supports-go';

/** One reason for the decision, with the numbers behind it. */
export interface DecisionDriver {
  readonly source: 'guard' | 'canary' | 'regression' | 'margin' | 'nodata' | 'sla' | 'evidence';
  readonly name: string;
  readonly effect: DriverEffect;
  /** The number that mattered (degradation %, guard value, compliance ratio). */
  readonly value: number;
  readonly text: string;
}

export interface DecisionResult {
  readonly decision: RolloutDecision;
  /** Weighted score in [0, 1]. */
  readonly score: number;
  readonly slaScore: number | null;
  readonly canaryScore: number | null;
  /** True when a critical failure forced NO-GO regardless of the score. */
  readonly forced: boolean;
  readonly regressions: readonly Regression[];
  /** Items that drove the decision; for GO, the evidence per metric. */
  readonly drivers: readonly DecisionDriver[];
  /** One line: decision, score and the main drivers. */
  readonly summary: string;
}

function checkOptions(o: DecisionOptions): void {
  const { sla, canary } = o.weights;
  if (!(Number.isFinite(sla) && sla >= 0 && Number.isFinite(canary) && canary >= 0 && sla + canary > 0)) {
    throw new InvalidInputError(
      `decision weights must be finite, >= 0 and not both 0, got sla=${sla}, canary=${canary}`,
    );
  }
  if (!(o.noGoScore >= 0 && o.noGoScore <= o.goScore && o.goScore <= 1)) {
    throw new InvalidInputError(`need 0 <= noGoScore <= goScore <= 1, got ${o.noGoScore}, ${o.goScore}`);
  }
  if (!(Number.isFinite(o.goMarginPercent) && o.goMarginPercent >= 0)) {
    throw new InvalidInputError(`goMarginPercent must be a finite number >= 0, got ${o.goMarginPercent}`);
  }
  validateSeverityBands(o.bands);
  for (const [k, v] of Object.entries(o.severityCredit)) {
    if (!(v >= 0 && v <= 1)) throw new InvalidInputError(`severityCredit.${k} must be in [0, 1], got ${v}`);
  }
}

/**
 * Compliance ratio of an SLA check in [0, 1] (a boolean counts as 1 or 0).
 * @throws InvalidInputError for a ratio outside [0, 1] or not a number.
 */
export function slaRatio(c: SlaCheck): number {
  if (typeof c.compliance === 'boolean') return c.compliance ? 1 : 0;
  if (!(typeof c.compliance === 'number' && c.compliance >= 0 && c.compliance <= 1)) {
    throw new InvalidInputError(
      `SLA ${c.name}: compliance must be a boolean or a ratio in [0, 1], got ${String(c.compliance)}`,
    );
  }
  return c.compliance;
}

/** An SLA check read for a decision: compliance ratio, target and weight (validated), and whether it is met. */
export interface SlaReading {
  /** Compliance ratio in [0, 1] ({@link slaRatio}). */
  readonly ratio: number;
  /** Target ratio in [0, 1] (default 1). */
  readonly target: number;
  /** Weight in the SLA score, >= 0 (default 1). */
  readonly weight: number;
  /** The boolean compliance when given, else ratio >= target. */
  readonly met: boolean;
}

/**
 * Reads one SLA check.
 * @throws InvalidInputError for a compliance that is not a boolean or a ratio in [0, 1], a target outside [0, 1]
 *   or a weight that is negative or not finite.
 */
export function readSla(c: SlaCheck): SlaReading {
  const ratio = slaRatio(c);
  const target = c.target ?? 1;
  if (!(target >= 0 && target <= 1))
    throw new InvalidInputError(`SLA ${c.name}: target must be in [0, 1], got ${target}`);
  const weight = c.weight ?? 1;
  if (!(Number.isFinite(weight) && weight >= 0))
    throw new InvalidInputError(`SLA ${c.name}: weight must be >= 0, got ${weight}`);
  return { ratio, target, weight, met: typeof c.compliance === 'boolean' ? c.compliance : ratio >= target };
}

const f1 = (v: number): string => (Number.isFinite(v) ? v.toFixed(1) : String(v));
const g4 = (v: number): string => (Number.isFinite(v) ? String(Number(v.toPrecision(4))) : String(v));

/**
 * Decides GO / CAUTION / NO-GO.
 *
 * 1. Regressions: {@link detectRegressions} on the judgements (significant and > threshold).
 * 2. Canary score: Σ weight·credit / Σ weight over metrics with data; credit 0 for a failed metric (verdict in
 *    the bad direction or guard breach), `severityCredit[s]` for a regression of severity s, else 1.
 *    SLA score: Σ weight·ratio / Σ weight. Score = weighted mean of the parts present.
 * 3. NO-GO (forced) on a breached guard, a critical regression, a failed critical metric or a breached critical
 *    SLA; otherwise NO-GO when score < noGoScore.
 * 4. GO when score ≥ goScore and nothing blocks it: no failed metric, no regression, no missing data, every SLA
 *    met and every degradation upper bound < goMarginPercent. Otherwise CAUTION.
 *
 * Throws InvalidInputError when there is nothing to decide on (no SLA checks and no judgements), for duplicate
 * names, SLA ratios outside [0, 1], SLA targets outside [0, 1], or invalid options.
 */
export function decideRollout(
  input: { readonly sla: readonly SlaCheck[]; readonly judgements: readonly MetricJudgement[] },
  options: Partial<DecisionOptions> = {},
): DecisionResult {
  const opts: DecisionOptions = { ...DECISION_DEFAULTS, ...options };
  checkOptions(opts);
  if (input.sla.length === 0 && input.judgements.length === 0) {
    throw new InvalidInputError('rollout decision needs at least one SLA check or metric judgement');
  }
  const names = new Set<string>();
  for (const n of [
    ...input.sla.map((s) => `sla:${s.name}`),
    ...input.judgements.map((j) => `metric:${j.metric}`),
  ]) {
    if (names.has(n)) throw new InvalidInputError(`rollout decision: ${n} appears twice`);
    names.add(n);
  }
  const regressions = detectRegressions(input.judgements, { bands: opts.bands });
  const regByMetric = new Map(regressions.map((r) => [r.metric, r]));
  const drivers: DecisionDriver[] = [];
  let forced = false;
  let blocked = false;

  let cw = 0;
  let cs = 0;
  for (const j of input.judgements) {
    if (j.guard?.breached) {
      forced = true;
      drivers.push({
        source: 'guard',
        name: j.metric,
        effect: 'forces-no-go',
        value: j.guard.value,
        text:
          `${j.metric} guard breached: ${j.guard.statistic} = ${g4(j.guard.value)} ${j.unit}` +
          `${j.guard.max !== null ? ` (must be < ${j.guard.max})` : ''}${j.guard.min !== null ? ` (must be > ${j.guard.min})` : ''}`,
      });
    }
    if (j.classification === 'nodata') {
      blocked = true;
      drivers.push({
        source: 'nodata',
        name: j.metric,
        effect: 'blocks-go',
        value: Number.NaN,
        text: j.reason,
      });
      continue;
    }
    const reg = regByMetric.get(j.metric);
    const badVerdict =
      (j.classification === 'high' && j.badDirection !== 'decrease') ||
      (j.classification === 'low' && j.badDirection !== 'increase');
    let credit = 1;
    if (j.failed) credit = 0;
    else if (reg !== undefined) credit = opts.severityCredit[reg.severity];
    cw += j.weight;
    cs += j.weight * credit;
    if (badVerdict) {
      blocked = true;
      if (j.critical) forced = true;
      drivers.push({
        source: 'canary',
        name: j.metric,
        effect: j.critical ? 'forces-no-go' : 'lowers-score',
        value: j.degradationPercent,
        text: j.reason,
      });
    }
    if (reg !== undefined) {
      blocked = true;
      if (reg.severity === 'critical') forced = true;
      drivers.push({
        source: 'regression',
        name: j.metric,
        effect: reg.severity === 'critical' ? 'forces-no-go' : credit < 1 ? 'lowers-score' : 'blocks-go',
        value: reg.degradationPercent,
        text: `${j.metric} regression (${reg.severity}): ${f1(reg.degradationPercent)} % worse (v1 ${g4(reg.v1Value)} → v3 ${g4(reg.v3Value)} ${j.unit}, p = ${reg.pValue.toPrecision(3)})`,
      });
    } else if (!badVerdict && !(j.degradationUpperPercent < opts.goMarginPercent)) {
      blocked = true;
      drivers.push({
        source: 'margin',
        name: j.metric,
        effect: 'blocks-go',
        value: j.degradationUpperPercent,
        text: `${j.metric}: cannot rule out a ${f1(j.degradationUpperPercent)} % degradation (${Math.round(j.confidence * 100)} % bound, GO needs < ${opts.goMarginPercent} %); estimate ${f1(j.degradationPercent)} %`,
      });
    }
  }

  let sw = 0;
  let ss = 0;
  for (const c of input.sla) {
    const { ratio: r, weight: w, met } = readSla(c);
    sw += w;
    ss += w * r;
    if (!met) {
      blocked = true;
      if (c.critical) forced = true;
      drivers.push({
        source: 'sla',
        name: c.name,
        effect: c.critical ? 'forces-no-go' : 'lowers-score',
        value: r,
        text: `SLA ${c.name} not met${c.detail ? `: ${c.detail}` : ''} (compliance ${(r * 100).toFixed(2)} %)`,
      });
    }
  }

  const slaScore = sw > 0 ? ss / sw : null;
  const canaryScore = cw > 0 ? cs / cw : null;
  let num = 0;
  let den = 0;
  if (slaScore !== null) {
    num += opts.weights.sla * slaScore;
    den += opts.weights.sla;
  }
  if (canaryScore !== null) {
    num += opts.weights.canary * canaryScore;
    den += opts.weights.canary;
  }
  const score = den > 0 ? num / den : 0;

  let decision: RolloutDecision;
  if (forced || score < opts.noGoScore) decision = 'NO-GO';
  else if (score >= opts.goScore && !blocked) decision = 'GO';
  else decision = 'CAUTION';

  if (decision === 'GO') {
    for (const j of input.judgements) {
      drivers.push({
        source: 'canary',
        name: j.metric,
        effect: 'supports-go',
        value: j.degradationUpperPercent,
        text: `${j.metric}: estimate ${f1(j.degradationPercent)} % worse, at most ${f1(j.degradationUpperPercent)} % (bound < ${opts.goMarginPercent} %)`,
      });
    }
    for (const c of input.sla) {
      drivers.push({
        source: 'sla',
        name: c.name,
        effect: 'supports-go',
        value: slaRatio(c),
        text: `SLA ${c.name} met${c.detail ? `: ${c.detail}` : ''}`,
      });
    }
  }
  const order: Record<DriverEffect, number> = {
    'forces-no-go': 0,
    'lowers-score': 1,
    'blocks-go': 2,
    'supports-go': 3,
  };
  drivers.sort((a, b) => order[a.effect] - order[b.effect]);
  const head = drivers
    .slice(0, 3)
    .map((d) => d.text)
    .join('; ');
  const summary =
    `${decision}${forced ? ' (forced by a critical failure)' : ''}: score ${(score * 100).toFixed(1)} ` +
    `(GO >= ${opts.goScore * 100}, NO-GO < ${opts.noGoScore * 100})${head ? ` — ${head}` : ''}`;
  return { decision, score, slaScore, canaryScore, forced, regressions, drivers, summary };
}
