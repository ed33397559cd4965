/**
 * GO / CAUTION / NO-GO for the current rollout stage from the sequential verdicts of ./sequential-judge.ts and
 * the SLA checks, with the time the evidence first decided (time to decision). Pure.
 *
 * Rule (non-inferiority for "v3 equal or better", each verdict always valid under continuous monitoring):
 * - **NO-GO** (forced) when a metric's confidence sequence shows a regression beyond the threshold, or a critical
 *   SLA is breached;
 * - **GO** when every judged metric is non-inferior (its sequence excludes the tolerated regression) and every SLA
 *   is met;
 * - **CAUTION** otherwise, with the time so far and the evidence still needed per metric.
 *
 * The same rule at each look (with the SLA status the caller computed for that look, when given) gives the first
 * GO and the first NO-GO of the stage: the time to decision.
 *
 * The score is a summary, not the rule: SLA score = weighted compliance; canary score = mean credit of the verdicts
 * (non-inferior 1, regression 0, any open state 0.75, Kayenta's "marginal"); score = 0.4·SLA + 0.6·canary over the
 * parts present. With the credits the score bands of the dashboards keep their meaning: every metric shown
 * non-inferior with the SLAs met scores ≥ 0.95, open evidence 0.75–0.95, a regression of one of two metrics < 0.75.
 *
 * @see ./sequential.ts (mSPRT / normal-mixture confidence sequences) and ./sequential-judge.ts (non-inferiority).
 */
import { InvalidInputError } from '../../errors.ts';
import {
  readSla,
  type DecisionDriver,
  type DriverEffect,
  type RolloutDecision,
  type SlaCheck,
} from './decision.ts';
import { regressionSeverity, type Regression } from './regression.ts';
import type { EvidenceState, SequentialVerdict } from './sequential-judge.ts';

/** The first look at which the evidence decided. */
export interface FirstDecision {
  readonly decision: 'GO' | 'NO-GO';
  /** Look time, Unix ms. */
  readonly atMs: number;
  /** Time from the evidence start, ms (time to decision). */
  readonly afterMs: number;
}

export interface StageDecision {
  readonly decision: RolloutDecision;
  /** True for a NO-GO (a regression or a breached critical SLA). */
  readonly forced: boolean;
  readonly score: number;
  readonly slaScore: number | null;
  readonly canaryScore: number | null;
  /** The decision of the statistical evidence alone at the latest look. */
  readonly evidenceDecision: RolloutDecision;
  /** First look at which the decision was GO or NO-GO; null while it never was. */
  readonly firstDecision: FirstDecision | null;
  /** First look with GO / with NO-GO (Unix ms), null if none. */
  readonly firstGoAtMs: number | null;
  readonly firstNoGoAtMs: number | null;
  readonly regressions: readonly Regression[];
  readonly drivers: readonly DecisionDriver[];
  readonly summary: string;
}

const WEIGHTS = { sla: 0.4, canary: 0.6 } as const;
const CREDIT: Readonly<Record<EvidenceState, number>> = {
  'non-inferior': 1,
  regression: 0,
  undecided: 0.75,
  insufficient: 0.75,
  nodata: 0.75,
};

/** Decision of one look from the states of every metric at that look and whether the SLAs were met then. */
function lookDecision(states: readonly EvidenceState[], slaMet: boolean): RolloutDecision {
  if (states.some((s) => s === 'regression')) return 'NO-GO';
  if (slaMet && states.length > 0 && states.every((s) => s === 'non-inferior')) return 'GO';
  return 'CAUTION';
}

const mean = (x: { readonly mean: number }): number => x.mean;

/**
 * Decides the stage.
 * @param input.verdicts one per judged metric, all over the same looks
 * @param input.looksMs the look times of the verdicts' `states`
 * @param input.evidenceStartMs start of the evidence (stage start)
 * @param input.slaMetAt whether the SLAs were met at each look (default: met; critical SLAs are not tracked per look)
 * @throws InvalidInputError when the verdicts' states or `slaMetAt` do not match the looks, for duplicate metric or
 *   SLA names, or SLA ratios/targets/weights out of range.
 */
