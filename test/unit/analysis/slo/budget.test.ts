import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { InvalidInputError, LimitExceededError } from '../../../../src/errors.ts';
import { evaluateErrorBudget } from '../../../../src/analysis/slo/budget.ts';
import { SRE_WORKBOOK_BURN_RATE_PAIRS } from '../../../../src/analysis/slo/burn-rate.ts';
import type { Slo } from '../../../../src/analysis/slo/definition.ts';
import { sloTemplate } from '../../../../src/analysis/slo/definition.ts';
import { thresholdSteps, type BoolStep, type EventStep } from '../../../../src/analysis/slo/series.ts';

const MIN = 60_000;
const HOUR = 60 * MIN;
const DAY = 24 * HOUR;
const T0 = 1_700_000_000_000;

function near(actual: number | null, expected: number, eps = 1e-9): void {
  assert.ok(actual !== null && Math.abs(actual - expected) <= eps, `expected ${expected}, got ${actual}`);
}

const availability: Slo = sloTemplate('availability')!; // ratio, 0.999, 30d
const latency: Slo = sloTemplate('latency-p99')!; // threshold p99 < 0.5 s, 0.99, 30d
const slo999Time: Slo = { ...latency, objective: 0.999 };

describe('evaluateErrorBudget: compliance and budget', () => {
  it('time SLI: 1 bad step of 1000 covering the window -> 99.9 % compliant, budget exactly used', () => {
    const stepMs = (30 * DAY) / 1000; // 43.2 min
    const steps: BoolStep[] = Array.from({ length: 1000 }, (_, i) => ({ tMs: T0 + i * stepMs, good: i !== 500 }));
    const now = T0 + 30 * DAY;
    const r = evaluateErrorBudget({ slo: slo999Time, series: { kind: 'steps', stepMs, steps } }, {}, now);
    assert.equal(r.kind, 'time');
    near(r.compliance, 0.999);
    assert.equal(r.status, 'met');
    assert.equal(r.coverage, 1);
    assert.equal(r.budget.unit, 'ms');
    near(r.budget.total, 2_592_000, 1e-6); // 0.1 % of 30 d = 43.2 min
    assert.equal(r.budget.consumed, 2_592_000);
    near(r.budget.consumedFraction, 1);
    near(r.budget.remainingFraction, 0);
    assert.equal(r.violations.length, 1);
    assert.deepEqual(r.violations[0], { startMs: T0 + 500 * stepMs, endMs: T0 + 501 * stepMs, durationMs: stepMs, steps: 1, worstValue: null, open: false });
    assert.equal(r.violationTimeMs, r.bad);
  });

  it('event SLI: 1 bad event of 1000 -> 99.9 %, budget of 1 event used up', () => {
    const steps: EventStep[] = Array.from({ length: 1000 }, (_, i) => ({ tMs: T0 + i * MIN, good: i === 10 ? 0 : 1, total: 1 }));
    const r = evaluateErrorBudget({ slo: availability, series: { kind: 'events', stepMs: MIN, steps } }, {}, T0 + 1000 * MIN);
    assert.equal(r.kind, 'events');
    near(r.compliance, 0.999);
    assert.equal(r.good, 999);
    assert.equal(r.bad, 1);
    assert.equal(r.valid, 1000);
    near(r.budget.total, 1);
    assert.equal(r.budget.consumed, 1);
    near(r.budget.remaining, 0);
    near(r.budget.remainingFraction, 0);
    // The bad step's own ratio (0/1) is below the objective: one violation of one minute, worst ratio 0.
    assert.deepEqual(r.violations.map((v) => [v.startMs - T0, v.durationMs, v.worstValue]), [[10 * MIN, MIN, 0]]);
  });

  it('overspent budget goes negative and the status is violated', () => {
    const steps: EventStep[] = Array.from({ length: 10 }, (_, i) => ({ tMs: T0 + i * MIN, good: 995, total: 1000 }));
    const r = evaluateErrorBudget({ slo: availability, series: { kind: 'events', stepMs: MIN, steps } }, {}, T0 + 10 * MIN);
    near(r.compliance, 0.995);
    assert.equal(r.status, 'violated');
    near(r.budget.consumedFraction, 5);
    near(r.budget.remainingFraction, -4);
    near(r.budget.remaining, -40, 1e-6);
  });

  it('only counts steps inside [now - window, now) and reports coverage', () => {
    const slo: Slo = { ...slo999Time, windowMs: 10 * MIN };
    const steps: BoolStep[] = [
      { tMs: T0, good: false }, // outside the window
      { tMs: T0 + 15 * MIN, good: true },
      { tMs: T0 + 16 * MIN, good: false },
    ];
    const r = evaluateErrorBudget({ slo, series: { kind: 'steps', stepMs: MIN, steps } }, {}, T0 + 20 * MIN);
    assert.equal(r.windowStartMs, T0 + 10 * MIN);
    near(r.compliance, 0.5);
    near(r.coverage, 0.2);
    assert.equal(r.violationTimeMs, MIN);
    near(r.budget.total, 600, 1e-6); // 0.1 % of 10 min
    assert.equal(r.budget.consumed, MIN);
  });

  it('reports no-data without steps', () => {
    const r = evaluateErrorBudget({ slo: availability, series: { kind: 'events', stepMs: MIN, steps: [{ tMs: T0, good: 0, total: 0 }] } }, {}, T0 + MIN);
    assert.equal(r.compliance, null);
    assert.equal(r.status, 'no-data');
    assert.equal(r.budget.consumedFraction, null);
    assert.ok(r.burnRates.every((b) => b.long.burnRate === null && !b.firing));
  });
});

