/**
 * An open anomaly of a catalog series resolves when its series is back inside the band it opened against, not
 * when an adapting detector calls the new level normal; after `acceptNewLevelAfterMs` of normal verdicts outside
 * that band it resolves with the reason `new level accepted`, carried to the incident's notification text.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { StreamingDetector } from '../../../src/analysis/anomaly/detector.ts';
import { incidentDescription } from '../../../src/alerting/delivery/incident-text.ts';
import { Correlator } from '../../../src/alerting/incidents/correlator.ts';
import { parseMonitorConfig } from '../../../src/config.ts';
import { DetectionEngine } from '../../../src/monitor/detection-engine.ts';
import type { ResolvedAnomaly } from '../../../src/monitor/detection-types.ts';
import {
  endHold,
  frozenBand,
  holdStep,
  returnedInside,
  NEW_LEVEL_ACCEPTED,
  type HoldSeriesState,
} from '../../../src/monitor/detection-hold.ts';
import type { DetectionInput } from '../../../src/monitor/series-tracker.ts';
import { T0, sig } from '../../helpers/alerting-fixtures.ts';
import { adaptingAfter, catalogEngineOptions } from './detection-engine-fixtures.ts';

const STEP = 15_000;

/** Judges |value - level| > 10 anomalous; after 4 such samples in a row it takes the value as its new level. */
const adapting = (): StreamingDetector => adaptingAfter(3);

const input = (value: number, t: number): DetectionInput => ({
  key: 'c',
  metric: 'dwcp_v3_resource_utilization_percent',
  labels: {},
  value,
  timestampMs: t,
  kind: 'utilization',
  transform: 'value',
  def: undefined,
});

const engine = (acceptNewLevelAfterMs?: number) =>
  new DetectionEngine({
    ...catalogEngineOptions(adapting),
    ...(acceptNewLevelAfterMs !== undefined ? { acceptNewLevelAfterMs } : {}),
  });

/** Runs `values` (one per 15 s): the indexes that opened an anomaly and the resolutions with their index. */
function run(e: DetectionEngine, values: readonly number[]) {
  const opened: number[] = [];
  const resolved: (ResolvedAnomaly & { i: number })[] = [];
  values.forEach((v, i) => {
    const out = e.process([input(v, T0 + i * STEP)], T0 + i * STEP);
    if (out.opened.length > 0) opened.push(i);
    for (const r of out.resolved) resolved.push({ ...r, i });
  });
  return { opened, resolved };
}
const series = (...parts: [number, number][]): number[] =>
  parts.flatMap(([v, n]) => Array<number>(n).fill(v));

