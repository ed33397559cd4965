/** evaluateErrorBudget: the warm-up and evidence gates before a verdict. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { evaluateErrorBudget } from '../../../../src/analysis/slo/budget.ts';
import type { Slo } from '../../../../src/analysis/slo/definition.ts';
import { type EventStep } from '../../../../src/analysis/slo/series.ts';
import { availability, DAY, HOUR, MIN, near, NOW_GATE, T0, verdict } from './budget-fixtures.ts';

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