describe('evaluateErrorBudget: violation intervals', () => {
  it('merges contiguous bad steps, splits at good steps and gaps, and sums real durations', () => {
    const bad = new Set([3, 4, 5, 10, 20, 22]); // 21 is missing (no data)
    const values: { tMs: number; value: number }[] = [];
    for (let i = 0; i < 30; i++) {
      if (i === 21) continue;
      values.push({ tMs: T0 + i * MIN, value: bad.has(i) ? 0.5 + i / 100 : 0.1 });
    }
    const sli = latency.sli.type === 'threshold' ? latency.sli : assert.fail('threshold template');
    const steps = thresholdSteps(sli, values);
    assert.equal(steps[5]!.good, false); // 0.55 is not < 0.5
    const r = evaluateErrorBudget({ slo: latency, series: { kind: 'steps', stepMs: MIN, steps } }, {}, T0 + 30 * MIN);
    assert.deepEqual(
      r.violations.map((v) => ({ start: (v.startMs - T0) / MIN, end: (v.endMs - T0) / MIN, dur: v.durationMs / MIN, steps: v.steps, worst: v.worstValue })),
      [
        { start: 3, end: 6, dur: 3, steps: 3, worst: 0.55 },
        { start: 10, end: 11, dur: 1, steps: 1, worst: 0.6 },
        { start: 20, end: 21, dur: 1, steps: 1, worst: 0.7 },
        { start: 22, end: 23, dur: 1, steps: 1, worst: 0.72 },
      ],
    );
    assert.equal(r.violationTimeMs, 6 * MIN);
    assert.equal(r.bad, 6 * MIN);
    near(r.compliance, 23 / 29);
  });

  it('uses the minimum as the worst value for >= thresholds and marks an ongoing run open', () => {
    const tp = sloTemplate('throughput-datacenter')!;
    const sli = tp.sli.type === 'threshold' ? tp.sli : assert.fail('threshold template');
    const steps = thresholdSteps(sli, [
      { tMs: T0, value: 2.5e9 },
      { tMs: T0 + MIN, value: 2.0e9 },
      { tMs: T0 + 2 * MIN, value: 1.5e9 },
      { tMs: T0 + 3 * MIN, value: 2.3e9 },
    ]);
    const r = evaluateErrorBudget({ slo: tp, series: { kind: 'steps', stepMs: MIN, steps } }, {}, T0 + 4 * MIN + 1000);
    assert.equal(r.violations.length, 1);
    assert.equal(r.violations[0]!.worstValue, 1.5e9);
    assert.equal(r.violations[0]!.open, true);
    assert.equal(r.violations[0]!.durationMs, 3 * MIN);
    // Same data seen 10 minutes later: the run is no longer current.
    const later = evaluateErrorBudget({ slo: tp, series: { kind: 'steps', stepMs: MIN, steps } }, {}, T0 + 14 * MIN);
    assert.equal(later.violations[0]!.open, false);
  });

  it('caps the listed intervals but still sums every duration', () => {
    const steps: BoolStep[] = Array.from({ length: 20 }, (_, i) => ({ tMs: T0 + i * MIN, good: i % 2 === 0 }));
    const r = evaluateErrorBudget({ slo: latency, series: { kind: 'steps', stepMs: MIN, steps } }, { maxViolations: 3 }, T0 + 20 * MIN);
    assert.equal(r.violations.length, 3);
    assert.equal(r.violationsTruncated, true);
    assert.equal(r.violationTimeMs, 10 * MIN);
  });
});

