/**
 * Every false alarm of the labelled corpus on the given generator seeds, classified by what lies near it: a
 * weekend boundary of a weekly series (Saturday or Monday 00:00, within `--hours`), the plateau of an earlier
 * labelled anomaly (after its window's grace, within `--hours`), a benign blip, later in a weekly series' weekend
 * ("weekend profile": the weekend scales the daily amplitude), or else by the series' drawn parameters: "random walk"
 * (diffusion ≥ 0.25 σ²/day), "linear drift" (≥ 0.5 σ/day) or nothing known ("other"). Runs
 * the monitor's detection engine with the default detection settings, as bench/corpus-seeds.ts does.
 *
 *   npx tsx bench/corpus-false-alarms.ts --seeds 13013
 *   npx tsx bench/corpus-false-alarms.ts --seeds 13013 --hours 6
 *
 * One line per false alarm (series, cadence, day and weekday, class, the members that voted, deviation) and the
 * count per class.
 */
import { parseArgs } from 'node:util';
import { parseList } from '../src/cli/flags.ts';
import { InvalidInputError } from '../src/errors.ts';
import { corpusInput } from '../src/eval/corpus/evaluate.ts';
import { CORPUS_GRACE_SAMPLES, generateCorpus } from '../src/eval/corpus/generate.ts';
import { DEFAULT_DETECTION_SETTINGS } from '../src/model/detection-settings.ts';
import type { Anomaly } from '../src/model/anomaly.ts';
import { detectionEngineOptions } from '../src/monitor/detection-config.ts';
import { DetectionEngine } from '../src/monitor/detection-engine.ts';

const DAY_MS = 86_400_000;
/** The corpus generator's epoch (generate.ts): a Monday, weekday 0. */
const EPOCH_MS = Date.UTC(2026, 2, 2);
const WEEKDAYS = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'];
/** A series whose random walk diffuses at least this much (σ²/day) counts its unexplained false alarms as walk. */
const WALK_CLASS_DIFFUSION = 0.25;
/** A series with at least this linear trend (σ/day) counts its remaining unexplained false alarms as drift. */
const DRIFT_CLASS_PER_DAY = 0.5;

const { values } = parseArgs({
  options: {
    seeds: { type: 'string', default: '13013' },
    hours: { type: 'string', default: '12' },
  },
});
const seeds = parseList('--seeds', values.seeds, '13013').map((s) => {
  const n = Number(s);
  if (!Number.isInteger(n) || n < 1) throw new InvalidInputError(`--seeds takes integers >= 1, got '${s}'`);
  return n;
});
const nearMs = Number(values.hours) * 3_600_000;
if (!(nearMs > 0)) throw new InvalidInputError(`--hours must be > 0, got '${values.hours}'`);

const classes = new Map<string, number>();
for (const seed of seeds) {
  for (const s of generateCorpus(seed)) {
    const engine = new DetectionEngine({
      ...detectionEngineOptions(DEFAULT_DETECTION_SETTINGS),
      maxSeries: 1,
      analyse: () => true,
    });
    const opened: Omit<Anomaly, 'id'>[] = [];
    for (let i = 0; i < s.values.length; i++) {
      const t = s.timestampsMs[i]!;
      const out = engine.process([corpusInput(s, i)], t);
      for (const o of out.opened) if (o.anomaly.startedAtMs >= s.evalStartMs) opened.push(o.anomaly);
    }
    const grace = CORPUS_GRACE_SAMPLES * s.stepMs;
    for (const a of opened) {
      const t = a.startedAtMs;
      if (s.anomalies.some((x) => t >= x.startMs && t <= x.endMs + grace)) continue;
      const day = Math.floor((t - EPOCH_MS) / DAY_MS);
      const weekday = day % 7;
      const sinceMidnight = t - (EPOCH_MS + day * DAY_MS);
      const boundary = (weekday === 5 || weekday === 0) && sinceMidnight <= nearMs;
      const prior = s.anomalies.filter((x) => x.endMs + grace < t && t - x.endMs <= nearMs);
      const blip = s.blipsMs.some((b) => t >= b && t <= b + grace);
      const weekend = weekday === 5 || weekday === 6 || (weekday === 0 && sinceMidnight <= nearMs);
      const cls = blip
        ? 'blip'
        : s.params.weekly && boundary
          ? `weekend step (${weekday === 5 ? 'Sat' : 'Mon'} 00:00)`
          : prior.length > 0
            ? `after ${prior.map((x) => x.kind).join('+')}`
            : s.params.weekly && weekend
              ? 'weekend profile (later in the weekend)'
              : s.params.diffusionPerDay >= WALK_CLASS_DIFFUSION
                ? 'random walk'
                : Math.abs(s.params.trendPerDay) >= DRIFT_CLASS_PER_DAY
                  ? 'linear drift'
                  : 'other';
      classes.set(cls, (classes.get(cls) ?? 0) + 1);
      const voted = a.votes
        .filter((v) => v.voted)
        .map((v) => v.detector)
        .join('+');
      const after = prior
        .map(
          (x) =>
            `${x.kind} ${x.magnitude.toFixed(1)} σ ended ${((t - x.endMs) / s.stepMs).toFixed(0)} samples before`,
        )
        .join('; ');
      console.log(
        `seed ${seed} ${s.id} (${s.cadence}${s.params.weekly ? ', weekly' : ''}): day ${((t - s.timestampsMs[0]!) / DAY_MS).toFixed(2)} ${WEEKDAYS[weekday]} ${new Date(t).toISOString().slice(11, 16)}; ${cls}; votes ${voted || '-'}; deviation ${a.deviation.toFixed(1)}; rw ${s.params.diffusionPerDay.toFixed(2)} σ²/day, drift ${s.params.trendPerDay.toFixed(2)} σ/day${after ? `; ${after}` : ''}`,
      );
    }
  }
}
console.log(
  [...classes.entries()]
    .sort((a, b) => b[1] - a[1])
    .map(([k, v]) => `${k}: ${v}`)
    .join(', '),
);
