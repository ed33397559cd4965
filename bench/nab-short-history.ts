/**
 * NAB windows in short histories and after gaps, through the monitor's engine as `serve` builds it (catalog series):
 * what the Holt-Winters level member's threshold is there and why. For every labelled window after probation whose
 * label lies under {@link RECORD_MIN_SAMPLES} samples into its series, or with a timestamp step of ≥ 10 median
 * cadences within a window width before its end, at the sample with the largest member score inside it: the level
 * and CUSUM members' scores as ratios to their thresholds, the level member's threshold in σ (the 5 σ floor or
 * 2·q̂₀.₉₉), its tracked q̂ against the empirical 0.99-quantile of |z| over the judged samples before the window
 * (is the threshold inflated by a lagging or warm-up-biased tail estimate?), the σ the sample is judged at against
 * the series-wide σ (is a phase bin's own σ, estimated from few samples, widening the band?), the judged samples
 * behind the estimates, the deviation a record would need there (record-evidence.ts: margin(n) × the largest |z|
 * before), and the gap before the sample in cadences. Then a census of the gaps: every step of ≥ 10 cadences after
 * probation, the votes and openings on the 3 samples after it, inside and outside windows.
 *
 * Reads the members' private state through casts (read-only, for the diagnosis; as engine-member-trace.ts does).
 * Usage: npx tsx bench/nab-short-history.ts. NAB data: DWCP_NAB_DIR.
 */
import type { StreamingDetector } from '../src/analysis/anomaly/detector.ts';
import { probationLength } from '../src/analysis/anomaly/nab/rules.ts';
import { RECORD_MIN_SAMPLES, recordMargin } from '../src/analysis/anomaly/record-evidence.ts';
import { quantileSorted } from '../src/math/quantile.ts';
import { loadNabCorpus, type NabDataFile } from '../src/eval/nab-data.ts';
import { DEFAULT_DETECTION_SETTINGS } from '../src/model/detection-settings.ts';
import { isReportable } from '../src/monitor/anomaly-record.ts';
import { detectionEngineOptions } from '../src/monitor/detection-config.ts';
import { DetectionEngine } from '../src/monitor/detection-engine.ts';
import type { DetectionEngineOptions } from '../src/monitor/detection-types.ts';
import { nabEngineInput } from './detect-nab-engine.ts';
import { memberRatio } from './engine-member-trace.ts';

/** A step between timestamps of at least this many median cadences is a gap (as nab-score-loss.ts). */
const GAP_CADENCES = 10;
/** Gaussian consistency factor of the mean absolute residual (seasonal-baseline.ts). */
const MEAN_AD_TO_SIGMA = 1.2533141373155003;

/** The private state read here (seasonal-baseline.ts, holt-winters-level.ts). */
interface BaselineView {
  expected: number;
  sigma: number;
  readonly mature: boolean;
  at(t: number): void;
  readonly nKnown: number;
  readonly absDevKnown: number;
  readonly absDev: number;
}
interface LevelView {
  readonly base: BaselineView;
  readonly logTail: number;
  readonly options: { readonly warmupSamples: number; readonly threshold: number };
  thresholdNow(): number;
}
interface EnsembleView {
  readonly members: readonly { readonly detector: unknown }[];
  readonly memberScores: Float64Array;
}

interface Peak {
  ratioHw: number;
  ratioCu: number;
  row: number;
  thr: number;
  floor: number;
  qHat: number;
  sigma: number;
  globalSigma: number;
  z: number;
  gap: number;
}

function cadenceOf(f: NabDataFile): number {
  const steps = Array.from({ length: f.rows - 1 }, (_, i) => f.timestampsMs[i + 1]! - f.timestampsMs[i]!);
  return steps.sort((a, b) => a - b)[steps.length >> 1]!;
}

function selected(f: NabDataFile, cadence: number, l: number, r: number): boolean {
  if ((l + r) / 2 < RECORD_MIN_SAMPLES) return true;
  for (let i = Math.max(1, l - (r - l)); i <= r; i++)
    if (f.timestampsMs[i]! - f.timestampsMs[i - 1]! >= GAP_CADENCES * cadence) return true;
  return false;
}

/** Per window (`file#k`): |z| of the judged samples before it — 0.99-quantile, largest, count. */
const empirical = new Map<string, { q99: number; max: number; n: number }>();

interface GapCensus {
  gaps: number;
  votes: number;
  /** Of the votes, those inside a labelled window. */
  votesIn: number;
  openedIn: number;
  openedOut: number;
}

