/**
 * The table of bench/rollout.ts: per run its outcome (when the evidence, GO and NO-GO first came), per row of
 * runs the rates with 95 % Clopper-Pearson intervals and the time-to-decision quantiles, and the pooled goals.
 */
import { incompleteBeta } from '../src/math/beta.ts';
import { quantileSorted } from '../src/math/quantile.ts';
import type { RolloutResult } from '../src/monitor/rollout-status.ts';
import { HORIZON_MS, MINUTES } from './rollout-options.ts';

export type Truth = 'better' | 'equal' | 'minor' | 'regression';

export interface Outcome {
  /** First look at which every judged metric had been shown non-inferior (the evidence alone, before the SLA checks). */
  readonly evidenceAfterMs: number | null;
  readonly goAfterMs: number | null;
  readonly noGoAfterMs: number | null;
  readonly firstAfterMs: number | null;
  readonly final: RolloutResult;
}

// ---------- statistics of the table ----------

/** 95 % Clopper-Pearson interval of k successes in n (bisection on the regularized incomplete beta). */
function clopperPearson(k: number, n: number): [number, number] {
  const inv = (a: number, b: number, p: number): number => {
    let lo = 0;
    let hi = 1;
    for (let i = 0; i < 100; i++) {
      const mid = (lo + hi) / 2;
      if (incompleteBeta(a, b, mid) < p) lo = mid;
      else hi = mid;
    }
    return (lo + hi) / 2;
  };
  return [k === 0 ? 0 : inv(k, n - k + 1, 0.025), k === n ? 1 : inv(k + 1, n - k, 0.975)];
}
const pc = (x: number): string => `${(100 * x).toFixed(1)}`;
function rate(k: number, n: number): string {
  const [lo, hi] = clopperPearson(k, n);
  return `${pc(k / n)} % [${pc(lo)}, ${pc(hi)}]`;
}
function minutes(ms: readonly number[], q: number): string {
  if (ms.length === 0) return '–';
  const s = [...ms].sort((a, b) => a - b);
  return (quantileSorted(s, q) / 60_000).toFixed(1);
}

export interface Row {
  readonly scenario: string;
  readonly truth: Truth;
  readonly stage: number;
  readonly outcomes: readonly Outcome[];
}

/** The Markdown table of `rows` under `title`, then the pooled goals, the legend and `notes`. */
export function table(title: string, rows: readonly Row[], notes: readonly string[]): string[] {
  const header = [
    'scenario',
    'truth',
    'stage',
    'runs',
    `evidence ≤ ${MINUTES} min`,
    `GO ≤ ${MINUTES} min`,
    `NO-GO ≤ ${MINUTES} min`,
    'false GO',
    'false NO-GO',
    'decided',
    't50 min',
    't95 min',
  ];
  const lines = rows.map((r) => {
    const n = r.outcomes.length;
    const evidence = r.outcomes.filter(
      (o) => o.evidenceAfterMs !== null && o.evidenceAfterMs <= HORIZON_MS,
    ).length;
    const go = r.outcomes.filter((o) => o.goAfterMs !== null && o.goAfterMs <= HORIZON_MS).length;
    const nogo = r.outcomes.filter((o) => o.noGoAfterMs !== null && o.noGoAfterMs <= HORIZON_MS).length;
    const anyGo = r.outcomes.filter((o) => o.goAfterMs !== null).length;
    const anyNoGo = r.outcomes.filter((o) => o.noGoAfterMs !== null).length;
    const times = r.outcomes.map((o) => o.firstAfterMs).filter((t): t is number => t !== null);
    return [
      r.scenario,
      r.truth,
      `${r.stage} %`,
      String(n),
      rate(evidence, n),
      rate(go, n),
      rate(nogo, n),
      r.truth === 'regression' ? rate(anyGo, n) : '',
      r.truth === 'better' || r.truth === 'equal' ? rate(anyNoGo, n) : '',
      `${pc(times.length / n)} %`,
      minutes(times, 0.5),
      minutes(times, 0.95),
    ];
  });
  const widths = header.map((h, i) => Math.max(h.length, ...lines.map((l) => l[i]!.length)));
  const fmt = (cells: readonly string[]): string =>
    '| ' + cells.map((c, i) => c.padEnd(widths[i]!)).join(' | ') + ' |';
  const agg = (truths: readonly Truth[], pick: (o: Outcome) => boolean): string => {
    const os = rows.filter((r) => truths.includes(r.truth)).flatMap((r) => r.outcomes);
    return os.length === 0 ? 'n/a' : rate(os.filter(pick).length, os.length);
  };
  return [
    title,
    '',
    fmt(header),
    '|' + widths.map((w) => '-'.repeat(w + 2)).join('|') + '|',
    ...lines.map(fmt),
    '',
    `pooled false GO on regressions >= 10 %: ${agg(['regression'], (o) => o.goAfterMs !== null)} (goal 0 %)`,
    `pooled false NO-GO on equal-or-better: ${agg(['equal', 'better'], (o) => o.noGoAfterMs !== null)} (goal <= 2 %)`,
    `pooled GO within ${MINUTES} min on equal-or-better: ${agg(['equal', 'better'], (o) => o.goAfterMs !== null && o.goAfterMs <= HORIZON_MS)} (goal >= 90 %)`,
    'rates with 95 % Clopper-Pearson intervals; evidence: every judged metric shown non-inferior at some look (the statistical evidence for GO, before the SLA checks); t50/t95: time to the first GO or NO-GO over the decided runs, minutes of evidence.',
    ...notes,
  ];
}

/** The outcome of one run from its final rollout status (times relative to the stage start). */
export function outcomeOf(s: RolloutResult): Outcome {
  const e = s.evidence;
  const after = (t: number | null): number | null => (t === null ? null : t - e.startMs);
  const firsts = e.metrics.map((m) => m.firstNonInferiorMs);
  const evidenceAt =
    firsts.length > 0 && firsts.every((t) => t !== null) ? Math.max(...(firsts as number[])) : null;
  return {
    evidenceAfterMs: after(evidenceAt),
    goAfterMs: after(e.firstGoAtMs),
    noGoAfterMs: after(e.firstNoGoAtMs),
    firstAfterMs: e.firstDecision?.afterMs ?? null,
    final: s,
  };
}