describe('evaluateErrorBudget: multiwindow burn rates (SRE workbook ch. 5)', () => {
  /** 3 days of 1-minute event steps; `badPerMille(i)` bad events of 1000 at minute i (0 = oldest). */
  function series(badPerMille: (minutesAgo: number) => number): { steps: EventStep[]; now: number } {
    const n = 3 * 24 * 60;
    const steps: EventStep[] = [];
    for (let i = 0; i < n; i++) steps.push({ tMs: T0 + i * MIN, good: 1000 - badPerMille(n - i), total: 1000 });
    return { steps, now: T0 + n * MIN };
  }
  const firing = (r: ReturnType<typeof evaluateErrorBudget>): string[] =>
    r.burnRates.filter((b) => b.firing).map((b) => `${b.longWindowMs / MIN}m/${b.shortWindowMs / MIN}m`);

  it('uses the workbook pairs with their budget shares for a 30-day SLO', () => {
    const { steps, now } = series(() => 0);
    const r = evaluateErrorBudget({ slo: availability, series: { kind: 'events', stepMs: MIN, steps } }, {}, now);
    assert.deepEqual(
      r.burnRates.map((b) => [b.severity, b.longWindowMs / MIN, b.shortWindowMs / MIN, b.factor]),
      [
        ['page', 60, 5, 14.4],
        ['page', 360, 30, 6],
        ['ticket', 1440, 120, 3],
        ['ticket', 4320, 360, 1],
      ],
    );
    const shares = r.burnRates.map((b) => b.budgetConsumed);
    [0.02, 0.05, 0.1, 0.1].forEach((x, i) => near(shares[i]!, x));
    assert.equal(SRE_WORKBOOK_BURN_RATE_PAIRS.length, 4);
    assert.deepEqual(r.alerts, { page: false, ticket: false });
  });

  it('a constant 1.5 % error rate (burn 15) fires every pair; 1.4 % (burn 14) misses only the x14.4 pair', () => {
    const hi = series(() => 15);
    const r = evaluateErrorBudget({ slo: availability, series: { kind: 'events', stepMs: MIN, steps: hi.steps } }, {}, hi.now);
    near(r.burnRates[0]!.long.burnRate, 15, 1e-6);
    near(r.burnRates[0]!.short.burnRate, 15, 1e-6);
    assert.equal(r.burnRates[0]!.long.steps, 60);
    assert.equal(r.burnRates[0]!.short.steps, 5);
    assert.deepEqual(firing(r), ['60m/5m', '360m/30m', '1440m/120m', '4320m/360m']);
    assert.deepEqual(r.alerts, { page: true, ticket: true });

    const lo = series(() => 14);
    const r2 = evaluateErrorBudget({ slo: availability, series: { kind: 'events', stepMs: MIN, steps: lo.steps } }, {}, lo.now);
    near(r2.burnRates[0]!.long.burnRate, 14, 1e-6);
    assert.deepEqual(firing(r2), ['360m/30m', '1440m/120m', '4320m/360m']);
  });

  it('needs both windows: a 5-minute spike alone does not page, nor does a 1-hour burn that has stopped', () => {
    // Last 5 minutes at 10 % errors (burn 100), clean before: 1h burn = 100 * 5/60 = 8.33 < 14.4.
    const spike = series((ago) => (ago <= 5 ? 100 : 0));
    const r = evaluateErrorBudget({ slo: availability, series: { kind: 'events', stepMs: MIN, steps: spike.steps } }, {}, spike.now);
    near(r.burnRates[0]!.short.burnRate, 100, 1e-6);
    near(r.burnRates[0]!.long.burnRate, 100 * (5 / 60), 1e-6);
    assert.equal(r.burnRates[0]!.firing, false);
    // 2 % errors for the hour before the last 5 minutes, then clean: 1h burn = 20 * 55/60 = 18.3, 5m burn = 0.
    const stopped = series((ago) => (ago > 5 && ago <= 60 ? 20 : 0));
    const r2 = evaluateErrorBudget({ slo: availability, series: { kind: 'events', stepMs: MIN, steps: stopped.steps } }, {}, stopped.now);
    near(r2.burnRates[0]!.long.burnRate, (20 * 55) / 60, 1e-6);
    assert.equal(r2.burnRates[0]!.short.burnRate, 0);
    assert.equal(r2.burnRates[0]!.firing, false);
    // Both windows above 14.4: 2 % for the whole last hour.
    const both = series((ago) => (ago <= 60 ? 20 : 0));
    const r3 = evaluateErrorBudget({ slo: availability, series: { kind: 'events', stepMs: MIN, steps: both.steps } }, {}, both.now);
    assert.equal(r3.burnRates[0]!.firing, true);
    assert.equal(r3.alerts.page, true);
  });

  it('accepts custom pairs and validates them', () => {
    const { steps, now } = series(() => 2);
    const pairs = [{ severity: 'ticket' as const, longWindowMs: HOUR, shortWindowMs: 5 * MIN, factor: 1.5 }];
    const r = evaluateErrorBudget({ slo: availability, series: { kind: 'events', stepMs: MIN, steps } }, { burnRatePairs: pairs }, now);
    assert.equal(r.burnRates.length, 1);
    assert.equal(r.burnRates[0]!.firing, true);
    assert.throws(
      () => evaluateErrorBudget({ slo: availability, series: { kind: 'events', stepMs: MIN, steps } }, { burnRatePairs: [{ ...pairs[0]!, factor: 0 }] }, now),
      InvalidInputError,
    );
    assert.throws(
      () => evaluateErrorBudget({ slo: availability, series: { kind: 'events', stepMs: MIN, steps } }, { burnRatePairs: [{ ...pairs[0]!, shortWindowMs: 2 * HOUR }] }, now),
      InvalidInputError,
    );
  });
});