function runFile(f: NabDataFile, census: GapCensus): string[] {
  const settings = DEFAULT_DETECTION_SETTINGS;
  const opts = detectionEngineOptions(settings);
  let det: EnsembleView | null = null;
  let lastBad = false;
  const wrap =
    (make: DetectionEngineOptions['factory']): DetectionEngineOptions['factory'] =>
    (ctx) => {
      const d: StreamingDetector = make(ctx);
      det = d as unknown as EnsembleView;
      return {
        name: d.name,
        update: (x, ts) => {
          const v = d.update(x, ts);
          lastBad = v.anomalous && v.confidence >= settings.minConfidence && isReportable(v);
          return v;
        },
        stateBytes: () => d.stateBytes(),
      };
    };
  const engine = new DetectionEngine({
    ...opts,
    factory: wrap(opts.factory),
    inferredFactory: wrap(opts.inferredFactory ?? opts.factory),
    maxSeries: 1,
    analyse: () => true,
  });
  const cadence = cadenceOf(f);
  const p = probationLength(f.rows);
  const chosen = f.windows
    .map(([l, r], k) => ({ l, r, k }))
    .filter(({ l, r }) => r >= p && selected(f, cadence, l, r));
  const inWindow = (i: number): boolean => f.windows.some(([l, r]) => i >= l && i <= r);
  const zs: number[] = [];
  const peaks = new Map<number, Peak>();
  const opened = new Set<number>();
  let afterGap = 0;
  for (let i = 0; i < f.rows; i++) {
    const ts = f.timestampsMs[i]!;
    const gap = i > 0 ? (ts - f.timestampsMs[i - 1]!) / cadence : 0;
    const hw = (det as EnsembleView | null)?.members[0]?.detector as LevelView | undefined;
    let pre: Omit<Peak, 'ratioHw' | 'ratioCu' | 'row' | 'gap'> | null = null;
    if (hw !== undefined && hw.base.mature) {
      hw.base.at(ts);
      const b = hw.base;
      const z = (f.values[i]! - b.expected) / b.sigma;
      const known = b.nKnown >= hw.options.warmupSamples;
      pre = {
        thr: hw.thresholdNow(),
        floor: hw.options.threshold,
        qHat: Math.exp(hw.logTail),
        sigma: b.sigma,
        globalSigma: MEAN_AD_TO_SIGMA * (known ? b.absDevKnown : b.absDev),
        z,
      };
      if (!inWindow(i)) zs.push(Math.abs(z));
    }
    const x = nabEngineInput(f.values[i]!, ts, 'catalog');
    lastBad = false;
    const out = engine.process([x], ts);
    if (out.opened.length > 0 && i >= p) opened.add(i);
    if (i >= p && gap >= GAP_CADENCES) {
      census.gaps++;
      afterGap = 3;
    }
    if (afterGap > 0) {
      afterGap--;
      if (lastBad) {
        census.votes++;
        if (inWindow(i)) census.votesIn++;
      }
      if (out.opened.length > 0) {
        if (inWindow(i)) census.openedIn++;
        else census.openedOut++;
      }
    }
    const e = det as EnsembleView | null;
    if (pre === null || e === null) continue;
    for (const w of chosen) {
      if (i < Math.max(w.l, p) || i > w.r) continue;
      const ratioHw = memberRatio(e.memberScores[0]!);
      const ratioCu = memberRatio(e.memberScores[1] ?? 0);
      const cur = peaks.get(w.k);
      if (cur === undefined || Math.max(ratioHw, ratioCu) > Math.max(cur.ratioHw, cur.ratioCu))
        peaks.set(w.k, { ...pre, ratioHw, ratioCu, row: i, gap });
    }
    if (zs.length > 0 && chosen.some((w) => i === w.l - 1)) {
      const sorted = [...zs].sort((a, b) => a - b);
      const k = chosen.find((w) => i === w.l - 1)!.k;
      empirical.set(`${f.name}#${k}`, {
        q99: quantileSorted(sorted, 0.99),
        max: sorted.at(-1)!,
        n: sorted.length,
      });
    }
  }
  const name = f.name.replace(/^.*\//, '').replace(/\.csv$/, '');
  return chosen.map((w) => {
    const pk = peaks.get(w.k);
    const found = [...opened].some((i) => i >= w.l && i <= w.r);
    const emp = empirical.get(`${f.name}#${w.k}`);
    if (pk === undefined) return `| ${name} #${w.k + 1} | ${found ? 'found' : 'missed'} | – | | | | | | | |`;
    const need = emp === undefined ? Number.NaN : recordMargin(emp.n, RECORD_MIN_SAMPLES, true) * emp.max;
    const bind = pk.thr > pk.floor + 1e-9 ? '2·q̂' : 'floor';
    return [
      `${name} #${w.k + 1}`,
      found ? 'found' : 'missed',
      `${((pk.row - w.l) / (w.r - w.l)).toFixed(2)}`,
      `${pk.ratioHw.toFixed(2)} / ${pk.ratioCu.toFixed(2)}`,
      `${Math.abs(pk.z).toFixed(1)} / ${pk.thr.toFixed(2)} (${bind})`,
      `${pk.qHat.toFixed(2)} / ${emp === undefined ? '–' : emp.q99.toFixed(2)}`,
      `${(pk.sigma / pk.globalSigma).toFixed(2)}`,
      `${emp?.n ?? '–'}`,
      `${Number.isFinite(need) ? need.toFixed(1) : '∞'}`,
      `${pk.gap.toFixed(0)}`,
    ]
      .join(' | ')
      .replace(/^/, '| ')
      .concat(' |');
  });
}

async function main(): Promise<void> {
  const t0 = process.cpuUsage();
  const corpus = await loadNabCorpus(process.env.DWCP_NAB_DIR);
  const census: GapCensus = { gaps: 0, votes: 0, votesIn: 0, openedIn: 0, openedOut: 0 };
  const lines = corpus.files.flatMap((f) => runFile(f, census));
  console.log(
    '| window | engine | at (0–1) | level / CUSUM score (× threshold) | level |z| / threshold σ (which binds) | q̂₀.₉₉ tracked / empirical before | σ judged / series σ | judged samples before | record needs |z| ≥ | gap before (cadences) |',
  );
  console.log('| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |');
  for (const l of lines) console.log(l);
  console.log(
    `\ngaps of >= ${GAP_CADENCES} cadences after probation: ${census.gaps}; on the 3 samples after them: ${census.votes} reportable votes (${census.votesIn} inside windows), openings ${census.openedIn} inside windows / ${census.openedOut} outside`,
  );
  const cpu = process.cpuUsage(t0);
  console.log(`CPU ${((cpu.user + cpu.system) / 1e6).toFixed(1)} s`);
}

await main();