describe('the band an anomaly opened against holds it open', () => {
  it('a 10-minute level shift stays one open anomaly and resolves at the third sample back', () => {
    const r = run(engine(), series([0, 40], [50, 40], [0, 20]));
    assert.deepEqual(r.opened, [41]);
    assert.deepEqual(r.resolved, [
      { key: 'c', resolvedAtMs: T0 + 82 * STEP, reason: 'back inside the band for 3 samples', i: 82 },
    ]);
  });

  it('a point standing for several scrapes (a carried histogram mean) counts for all of them', () => {
    // One point per 3 scrapes, as a histogram mean carried until 3 observations: back inside at point 80, it
    // resolves there (3 scrapes inside), not two points (6 scrapes) later at point 82.
    const e = engine();
    const values = series([0, 40], [50, 40], [0, 20]);
    const resolvedAt: number[] = [];
    values.forEach((v, i) => {
      const out = e.process([{ ...input(v, T0 + i * STEP), spans: 3 }], T0 + i * STEP);
      if (out.resolved.length > 0) resolvedAt.push(i);
    });
    assert.deepEqual(resolvedAt, [80]);
  });

  it('a lasting shift resolves after acceptNewLevelAfter of normal verdicts, with the reason', () => {
    // 30 minutes at 50: the detector calls it normal from sample 43 (its fourth sample away re-anchors it).
    const r = run(engine(10 * 60_000), series([0, 40], [50, 120]));
    assert.deepEqual(r.opened, [41]);
    assert.equal(r.resolved.length, 1);
    assert.equal(r.resolved[0]!.reason, NEW_LEVEL_ACCEPTED);
    assert.equal(r.resolved[0]!.i, 43 + 40, '10 min (40 samples) of normal verdicts after sample 43');
    // With the default (30 min) nothing resolves within these 30 minutes of the new level.
    assert.deepEqual(run(engine(), series([0, 40], [50, 120])).resolved, []);
  });

  it('the detector catching up with the return opens nothing while the series is inside the band', () => {
    // A detector that re-anchors only after 8 samples away: after the series came back (sample 80) the anomaly
    // resolves at the third sample inside its band (82), while the detector still judges the return anomalous
    // up to sample 87. Those verdicts are the detector catching up, not a new fault.
    const r = run(
      new DetectionEngine(catalogEngineOptions(() => adaptingAfter(8))),
      series([0, 40], [50, 40], [0, 20]),
    );
    assert.deepEqual(r.opened, [41], 'one anomaly: the return did not open a second one');
    assert.deepEqual(
      r.resolved.map((x) => x.i),
      [82],
    );
    // A new deviation after the return is judged as usual.
    const again = run(
      new DetectionEngine(catalogEngineOptions(() => adaptingAfter(8))),
      series([0, 40], [50, 40], [0, 20], [-60, 10]),
    );
    assert.deepEqual(again.opened, [41, 101]);
  });

  it('returnedInside / endHold: the kept band suppresses anomalous verdicts inside it for the horizon', () => {
    const horizon = { ms: 100, samples: 4 };
    const st: HoldSeriesState = { calm: 0, hold: frozenBand({ lower: 0, upper: 10 }), normalSinceTs: NaN };
    endHold(st, { back: false }, 0);
    assert.equal(st.recovered, null, 'a new level accepted keeps no band');
    assert.equal(returnedInside(st, 5, true, 1, horizon), false);
    st.hold = frozenBand({ lower: 0, upper: 10 });
    endHold(st, { back: true }, 1000);
    assert.equal(st.hold, null);
    assert.equal(
      returnedInside(st, 5, true, 1010, horizon),
      true,
      'inside, anomalous: the detector catching up',
    );
    assert.equal(returnedInside(st, 50, true, 1020, horizon), false, 'outside: judged as usual');
    assert.equal(returnedInside(st, 5, false, 1030, horizon), false, 'a normal verdict is normal');
    assert.equal(
      returnedInside(st, 5, true, 1040, horizon),
      true,
      'the band outlives outside values and normal verdicts',
    );
    assert.equal(
      returnedInside(st, 5, true, 1100, horizon),
      false,
      'both the time and the scrapes have passed',
    );
    assert.equal(st.recovered, null, 'and the band is dropped');
    endHold(st, { back: true }, 2000);
    assert.equal(st.recovered, null, 'no hold, no band');
    st.hold = frozenBand({ lower: 0, upper: 10 });
    endHold(st, { back: true }, 2000);
    assert.equal(returnedInside(st, 5, true, 2200, horizon), true, 'time passed, but 1 scrape of 4');
    assert.equal(
      returnedInside(st, 5, true, 2210, horizon, 3),
      false,
      'a point standing for 3 scrapes counts 3',
    );
  });

  it('acceptNewLevelAfterMs must be positive', () => {
    for (const bad of [0, -1, Number.NaN]) assert.throws(() => engine(bad), RangeError, String(bad));
  });

  it('holdStep: inside-band samples in a row resolve; normal verdicts outside count only toward acceptance', () => {
    const st: HoldSeriesState = { calm: 0, hold: frozenBand({ lower: 0, upper: 10 }), normalSinceTs: NaN };
    assert.equal(holdStep(st, 50, 0, true, 3, 100), null);
    assert.equal(holdStep(st, 5, 1, false, 3, 100), null, 'inside, though judged anomalous');
    assert.equal(holdStep(st, 5, 2, true, 3, 100), null);
    assert.deepEqual(
      holdStep(st, 5, 3, true, 3, 100),
      { back: true, reason: 'back inside the band for 3 samples' },
      'third sample inside: back',
    );
    const out: HoldSeriesState = { calm: 0, hold: frozenBand({ lower: 0, upper: 10 }), normalSinceTs: NaN };
    assert.equal(holdStep(out, 50, 0, true, 3, 100), null);
    assert.equal(holdStep(out, 50, 90, false, 3, 100), null, 'an anomalous verdict restarts the wait');
    assert.equal(holdStep(out, 50, 150, true, 3, 100), null);
    assert.deepEqual(holdStep(out, 50, 250, true, 3, 100), { back: false, reason: NEW_LEVEL_ACCEPTED });
    assert.equal(frozenBand({ lower: Number.NaN, upper: 1 }), null, 'no band: the old rule applies');
  });
});

describe('the reason reaches the configuration and the notification text', () => {
  it('detection.acceptNewLevelAfter is a duration from 1 minute to 7 days, default 30 minutes', () => {
    assert.equal(parseMonitorConfig({}).detection.acceptNewLevelAfter, 30 * 60_000);
    assert.equal(
      parseMonitorConfig({ detection: { acceptNewLevelAfter: '2h' } }).detection.acceptNewLevelAfter,
      7_200_000,
    );
    for (const bad of [0, '10s', '8d', 'soon'])
      assert.throws(
        () => parseMonitorConfig({ detection: { acceptNewLevelAfter: bad } }),
        /acceptNewLevelAfter/,
        String(bad),
      );
  });

  it('a member signal resolved with a reason is listed with it in the incident description', () => {
    let n = 0;
    const c = new Correlator({ newId: () => `i${++n}` });
    const id = c.addSignal(sig('a', 'node-1', 'amst', 0), T0);
    c.addSignal(sig('b', 'node-1', 'amst', 1), T0 + 1000);
    c.resolveSignal('a', T0 + 5000, T0 + 5000, NEW_LEVEL_ACCEPTED);
    c.resolveSignal('b', T0 + 6000, T0 + 6000);
    const text = incidentDescription(c.get(id)!);
    assert.match(text, /\(resolved: new level accepted\)/);
    assert.equal(text.match(/\(resolved\)/g)?.length, 1, text);
  });
});
