/** evaluateErrorBudget: compliance and budget arithmetic, and bad input. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { InvalidInputError, LimitExceededError } from '../../../../src/errors.ts';
import { evaluateErrorBudget } from '../../../../src/analysis/slo/budget.ts';
import type { Slo } from '../../../../src/analysis/slo/definition.ts';
import { type BoolStep, type EventStep } from '../../../../src/analysis/slo/series.ts';
import {
  availability,
  DAY,
  latency,
  MIN,
  near,
  NOW_GATE,
  slo999Time,
  T0,
  verdict,
} from './budget-fixtures.ts';

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