describe('evaluateErrorBudget: bad input', () => {
  const ev = (steps: EventStep[]) => ({ slo: availability, series: { kind: 'events' as const, stepMs: MIN, steps } });
  const now = T0 + 100 * MIN;
  const bad = (data: Parameters<typeof evaluateErrorBudget>[0], re: RegExp, opts = {}) =>
    assert.throws(() => evaluateErrorBudget(data, opts, now), (e: unknown) => e instanceof InvalidInputError && re.test(e.message));

  it('rejects unsorted, overlapping and future steps', () => {
    bad(ev([{ tMs: T0 + MIN, good: 1, total: 1 }, { tMs: T0, good: 1, total: 1 }]), /steps\[1\].*sorted/);
    bad(ev([{ tMs: T0, good: 1, total: 1 }, { tMs: T0 + 1000, good: 1, total: 1 }]), /overlap/);
    bad(ev([{ tMs: now, good: 1, total: 1 }]), /not before now/);
  });

  it('rejects NaN, negative counts and good > total', () => {
    bad(ev([{ tMs: T0, good: Number.NaN, total: 1 }]), /finite/);
    bad(ev([{ tMs: T0, good: -1, total: 1 }]), />= 0/);
    bad(ev([{ tMs: T0, good: 2, total: 1 }]), /good \(2\) > total \(1\)/);
    bad({ slo: latency, series: { kind: 'steps', stepMs: MIN, steps: [{ tMs: T0, good: true, value: Number.NaN }] } }, /value must be finite/);
    bad({ ...ev([]), series: { kind: 'events', stepMs: 0, steps: [] } }, /stepMs/);
  });

  it('rejects an objective outside (0, 1) and an events series for a threshold SLI', () => {
    for (const objective of [0, 1, 1.5, Number.NaN]) bad({ ...ev([]), slo: { ...availability, objective } }, /objective must be in \(0, 1\)/);
    bad({ slo: latency, series: { kind: 'events', stepMs: MIN, steps: [] } }, /needs a ratio SLI/);
  });

  it('enforces the step limit with LimitExceededError', () => {
    const steps: EventStep[] = Array.from({ length: 11 }, (_, i) => ({ tMs: T0 + i * MIN, good: 1, total: 1 }));
    assert.throws(() => evaluateErrorBudget(ev(steps), { maxSteps: 10 }, now), LimitExceededError);
    assert.doesNotThrow(() => evaluateErrorBudget(ev(steps.slice(0, 10)), { maxSteps: 10 }, now));
    assert.throws(() => evaluateErrorBudget(ev(steps), { maxSteps: 2_000_000 }, now), InvalidInputError);
  });
});
