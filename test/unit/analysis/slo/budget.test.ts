import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { InvalidInputError, LimitExceededError } from '../../../../src/errors.ts';
import fc from 'fast-check';
import {
  evaluateErrorBudget,
  type BudgetReport,
  type BudgetVerdict,
} from '../../../../src/analysis/slo/budget.ts';
import { minBurnEvents, SRE_WORKBOOK_BURN_RATE_PAIRS } from '../../../../src/analysis/slo/burn-rate.ts';
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

/** The report as a verdict (met / violated), failing the test otherwise. */
function verdict(r: BudgetReport): BudgetVerdict {
  if (r.status !== 'met' && r.status !== 'violated')
    assert.fail(`expected a verdict, got ${r.status}: ${r.missing.join('; ')}`);
  return r;
}

/** Verdicts without the measured-time gate (tests of the budget arithmetic on short windows of data). */
const NOW_GATE = { minObservedMs: 0 };

const availability: Slo = sloTemplate('availability')!; // ratio, 0.999, 30d
const latency: Slo = sloTemplate('latency-p99')!; // threshold p99 < 0.5 s, 0.99, 30d
const slo999Time: Slo = { ...latency, objective: 0.999 };

describe('evaluateErrorBudget: compliance and budget', () => {
  it('time SLI: 1 bad step of 1000 covering the window -> 99.9 % compliant, budget exactly used', () => {
    const stepMs = (30 * DAY) / 1000; // 43.2 min
    const steps: BoolStep[] = Array.from({ length: 1000 }, (_, i) => ({
      tMs: T0 + i * stepMs,
      good: i !== 500,
    }));
    const now = T0 + 30 * DAY;
    const r = verdict(
      evaluateErrorBudget({ slo: slo999Time, series: { kind: 'steps', stepMs, steps } }, {}, now),
    );
    assert.equal(r.kind, 'time');
    near(r.compliance, 0.999);
    assert.equal(r.status, 'met');
    assert.equal(r.coverage, 1);
    assert.equal(r.evidence.observedMs, 30 * DAY);
    assert.equal(r.budget.unit, 'ms');
    near(r.budget.total, 2_592_000, 1e-6); // 0.1 % of 30 d = 43.2 min
    assert.equal(r.budget.consumed, 2_592_000);
    near(r.budget.consumedFraction, 1);
    near(r.budget.remainingFraction, 0);
    assert.equal(r.budget.exhausted, true);
    assert.equal(r.violations.length, 1);
    assert.deepEqual(r.violations[0], {
      startMs: T0 + 500 * stepMs,
      endMs: T0 + 501 * stepMs,
      durationMs: stepMs,
      steps: 1,
      worstValue: null,
      open: false,
    });
    assert.equal(r.violationTimeMs, r.bad);
  });

  it('event SLI: the budget of the whole window is projected from the observed rate, with the coverage it rests on', () => {
    // 1000 minutes (16.7 h of 30 d) with one event per minute, one bad: 1 of the ~43.2 events the window allows.
    const steps: EventStep[] = Array.from({ length: 1000 }, (_, i) => ({
      tMs: T0 + i * MIN,
      good: i === 10 ? 0 : 1,
      total: 1,
    }));
    const r = verdict(
      evaluateErrorBudget(
        { slo: availability, series: { kind: 'events', stepMs: MIN, steps } },
        {},
        T0 + 1000 * MIN,
      ),
    );
    assert.equal(r.kind, 'events');
    near(r.compliance, 0.999);
    assert.equal(r.good, 999);
    assert.equal(r.bad, 1);
    assert.equal(r.valid, 1000);
    near(r.coverage, 1000 / (30 * 24 * 60));
    near(r.budget.total, 0.001 * 30 * 24 * 60, 1e-9); // 43,200 expected events × 0.1 %
    assert.equal(r.budget.consumed, 1);
    near(r.budget.consumedFraction, 1 / 43.2);
    near(r.budget.remainingFraction, 1 - 1 / 43.2);
    assert.equal(r.budget.exhausted, false);
    // The bad step's own ratio (0/1) is below the objective: one violation of one minute, worst ratio 0.
    assert.deepEqual(
      r.violations.map((v) => [v.startMs - T0, v.durationMs, v.worstValue]),
      [[10 * MIN, MIN, 0]],
    );
  });

  it('an overspent budget stays in [0, total] and says exhausted; the status is violated', () => {
    const slo: Slo = { ...availability, windowMs: 10 * MIN };
    const steps: EventStep[] = Array.from({ length: 10 }, (_, i) => ({
      tMs: T0 + i * MIN,
      good: 995,
      total: 1000,
    }));
    const r = verdict(
      evaluateErrorBudget({ slo, series: { kind: 'events', stepMs: MIN, steps } }, {}, T0 + 10 * MIN),
    );
    near(r.compliance, 0.995);
    assert.equal(r.status, 'violated');
    near(r.budget.consumedFraction, 5);
    assert.equal(r.budget.remainingFraction, 0);
    assert.equal(r.budget.remaining, 0);
    assert.equal(r.budget.exhausted, true);
    assert.ok(r.evidence.pValue !== null && r.evidence.pValue < 1e-6);
  });

  it('only counts steps inside [now - window, now) and reports coverage', () => {
    const slo: Slo = { ...slo999Time, windowMs: 10 * MIN };
    const steps: BoolStep[] = [
      { tMs: T0, good: false }, // outside the window
      { tMs: T0 + 15 * MIN, good: true },
      { tMs: T0 + 16 * MIN, good: false },
    ];
    const r = verdict(
      evaluateErrorBudget({ slo, series: { kind: 'steps', stepMs: MIN, steps } }, NOW_GATE, T0 + 20 * MIN),
    );
    assert.equal(r.windowStartMs, T0 + 10 * MIN);
    near(r.compliance, 0.5);
    near(r.coverage, 0.2);
    assert.equal(r.violationTimeMs, MIN);
    near(r.budget.total, 600, 1e-6); // 0.1 % of 10 min
    assert.equal(r.budget.consumed, MIN);
  });

  it('reports no-data without valid events, with what is missing and no numbers', () => {
    const r = evaluateErrorBudget(
      { slo: availability, series: { kind: 'events', stepMs: MIN, steps: [{ tMs: T0, good: 0, total: 0 }] } },
      {},
      T0 + MIN,
    );
    assert.equal(r.compliance, null);
    assert.equal(r.status, 'no-data');
    assert.equal(r.budget, null);
    assert.match(r.missing.join(), /no valid event in the window \(1m measured\)/);
    assert.ok(r.burnRates.every((b) => b.long.burnRate === null && !b.firing));
  });
});

