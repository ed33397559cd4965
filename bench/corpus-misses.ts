/**
 * Every missed labelled anomaly of the corpus on the given generator seeds, with why the monitor's detection engine
 * missed it: no vote at all in its window (with the largest combined score and deviation seen there), votes that
 * were never confirmed (a single-sample run), votes while an earlier anomaly was still held open, votes inside the
 * cooldown of an earlier anomaly, votes taken as the detector catching up after a return (the rest), or an anomaly
 * whose run began before the window. Also says when the engine opened something later (too late to count).
 * Runs the engine with the default detection settings, as bench/corpus-seeds.ts does.
 *
 *   npx tsx bench/corpus-misses.ts --seeds 1001,5005,6006
 *
 * One line per miss (series, cadence, noise, AR, daily amplitude, weekly, kind, size, span, class) and the count
 * per class and per kind.
 */
import { parseArgs } from 'node:util';
import { parseList } from '../src/cli/flags.ts';
import { InvalidInputError } from '../src/errors.ts';
import type { Verdict } from '../src/analysis/anomaly/detector.ts';
import { votesOf } from '../src/analysis/anomaly/detector.ts';
import { corpusInput } from '../src/eval/corpus/evaluate.ts';
import { CORPUS_GRACE_SAMPLES, generateCorpus } from '../src/eval/corpus/generate.ts';
import { DEFAULT_DETECTION_SETTINGS } from '../src/model/detection-settings.ts';
import { detectionEngineOptions, liveDetectorName } from '../src/monitor/detection-config.ts';
import { DetectionEngine } from '../src/monitor/detection-engine.ts';

const { values } = parseArgs({
  options: {
    seeds: { type: 'string', default: '1001' },
    help: { type: 'boolean', default: false },
  },
});
if (values.help) {
  console.log('usage: npx tsx bench/corpus-misses.ts [--seeds 1001,5005,6006]');
  process.exit(0);
}
const seeds = parseList('--seeds', values.seeds, '1001').map((s) => {
  const n = Number(s);
  if (!Number.isInteger(n) || n < 1) throw new InvalidInputError(`--seeds takes integers >= 1, got '${s}'`);
  return n;
});

interface Step {
  readonly t: number;
  readonly anomalous: boolean;
  readonly score: number;
  readonly deviation: number;
  readonly evidence: number;
  readonly voters: string;
}

const settings = DEFAULT_DETECTION_SETTINGS;
const base = detectionEngineOptions(settings);
const classes = new Map<string, number>();
const byKind = new Map<string, number>();
for (const seed of seeds) {
  for (const s of generateCorpus(seed)) {
    const steps: Step[] = [];
    const engine = new DetectionEngine({
      ...detectionEngineOptions(settings, {
        name: liveDetectorName(settings.detector),
        factory: (ctx) => {
          const d = base.factory(ctx);
          return {
            name: d.name,
            stateBytes: () => d.stateBytes(),
            update(value: number, t: number): Verdict {
              const v = d.update(value, t);
              steps.push({
                t,
                anomalous: v.anomalous,
                score: v.score,
                deviation: v.deviation,
                evidence: v.evidenceSamples ?? 1,
                voters: votesOf(v)
                  .filter((x) => x.voted)
                  .map((x) => x.detector)
                  .join('+'),
              });
              return v;
            },
          };
        },
      }),
      maxSeries: 1,
      analyse: () => true,
    });
    const opens: { started: number; detected: number }[] = [];
    const resolves: number[] = [];
    for (let i = 0; i < s.values.length; i++) {
      const t = s.timestampsMs[i]!;
      const out = engine.process([corpusInput(s, i)], t);
      for (const o of out.opened) opens.push({ started: o.anomaly.startedAtMs, detected: t });
      for (const r of out.resolved) resolves.push(r.resolvedAtMs);
    }
    const grace = CORPUS_GRACE_SAMPLES * s.stepMs;
    const openAt = (t: number): boolean => {
      const o = opens.filter((x) => x.detected <= t).at(-1);
      if (o === undefined) return false;
      return !resolves.some((r) => r >= o.detected && r <= t);
    };
    for (const a of s.anomalies) {
      const hi = a.endMs + grace;
      if (opens.some((o) => o.started >= a.startMs && o.started <= hi)) continue;
      const idx0 = Math.round((a.startMs - s.timestampsMs[0]!) / s.stepMs);
      const idx1 = Math.min(steps.length - 1, Math.round((hi - s.timestampsMs[0]!) / s.stepMs));
      const win = steps.slice(idx0, idx1 + 1);
      const votes = win.filter((x) => x.anomalous);
      let cls: string;
      const inside = opens.find((o) => o.detected >= a.startMs && o.detected <= hi);
      if (inside !== undefined) cls = 'run began before window';
      else if (votes.length === 0) cls = openAt(a.startMs) ? 'no vote (held open)' : 'no vote';
      else if (votes.every((v) => openAt(v.t))) cls = 'votes while held open';
      else if (
        votes.some((v) =>
          opens.some(
            (o) => v.t - o.detected < Math.max(settings.cooldown, 20 * s.stepMs) && v.t >= o.detected,
          ),
        )
      )
        cls = 'votes in cooldown';
      else {
        let run = 0;
        let best = 0;
        for (const x of win) {
          run = x.anomalous ? run + 1 : 0;
          best = Math.max(best, run, x.anomalous ? x.evidence : 0);
        }
        cls = best < settings.confirmSamples ? 'votes not confirmed' : 'votes taken as catching up';
      }
      const later = opens.find((o) => o.started > hi);
      const lateBy =
        later === undefined ? '' : ` later opened +${Math.round((later.started - hi) / s.stepMs)} samples`;
      let maxScore = 0;
      let maxDev = 0;
      for (const x of win) {
        maxScore = Math.max(maxScore, x.score);
        if (Math.abs(x.deviation) > Math.abs(maxDev)) maxDev = x.deviation;
      }
      const p = s.params;
      const n = Math.round((a.endMs - a.startMs) / s.stepMs) + 1;
      console.log(
        `seed ${seed} ${s.id} ${a.kind} ${a.magnitude.toFixed(1)}${a.kind === 'variance_change' ? '×' : ' σ'} over ${n} samples: ${cls} (votes ${votes.length}${votes.length ? ` by ${[...new Set(votes.map((v) => v.voters))].join(',')}` : ''}; max score ${maxScore.toFixed(2)} dev ${maxDev.toFixed(1)})${lateBy}; ${p.noise}${p.nu !== null ? ` ν ${p.nu.toFixed(1)}` : ''} φ ${p.ar.toFixed(2)} daily ${p.dailyAmplitude.toFixed(1)}${p.weekly ? ' weekly' : ''} drift ${p.trendPerDay.toFixed(2)} rw ${p.diffusionPerDay.toFixed(2)}`,
      );
      classes.set(cls, (classes.get(cls) ?? 0) + 1);
      const k = `${a.kind}/${cls}`;
      byKind.set(k, (byKind.get(k) ?? 0) + 1);
    }
  }
}
console.log('misses by class:', [...classes].map(([k, v]) => `${k} ${v}`).join(', '));
console.log(
  'by kind/class:',
  [...byKind]
    .sort()
    .map(([k, v]) => `${k} ${v}`)
    .join(', '),
);
