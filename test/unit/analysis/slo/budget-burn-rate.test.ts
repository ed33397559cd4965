/** evaluateErrorBudget: multiwindow burn rates (SRE workbook ch. 5). */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { InvalidInputError } from '../../../../src/errors.ts';
import { evaluateErrorBudget } from '../../../../src/analysis/slo/budget.ts';
import { minBurnEvents, SRE_WORKBOOK_BURN_RATE_PAIRS } from '../../../../src/analysis/slo/burn-rate.ts';
import { type EventStep } from '../../../../src/analysis/slo/series.ts';
import { availability, HOUR, MIN, near, T0 } from './budget-fixtures.ts';

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