describe('evaluateErrorBudget: warm-up and evidence gates', () => {
  /** `seconds` of 10 s event steps with `perStep` events, bad at every `badEvery`-th event. */
  function events(seconds: number, perStep: number, badEvery: number): { steps: EventStep[]; now: number } {
    const steps: EventStep[] = [];
    let n = 0;
    for (let t = 0; t < seconds * 1000; t += 10_000) {
      let bad = 0;
      for (let k = 0; k < perStep; k++) if (++n % badEvery === 0) bad++;
      steps.push({ tMs: T0 + t, good: perStep - bad, total: perStep });
    }
    return { steps, now: T0 + seconds * 1000 };
  }

  it('30 s of a healthy cluster: insufficient-data with what is missing, no compliance, budget or page', () => {
    // 156 migrations in 30 s, one failed (as the simulator at start): compliance 99.36 % but only 30 s measured.
    const { steps, now } = events(30, 52, 156);
    const r = evaluateErrorBudget(
      { slo: availability, series: { kind: 'events', stepMs: 10_000, steps } },
      {},
      now,
    );
    assert.equal(r.status, 'insufficient-data');
    assert.equal(r.compliance, null);
    assert.equal(r.budget, null);
    assert.deepEqual(r.missing, ['30s measured of the 30m needed before a verdict']);
    assert.equal(r.evidence.observedMs, 30_000);
    assert.equal(r.evidence.requiredObservedMs, 30 * MIN);
    assert.deepEqual(r.alerts, { page: false, ticket: false });
    assert.ok(r.burnRates.every((b) => b.state === 'insufficient-data' && !b.firing));
    assert.deepEqual(r.burnRates[0]!.missing, [
      'long window 1h: 30s measured (0.8 %); 90 % needed',
      'short window 5m: 30s measured (10 %); 90 % needed',
    ]);
  });

  it('after the warm-up a verdict: met at 0.05 % failures, violated at 0.2 % (significant), budget in range', () => {
    const met = verdict(
      evaluateErrorBudget(
        { slo: availability, series: { kind: 'events', stepMs: 10_000, ...events(40 * 60, 50, 2000) } },
        {},
        T0 + 40 * MIN,
      ),
    );
    assert.equal(met.status, 'met');
    near(met.compliance, 0.9995, 1e-4);
    const bad = events(40 * 60, 50, 500); // 12,000 events, 24 bad where the objective allows 12
    const v = verdict(
      evaluateErrorBudget(
        { slo: availability, series: { kind: 'events', stepMs: 10_000, ...bad } },
        {},
        bad.now,
      ),
    );
    assert.equal(v.status, 'violated');
    near(v.compliance, 0.998, 1e-9);
    assert.ok(v.evidence.pValue! < 0.05);
    // 40 min of 30 d at burn 2: 0.19 % of the window's budget spent.
    near(v.budget.consumedFraction, ((40 * MIN) / (30 * DAY)) * 2, 1e-9);
  });

  it('compliance below the objective within sampling noise is not called violated', () => {
    // 40 minutes, 500 events in all, one bad: 99.8 % < 99.9 %, but one failure in 500 is likely at 0.1 % (p = 0.39).
    const steps: EventStep[] = Array.from({ length: 240 }, (_, i) => ({
      tMs: T0 + i * 10_000,
      good: (i < 20 ? 3 : 2) - (i === 7 ? 1 : 0),
      total: i < 20 ? 3 : 2,
    }));
    const valid = steps.reduce((a, s) => a + s.total, 0);
    assert.equal(valid, 500);
    const r = evaluateErrorBudget(
      { slo: availability, series: { kind: 'events', stepMs: 10_000, steps } },
      {},
      T0 + 40 * MIN,
    );
    assert.equal(r.status, 'insufficient-data');
    assert.match(
      r.missing[0]!,
      /compliance 99\.8 % is below the objective 99\.9 % but within sampling noise of it \(1 bad of 500, p = 0\.39/,
    );
  });

  it('the measured-time gate is capped at the SLO window and configurable', () => {
    const slo: Slo = { ...availability, windowMs: 10 * MIN };
    const { steps, now } = events(10 * 60, 10, 5000);
    assert.equal(
      evaluateErrorBudget({ slo, series: { kind: 'events', stepMs: 10_000, steps } }, {}, now).status,
      'met',
    );
    const strict = evaluateErrorBudget(
      { slo: availability, series: { kind: 'events', stepMs: 10_000, steps } },
      { minObservedMs: HOUR },
      now,
    );
    assert.deepEqual(strict.missing, ['10m measured of the 1h needed before a verdict']);
  });

  it('event steps without events still count as measured time', () => {
    // 40 minutes scraped, events only in the first minute: the window is measured, the traffic low.
    const steps: EventStep[] = Array.from({ length: 240 }, (_, i) => ({
      tMs: T0 + i * 10_000,
      good: i < 6 ? 100 : 0,
      total: i < 6 ? 100 : 0,
    }));
    const r = verdict(
      evaluateErrorBudget(
        { slo: availability, series: { kind: 'events', stepMs: 10_000, steps } },
        {},
        T0 + 40 * MIN,
      ),
    );
    assert.equal(r.evidence.observedMs, 40 * MIN);
    assert.equal(r.valid, 600);
  });

  it('property: remaining budget stays in [0, total], its fraction in [0, 1], for any series', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.record({
            total: fc.integer({ min: 0, max: 1000 }),
            badShare: fc.double({ min: 0, max: 1, noNaN: true }),
          }),
          { minLength: 1, maxLength: 400 },
        ),
        fc.integer({ min: 1, max: 400 }),
        (raw, windowMin) => {
          const steps: EventStep[] = raw.map((s, i) => ({
            tMs: T0 + i * MIN,
            total: s.total,
            good: s.total - Math.round(s.total * s.badShare),
          }));
          const slo: Slo = { ...availability, windowMs: windowMin * MIN };
          const r = evaluateErrorBudget(
            { slo, series: { kind: 'events', stepMs: MIN, steps } },
            NOW_GATE,
            T0 + raw.length * MIN,
          );
          if (r.budget === null) return r.compliance === null && r.missing.length > 0;
          const b = r.budget;
          return (
            b.remaining >= 0 &&
            b.remaining <= b.total &&
            b.remainingFraction >= 0 &&
            b.remainingFraction <= 1 &&
            b.consumedFraction >= 0 &&
            r.coverage <= 1
          );
        },
      ),
    );
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
    const r = evaluateErrorBudget(
      { slo: latency, series: { kind: 'steps', stepMs: MIN, steps } },
      NOW_GATE,
      T0 + 30 * MIN,
    );
    assert.deepEqual(
      r.violations.map((v) => ({
        start: (v.startMs - T0) / MIN,
        end: (v.endMs - T0) / MIN,
        dur: v.durationMs / MIN,
        steps: v.steps,
        worst: v.worstValue,
      })),
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
    const r = evaluateErrorBudget(
      { slo: tp, series: { kind: 'steps', stepMs: MIN, steps } },
      {},
      T0 + 4 * MIN + 1000,
    );
    assert.equal(r.violations.length, 1);
    assert.equal(r.violations[0]!.worstValue, 1.5e9);
    assert.equal(r.violations[0]!.open, true);
    assert.equal(r.violations[0]!.durationMs, 3 * MIN);
    // Same data seen 10 minutes later: the run is no longer current.
    const later = evaluateErrorBudget(
      { slo: tp, series: { kind: 'steps', stepMs: MIN, steps } },
      {},
      T0 + 14 * MIN,
    );
    assert.equal(later.violations[0]!.open, false);
  });

  it('caps the listed intervals but still sums every duration', () => {
    const steps: BoolStep[] = Array.from({ length: 20 }, (_, i) => ({
      tMs: T0 + i * MIN,
      good: i % 2 === 0,
    }));
    const r = evaluateErrorBudget(
      { slo: latency, series: { kind: 'steps', stepMs: MIN, steps } },
      { maxViolations: 3 },
      T0 + 20 * MIN,
    );
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
    for (let i = 0; i < n; i++)
      steps.push({ tMs: T0 + i * MIN, good: 1000 - badPerMille(n - i), total: 1000 });
    return { steps, now: T0 + n * MIN };
  }
  const firing = (r: ReturnType<typeof evaluateErrorBudget>): string[] =>
    r.burnRates.filter((b) => b.firing).map((b) => `${b.longWindowMs / MIN}m/${b.shortWindowMs / MIN}m`);

  it('uses the workbook pairs with their budget shares for a 30-day SLO', () => {
    const { steps, now } = series(() => 0);
    const r = evaluateErrorBudget(
      { slo: availability, series: { kind: 'events', stepMs: MIN, steps } },
      {},
      now,
    );
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

  it('a constant 2 % error rate (burn 20) fires every pair; 1.4 % (burn 14) misses only the x14.4 pair', () => {
    const hi = series(() => 20);
    const r = evaluateErrorBudget(
      { slo: availability, series: { kind: 'events', stepMs: MIN, steps: hi.steps } },
      {},
      hi.now,
    );
    near(r.burnRates[0]!.long.burnRate, 20, 1e-6);
    near(r.burnRates[0]!.short.burnRate, 20, 1e-6);
    assert.equal(r.burnRates[0]!.long.steps, 60);
    assert.equal(r.burnRates[0]!.short.steps, 5);
    assert.deepEqual(firing(r), ['60m/5m', '360m/30m', '1440m/120m', '4320m/360m']);
    assert.deepEqual(r.alerts, { page: true, ticket: true });

    const lo = series(() => 14);
    const r2 = evaluateErrorBudget(
      { slo: availability, series: { kind: 'events', stepMs: MIN, steps: lo.steps } },
      {},
      lo.now,
    );
    near(r2.burnRates[0]!.long.burnRate, 14, 1e-6);
    assert.deepEqual(firing(r2), ['360m/30m', '1440m/120m', '4320m/360m']);
  });

  it('needs both windows: a 5-minute spike alone does not page, nor does a 1-hour burn that has stopped', () => {
    // Last 5 minutes at 10 % errors (burn 100), clean before: 1h burn = 100 * 5/60 = 8.33 < 14.4.
    const spike = series((ago) => (ago <= 5 ? 100 : 0));
    const r = evaluateErrorBudget(
      { slo: availability, series: { kind: 'events', stepMs: MIN, steps: spike.steps } },
      {},
      spike.now,
    );
    near(r.burnRates[0]!.short.burnRate, 100, 1e-6);
    near(r.burnRates[0]!.long.burnRate, 100 * (5 / 60), 1e-6);
    assert.equal(r.burnRates[0]!.firing, false);
    // 2 % errors for the hour before the last 5 minutes, then clean: 1h burn = 20 * 55/60 = 18.3, 5m burn = 0.
    const stopped = series((ago) => (ago > 5 && ago <= 60 ? 20 : 0));
    const r2 = evaluateErrorBudget(
      { slo: availability, series: { kind: 'events', stepMs: MIN, steps: stopped.steps } },
      {},
      stopped.now,
    );
    near(r2.burnRates[0]!.long.burnRate, (20 * 55) / 60, 1e-6);
    assert.equal(r2.burnRates[0]!.short.burnRate, 0);
    assert.equal(r2.burnRates[0]!.firing, false);
    // Both windows above 14.4: 2 % for the whole last hour.
    const both = series((ago) => (ago <= 60 ? 20 : 0));
    const r3 = evaluateErrorBudget(
      { slo: availability, series: { kind: 'events', stepMs: MIN, steps: both.steps } },
      {},
      both.now,
    );
    assert.equal(r3.burnRates[0]!.firing, true);
    assert.equal(r3.alerts.page, true);
  });

  it('a burn just above the factor pages only when the count shows it: 1.5 % over 60,000 events is within noise of 1.44 %', () => {
    const edge = series(() => 15);
    const r = evaluateErrorBudget(
      { slo: availability, series: { kind: 'events', stepMs: MIN, steps: edge.steps } },
      {},
      edge.now,
    );
    near(r.burnRates[0]!.long.burnRate, 15, 1e-6);
    assert.equal(r.burnRates[0]!.state, 'insufficient-data');
    assert.ok(
      r.burnRates[0]!.pValue! > 0.05 && r.burnRates[0]!.pValue! < 0.2,
      String(r.burnRates[0]!.pValue),
    );
    assert.match(r.burnRates[0]!.missing[0]!, /900 bad of 60000 does not show a burn above ×14\.4/);
    // Without the significance test (alpha 1) the workbook's bare rule fires.
    const bare = evaluateErrorBudget(
      { slo: availability, series: { kind: 'events', stepMs: MIN, steps: edge.steps } },
      { alpha: 1 },
      edge.now,
    );
    assert.equal(bare.burnRates[0]!.firing, true);
  });

  it('needs both windows measured: 20 minutes of data burning at x20 do not page', () => {
    const steps: EventStep[] = Array.from({ length: 20 }, (_, i) => ({
      tMs: T0 + i * MIN,
      good: 980,
      total: 1000,
    }));
    const r = evaluateErrorBudget(
      { slo: availability, series: { kind: 'events', stepMs: MIN, steps } },
      {},
      T0 + 20 * MIN,
    );
    const page = r.burnRates[0]!;
    near(page.long.burnRate, 20, 1e-6);
    near(page.short.burnRate, 20, 1e-6);
    assert.equal(page.long.observedMs, 20 * MIN);
    near(page.long.coverage, 1 / 3);
    assert.equal(page.short.coverage, 1);
    assert.equal(page.state, 'insufficient-data');
    assert.deepEqual(page.missing, ['long window 1h: 20m measured (33.3 %); 90 % needed']);
    assert.equal(r.alerts.page, false);
  });

  it('low traffic: an hour of 5 events is not judged, whatever fails in it (one failure would read as burn 200)', () => {
    const hour = (bad: number): EventStep[] =>
      Array.from({ length: 60 }, (_, i) => {
        const total = i % 12 === 11 ? 1 : 0; // 5 events in the hour, one every 12 minutes (last at minute 59)
        const isBad = total === 1 && (i === 59 || (bad === 2 && i === 47));
        return { tMs: T0 + i * MIN, good: isBad ? 0 : total, total };
      });
    for (const bad of [1, 2]) {
      const r = evaluateErrorBudget(
        { slo: availability, series: { kind: 'events', stepMs: MIN, steps: hour(bad) } },
        {},
        T0 + 60 * MIN,
      );
      const page = r.burnRates[0]!;
      assert.equal(page.long.valid, 5);
      near(page.long.burnRate, bad * 200, 1e-6);
      assert.equal(page.minEvents, 70);
      assert.equal(page.state, 'insufficient-data');
      assert.deepEqual(page.missing, [
        'long window 1h: 5 valid events; 70 needed so that one bad event cannot exceed ×14.4',
      ]);
      assert.equal(r.alerts.page, false);
    }
  });

  it('low traffic: with 100 events in the hour one failure is quiet and five in the last minutes page', () => {
    const hour = (bad: number): EventStep[] =>
      Array.from({ length: 60 }, (_, i) => {
        const total = i < 40 ? 2 : 1; // 100 events in the hour
        return { tMs: T0 + i * MIN, good: i >= 60 - bad ? 0 : total, total };
      });
    const one = evaluateErrorBudget(
      { slo: availability, series: { kind: 'events', stepMs: MIN, steps: hour(1) } },
      {},
      T0 + 60 * MIN,
    );
    assert.equal(one.burnRates[0]!.long.valid, 100);
    assert.equal(one.burnRates[0]!.state, 'quiet');
    const five = evaluateErrorBudget(
      { slo: availability, series: { kind: 'events', stepMs: MIN, steps: hour(5) } },
      {},
      T0 + 60 * MIN,
    );
    near(five.burnRates[0]!.long.burnRate, 50, 1e-6);
    assert.ok(five.burnRates[0]!.pValue! < 0.05, String(five.burnRates[0]!.pValue));
    assert.equal(five.burnRates[0]!.state, 'firing');
    assert.equal(five.alerts.page, true);
  });

  it('the events a long window needs: the smallest n for which one bad event does not exceed the factor', () => {
    assert.equal(minBurnEvents(14.4, 0.999), 70);
    assert.equal(minBurnEvents(6, 0.999), 167);
    assert.equal(minBurnEvents(3, 0.999), 334);
    assert.equal(minBurnEvents(1, 0.999), 1000);
    assert.equal(minBurnEvents(14.4, 0.99), 7);
    assert.equal(minBurnEvents(1, 0.99), 100);
    // A factor whose threshold reaches 100 % is judged from a single event.
    assert.equal(minBurnEvents(200, 0.99), 1);
    for (const [factor, objective] of [
      [14.4, 0.999],
      [6, 0.995],
      [1, 0.9999],
      [2.5, 0.97],
    ] as const) {
      const n = minBurnEvents(factor, objective);
      assert.ok(
        1 / n <= factor * (1 - objective) + 1e-15 && 1 / (n - 1) > factor * (1 - objective),
        `${factor} ${objective}: ${n}`,
      );
    }
  });

  it('accepts custom pairs and validates them', () => {
    const { steps, now } = series(() => 2);
    const pairs = [{ severity: 'ticket' as const, longWindowMs: HOUR, shortWindowMs: 5 * MIN, factor: 1.5 }];
    const r = evaluateErrorBudget(
      { slo: availability, series: { kind: 'events', stepMs: MIN, steps } },
      { burnRatePairs: pairs },
      now,
    );
    assert.equal(r.burnRates.length, 1);
    assert.equal(r.burnRates[0]!.firing, true);
    assert.throws(
      () =>
        evaluateErrorBudget(
          { slo: availability, series: { kind: 'events', stepMs: MIN, steps } },
          { burnRatePairs: [{ ...pairs[0]!, factor: 0 }] },
          now,
        ),
      InvalidInputError,
    );
    assert.throws(
      () =>
        evaluateErrorBudget(
          { slo: availability, series: { kind: 'events', stepMs: MIN, steps } },
          { burnRatePairs: [{ ...pairs[0]!, shortWindowMs: 2 * HOUR }] },
          now,
        ),
      InvalidInputError,
    );
  });
});

describe('evaluateErrorBudget: bad input', () => {
  const ev = (steps: EventStep[]) => ({
    slo: availability,
    series: { kind: 'events' as const, stepMs: MIN, steps },
  });
  const now = T0 + 100 * MIN;
  const bad = (data: Parameters<typeof evaluateErrorBudget>[0], re: RegExp, opts = {}) =>
    assert.throws(
      () => evaluateErrorBudget(data, opts, now),
      (e: unknown) => e instanceof InvalidInputError && re.test(e.message),
    );

  it('rejects unsorted, overlapping and future steps', () => {
    bad(
      ev([
        { tMs: T0 + MIN, good: 1, total: 1 },
        { tMs: T0, good: 1, total: 1 },
      ]),
      /steps\[1\].*sorted/,
    );
    bad(
      ev([
        { tMs: T0, good: 1, total: 1 },
        { tMs: T0 + 1000, good: 1, total: 1 },
      ]),
      /overlap/,
    );
    bad(ev([{ tMs: now, good: 1, total: 1 }]), /not before now/);
  });

  it('rejects NaN, negative counts and good > total', () => {
    bad(ev([{ tMs: T0, good: Number.NaN, total: 1 }]), /finite/);
    bad(ev([{ tMs: T0, good: -1, total: 1 }]), />= 0/);
    bad(ev([{ tMs: T0, good: 2, total: 1 }]), /good \(2\) > total \(1\)/);
    bad(
      {
        slo: latency,
        series: { kind: 'steps', stepMs: MIN, steps: [{ tMs: T0, good: true, value: Number.NaN }] },
      },
      /value must be finite/,
    );
    bad({ ...ev([]), series: { kind: 'events', stepMs: 0, steps: [] } }, /stepMs/);
  });

  it('rejects an objective outside (0, 1) and an events series for a threshold SLI', () => {
    for (const objective of [0, 1, 1.5, Number.NaN])
      bad({ ...ev([]), slo: { ...availability, objective } }, /objective must be in \(0, 1\)/);
    bad({ slo: latency, series: { kind: 'events', stepMs: MIN, steps: [] } }, /needs a ratio SLI/);
  });

  it('enforces the step limit with LimitExceededError', () => {
    const steps: EventStep[] = Array.from({ length: 11 }, (_, i) => ({
      tMs: T0 + i * MIN,
      good: 1,
      total: 1,
    }));
    assert.throws(() => evaluateErrorBudget(ev(steps), { maxSteps: 10 }, now), LimitExceededError);
    assert.doesNotThrow(() => evaluateErrorBudget(ev(steps.slice(0, 10)), { maxSteps: 10 }, now));
    assert.throws(() => evaluateErrorBudget(ev(steps), { maxSteps: 2_000_000 }, now), InvalidInputError);
  });
});
