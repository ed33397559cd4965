import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { NOT_JUDGED } from '../../../../src/analysis/anomaly/detector.ts';
import {
  createHoltWintersLevelDetector,
  gaussianAbsQuantile,
} from '../../../../src/analysis/anomaly/holt-winters-level.ts';
import { InvalidInputError } from '../../../../src/errors.ts';
import { CorpusRandom } from '../../../../src/eval/corpus/random.ts';

const HOUR = 3_600_000;

describe('holt-winters level detector', () => {
  it('warms up, then scores a spike against the level: z, band at the threshold, score ½ at the threshold', () => {
    const d = createHoltWintersLevelDetector({ kind: 'generic' }, { warmupSamples: 20, threshold: 6 });
    assert.equal(d.update(10, 0), NOT_JUDGED);
    for (let i = 1; i < 200; i++) d.update(i % 2 === 0 ? 11 : 9, i * 1000);
    const p = d.predict(200_000)!;
    const sigma = (p.upper - p.expected) / 6;
    assert.ok(Math.abs(p.expected - 10) < 0.1, String(p.expected));
    const v = d.update(p.expected + 20 * sigma, 200_000);
    assert.equal(v.anomalous, true);
    assert.ok(Math.abs(v.deviation - 20) < 1e-9);
    assert.ok(Math.abs(v.score - 20 / 26) < 1e-9);
    assert.equal(v.severity, 'critical');
    const w = d.update(p.expected + 0.5 * sigma, 201_000);
    assert.equal(w.anomalous, false);
    assert.equal(w.resolved, true);
  });

  it('learns a daily shape: a 12σ spike at the trough is found against the profile, missed by a flat baseline', () => {
    const rng = new CorpusRandom(11);
    const seasonal = createHoltWintersLevelDetector({ kind: 'generic' }, { periodMs: HOUR });
    const flat = createHoltWintersLevelDetector({ kind: 'generic' });
    const x = (t: number): number => 100 + 8 * Math.sin((2 * Math.PI * t) / HOUR);
    let seasonalAlarms = 0;
    for (let i = 0; i < 8 * 360; i++) {
      const t = i * 10_000;
      const v = x(t) + rng.normal();
      if (seasonal.update(v, t).anomalous && i >= 3 * 360) seasonalAlarms++;
      flat.update(v, t);
    }
    assert.equal(seasonalAlarms, 0, 'the daily shape is normal');
    const trough = 8 * HOUR + 0.75 * HOUR;
    const a = seasonal.update(x(trough) + 12, trough);
    const b = flat.update(x(trough) + 12, trough);
    assert.equal(a.anomalous, true);
    assert.equal(b.anomalous, false);
    assert.ok(Math.abs(a.expected - x(trough)) < 1.5, String(a.expected));
  });

  it('seasonal scale: a busy half-period 10× noisier (tail calibration off) widens only its own bins (never narrows below σ); the quiet half keeps its band', () => {
    const run = (
      seasonalScale: boolean,
    ): { busyAlarms: number; bandBusy: number; bandQuiet: number; spike: boolean } => {
      const rng = new CorpusRandom(5);
      const d = createHoltWintersLevelDetector(
        { kind: 'generic' },
        { periodMs: HOUR, seasonalScale, tailFactor: 0 },
      );
      let busyAlarms = 0;
      for (let i = 0; i < 10 * 360; i++) {
        const t = i * 10_000;
        const busy = t % HOUR < HOUR / 2;
        const v = d.update(100 + (busy ? 10 : 1) * rng.normal(), t);
        if (v.anomalous && busy && i >= 4 * 360) busyAlarms++;
      }
      const t0 = 10 * 360 * 10_000;
      const busyBand = d.predict(t0 + 60_000)!;
      const quietBand = d.predict(t0 + HOUR / 2 + 60_000)!;
      const spike = d.update(
        quietBand.expected + 1.2 * (quietBand.upper - quietBand.expected),
        t0 + HOUR / 2 + 60_000,
      ).anomalous;
      return {
        busyAlarms,
        bandBusy: busyBand.upper - busyBand.expected,
        bandQuiet: quietBand.upper - quietBand.expected,
        spike,
      };
    };
    const on = run(true);
    const off = run(false);
    assert.ok(on.busyAlarms < off.busyAlarms, `${on.busyAlarms} vs ${off.busyAlarms}`);
    assert.ok(on.bandBusy > 1.5 * on.bandQuiet, `${on.bandBusy} vs ${on.bandQuiet}`);
    assert.ok(
      Math.abs(off.bandBusy - off.bandQuiet) < 1e-9 * off.bandQuiet,
      `${off.bandBusy} vs ${off.bandQuiet}`,
    );
    assert.equal(on.spike, true);
  });

  it("tail calibration learns from every sample: spikes recurring at 2 % become the series' tail and stop paging", () => {
    const rng = new CorpusRandom(3);
    const d = createHoltWintersLevelDetector({ kind: 'generic' });
    let early = 0;
    let late = 0;
    for (let i = 0; i < 6000; i++) {
      const v = d.update(50 + rng.normal() + (i % 50 === 25 ? 12 : 0), i * 1000);
      if (v.anomalous && i < 1000) early++;
      if (v.anomalous && i >= 4000) late++;
    }
    assert.ok(early >= 5, `early ${early}`);
    assert.equal(late, 0);
  });

  it('re-anchors after a sustained shift: a permanent 20σ step pages for a few samples, then is the new level', () => {
    const d = createHoltWintersLevelDetector({ kind: 'generic' }, { warmupSamples: 20, reanchorSamples: 5 });
    for (let i = 0; i < 200; i++) d.update(i % 2 === 0 ? 11 : 9, i * 1000);
    const flags: boolean[] = [];
    for (let i = 0; i < 30; i++)
      flags.push(d.update(40 + (i % 2 === 0 ? 1 : -1), (200 + i) * 1000).anomalous);
    assert.deepEqual(flags.slice(0, 5), [true, true, true, true, true]);
    assert.equal(flags.slice(6).some(Boolean), false);
    assert.ok(Math.abs(d.predict(0)!.expected - 40) < 1);
  });

  it('a burst shorter than reanchorSamples does not move the level', () => {
    const d = createHoltWintersLevelDetector({ kind: 'generic' }, { warmupSamples: 20, reanchorSamples: 5 });
    for (let i = 0; i < 200; i++) d.update(i % 2 === 0 ? 11 : 9, i * 1000);
    for (let i = 0; i < 4; i++) d.update(40, (200 + i) * 1000);
    assert.ok(Math.abs(d.predict(0)!.expected - 10) < 0.5, String(d.predict(0)!.expected));
  });

  it('tail calibration: heavy-tailed noise raises the threshold, Gaussian noise keeps ≈ max(5, 2·2.58)', () => {
    const rng = new CorpusRandom(5);
    const g = createHoltWintersLevelDetector({ kind: 'generic' }, { threshold: 5 });
    const t = createHoltWintersLevelDetector({ kind: 'generic' }, { threshold: 5 });
    for (let i = 0; i < 20_000; i++) {
      g.update(100 + rng.normal(), i * 1000);
      t.update(100 + rng.studentT(2.2), i * 1000);
    }
    const ratio = (d: typeof g): number => {
      const p = d.predict(0)!;
      return (p.upper - p.expected) / ((p.upper - p.expected) / 1);
    };
    assert.equal(ratio(g), 1);
    const thr = (d: typeof g, x: number): number => d.update(x, 30_000_000).deviation;
    void thr;
    const gw = g.predict(0)!;
    const tw = t.predict(0)!;
    // Band half-width in units of the detector's σ: read σ from a sample one unit above the expectation.
    const sg = 1 / g.update(gw.expected + 1, 20_000_000).deviation;
    const st = 1 / t.update(tw.expected + 1, 20_000_000).deviation;
    const kg = (gw.upper - gw.expected) / sg;
    const kt = (tw.upper - tw.expected) / st;
    assert.ok(kg >= 5 && kg < 6.5, `gaussian threshold ${kg}`);
    assert.ok(kt > kg + 1, `heavy-tailed threshold ${kt} vs gaussian ${kg}`);
    assert.ok(Math.abs(gaussianAbsQuantile(0.99) - 2.5758293) < 1e-6);
  });

  it('is bounded and restores its state exactly; a bad snapshot is refused without change', () => {
    const rng = new CorpusRandom(9);
    const a = createHoltWintersLevelDetector({ kind: 'latency' }, { periodMs: HOUR, weekly: true });
    for (let i = 0; i < 3000; i++) a.update(5 + rng.normal(), i * 10_000);
    const bytes = a.stateBytes();
    const b = createHoltWintersLevelDetector({ kind: 'latency' }, { periodMs: HOUR, weekly: true });
    b.restore(JSON.parse(JSON.stringify(a.snapshot())));
    for (let i = 3000; i < 3500; i++) {
      const x = 5 + rng.normal() + (i > 3400 ? 30 : 0);
      assert.deepEqual(b.update(x, i * 10_000), a.update(x, i * 10_000));
    }
    assert.equal(a.stateBytes(), bytes);
    assert.ok(bytes < 2048, String(bytes));
    const before = JSON.stringify(b.snapshot());
    const bad = JSON.parse(before);
    bad.state.baseline.visits[0] = -1;
    assert.throws(() => b.restore(bad), InvalidInputError);
    assert.throws(() => b.restore({ detector: 'cusum', version: 1, state: {} }), InvalidInputError);
    const badVisit = JSON.parse(before);
    badVisit.state.baseline.visit = [0, 0, -1, 1];
    assert.throws(() => b.restore(badVisit), InvalidInputError);
    assert.equal(JSON.stringify(b.snapshot()), before);
    // A snapshot from before the seasonal scale (no per-bin scale, no visit) still restores.
    const old = JSON.parse(before);
    delete old.state.baseline.binAbsDev;
    delete old.state.baseline.visit;
    b.restore(old);
    assert.equal(b.update(5, 3500 * 10_000).warmingUp, false);
    assert.throws(
      () => createHoltWintersLevelDetector({ kind: 'generic' }, { threshold: -1 }),
      InvalidInputError,
    );
    assert.throws(
      () => createHoltWintersLevelDetector({ kind: 'generic' }, { tailQuantile: 1 }),
      InvalidInputError,
    );
  });
});