export function decideStage(input: {
  readonly verdicts: readonly SequentialVerdict[];
  readonly sla: readonly SlaCheck[];
  readonly looksMs: readonly number[];
  readonly evidenceStartMs: number;
  readonly slaMetAt?: readonly boolean[];
}): StageDecision {
  const { verdicts, sla, looksMs } = input;
  const names = new Set<string>();
  for (const n of [...verdicts.map((v) => `metric:${v.metric}`), ...sla.map((s) => `sla:${s.name}`)]) {
    if (names.has(n)) throw new InvalidInputError(`rollout decision: ${n} appears twice`);
    names.add(n);
  }
  if (input.slaMetAt !== undefined && input.slaMetAt.length !== looksMs.length) {
    throw new InvalidInputError(`${input.slaMetAt.length} SLA states for ${looksMs.length} looks`);
  }
  for (const v of verdicts) {
    if (v.states.length !== looksMs.length)
      throw new InvalidInputError(`${v.metric}: ${v.states.length} look states for ${looksMs.length} looks`);
  }
  const drivers: DecisionDriver[] = [];
  const regressions: Regression[] = [];
  let forced = false;
  for (const v of verdicts) {
    const value = v.degradationPercent ?? Number.NaN;
    if (v.state === 'regression') {
      forced = true;
      regressions.push({
        metric: v.metric,
        // The state already says "beyond the threshold"; the bands only grade it (at or below 15 % is low).
        severity: regressionSeverity(value) ?? 'low',
        degradationPercent: value,
        pValue: v.pValue ?? 1,
        v1Value: mean(v.v1),
        v3Value: mean(v.v3),
      });
    }
    const effect: DriverEffect =
      v.state === 'regression' ? 'forces-no-go' : v.state === 'non-inferior' ? 'supports-go' : 'blocks-go';
    drivers.push({
      source: v.state === 'nodata' ? 'nodata' : 'evidence',
      name: v.metric,
      effect,
      value: v.state === 'non-inferior' ? (v.upperPercent ?? value) : value,
      text: v.reason,
    });
  }

  let sw = 0;
  let ss = 0;
  let slaMet = true;
  for (const c of sla) {
    const { ratio: r, target, weight: w, met } = readSla(c);
    sw += w;
    ss += w * r;
    if (!met) {
      slaMet = false;
      if (c.critical) forced = true;
    }
    drivers.push({
      source: 'sla',
      name: c.name,
      effect: met ? 'supports-go' : c.critical ? 'forces-no-go' : 'blocks-go',
      value: r,
      text: `SLA ${c.name} ${met ? 'met' : 'not met'}${c.detail ? `: ${c.detail}` : ''} (compliance ${(r * 100).toFixed(2)} %, target ${(target * 100).toFixed(0)} %)`,
    });
  }

  const evidenceDecision = lookDecision(
    verdicts.map((v) => v.state),
    true,
  );
  let firstGoAtMs: number | null = null;
  let firstNoGoAtMs: number | null = null;
  for (let k = 0; k < looksMs.length && (firstGoAtMs === null || firstNoGoAtMs === null); k++) {
    const d = lookDecision(
      verdicts.map((v) => v.states[k]!),
      input.slaMetAt?.[k] ?? true,
    );
    if (d === 'GO') firstGoAtMs ??= looksMs[k]!;
    if (d === 'NO-GO') firstNoGoAtMs ??= looksMs[k]!;
  }
  const firstAt = Math.min(firstGoAtMs ?? Infinity, firstNoGoAtMs ?? Infinity);
  const firstDecision: FirstDecision | null = Number.isFinite(firstAt)
    ? {
        decision: firstAt === firstGoAtMs ? 'GO' : 'NO-GO',
        atMs: firstAt,
        afterMs: Math.max(0, firstAt - input.evidenceStartMs),
      }
    : null;
  const decision: RolloutDecision = forced ? 'NO-GO' : evidenceDecision === 'GO' && slaMet ? 'GO' : 'CAUTION';

  const slaScore = sw > 0 ? ss / sw : null;
  const canaryScore =
    verdicts.length > 0 ? verdicts.reduce((a, v) => a + CREDIT[v.state], 0) / verdicts.length : null;
  const parts = [
    slaScore === null ? null : [WEIGHTS.sla, slaScore],
    canaryScore === null ? null : [WEIGHTS.canary, canaryScore],
  ].filter((p): p is [number, number] => p !== null);
  const wsum = parts.reduce((a, [w]) => a + w, 0);
  const score = wsum > 0 ? parts.reduce((a, [w, v]) => a + w * v, 0) / wsum : 0;

  const order: Record<DriverEffect, number> = {
    'forces-no-go': 0,
    'lowers-score': 1,
    'blocks-go': 2,
    'supports-go': 3,
  };
  drivers.sort((a, b) => order[a.effect] - order[b.effect]);
  const head = drivers
    .filter((d) => (decision === 'GO' ? true : d.effect !== 'supports-go'))
    .slice(0, 3)
    .map((d) => d.text)
    .join('; ');
  const first = firstDecision
    ? ` (first ${firstDecision.decision} after ${Math.round(firstDecision.afterMs / 1000)} s of evidence)`
    : '';
  const summary = `${decision}${first}${head ? ` — ${head}` : ''}`;
  return {
    decision,
    forced,
    score,
    slaScore,
    canaryScore,
    evidenceDecision,
    firstDecision,
    firstGoAtMs,
    firstNoGoAtMs,
    regressions,
    drivers,
    summary,
  };
}