describe('holt-winters level detector: record evidence (recordMinSamples)', () => {
  const run = (recordMinSamples: number, spikes: ReadonlyMap<number, number>) => {
    const rng = new CorpusRandom(5);
    const d = createHoltWintersLevelDetector({ kind: 'generic' }, { threshold: 5, recordMinSamples });
    const out = new Map<number, number | undefined>();
    for (let i = 0; i < 1600; i++) {
      const v = d.update(50 + rng.normal() + (spikes.get(i) ?? 0), i * 60_000);
      if (v.anomalous) out.set(i, v.evidenceSamples);
    }
    return { d, out };
  };

  it('a vote that doubles every earlier deviation carries the evidence of two samples, once', () => {
    const { out } = run(
      1000,
      new Map([
        [1200, 40],
        [1400, 40],
      ]),
    );
    assert.deepEqual(
      [...out],
      [
        [1200, 2],
        [1400, undefined],
      ],
    );
  });

  it('recordScaled: in a shorter history a far-off vote carries the evidence, at the larger margin', () => {
    const at = (recordScaled: boolean, size: number) => {
      const rng = new CorpusRandom(5);
      const d = createHoltWintersLevelDetector(
        { kind: 'generic' },
        { threshold: 5, recordMinSamples: 1000, recordScaled },
      );
      let out: number | undefined | null = null;
      for (let i = 0; i < 400; i++) {
        const v = d.update(50 + rng.normal() + (i === 300 ? size : 0), i * 60_000);
        if (i === 300) out = v.anomalous ? v.evidenceSamples : null;
      }
      return out;
    };
    assert.equal(at(true, 40), 2, '40 σ after ~240 judged samples: a record at 2.5× the maximum');
    assert.equal(at(false, 40), undefined, 'off: a plain vote');
    assert.equal(at(true, 6), undefined, '6 σ votes, under the margin');
    assert.throws(
      () =>
        createHoltWintersLevelDetector(
          { kind: 'generic' },
          {
            recordScaled: 1 as unknown as boolean,
          },
        ),
      InvalidInputError,
    );
  });

  it('recordInControl: a vote that counted as a record does not raise the bar for the next fault', () => {
    const at = (recordInControl: boolean) => {
      const rng = new CorpusRandom(5);
      const d = createHoltWintersLevelDetector(
        { kind: 'generic' },
        { threshold: 5, recordMinSamples: 1000, recordInControl },
      );
      const out = new Map<number, number | undefined>();
      for (let i = 0; i < 2200; i++) {
        const size = i === 1500 ? 40 : i === 2000 ? 15 : i === 2100 ? 6 : 0;
        const v = d.update(50 + rng.normal() + size, i * 60_000);
        if (size > 0) out.set(i, v.anomalous ? v.evidenceSamples : -1);
      }
      return [...out];
    };
    assert.deepEqual(
      at(true),
      [
        [1500, 2],
        [2000, 2],
        [2100, undefined],
      ],
      'the 15 σ fault is twice every in-control deviation; a 6 σ vote is not',
    );
    assert.deepEqual(
      at(false),
      [
        [1500, 2],
        [2000, undefined],
        [2100, undefined],
      ],
      'off: the 40 σ fault sets the bar at 80 σ',
    );
    assert.throws(
      () =>
        createHoltWintersLevelDetector({ kind: 'generic' }, { recordInControl: 'yes' as unknown as boolean }),
      InvalidInputError,
    );
  });

  it('off by default, and not before recordMinSamples judged samples', () => {
    assert.deepEqual([...run(0, new Map([[1200, 40]])).out], [[1200, undefined]]);
    assert.deepEqual([...run(1500, new Map([[1200, 40]])).out], [[1200, undefined]]);
  });

  it('restores the record state; a snapshot without it starts the history afresh; a bad one changes nothing', () => {
    const { d } = run(1000, new Map([[1200, 40]]));
    const snap = JSON.parse(JSON.stringify(d.snapshot()));
    assert.equal(snap.state.record.judged, 1000);
    const b = createHoltWintersLevelDetector({ kind: 'generic' }, { threshold: 5, recordMinSamples: 1000 });
    b.restore(snap);
    assert.deepEqual(b.snapshot(), d.snapshot());
    assert.equal(b.update(90, 1600 * 60_000).evidenceSamples, undefined, '40 σ again is no record');
    const bad = { ...snap, state: { ...snap.state, record: { max: -1, judged: 0 } } };
    const before = JSON.stringify(b.snapshot());
    assert.throws(() => b.restore(bad), InvalidInputError);
    assert.equal(JSON.stringify(b.snapshot()), before);
    const old = { ...snap, state: { ...snap.state } };
    delete old.state.record;
    b.restore(old);
    assert.equal(
      b.snapshot().state && (b.snapshot().state as { record: { judged: number } }).record.judged,
      0,
    );
    assert.throws(
      () => createHoltWintersLevelDetector({ kind: 'generic' }, { recordMinSamples: 1.5 }),
      InvalidInputError,
    );
  });
});
