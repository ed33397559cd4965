/**
 * Where the monitor's detection engine loses NAB points against the detector alone, per cause. Every NAB file
 * (live rules, kind generic) runs through the engine as `serve` builds it (`detectionEngineOptions` of the default
 * settings) and through the same engine with one rule switched off at a time — confirmation (1 sample), cooldown
 * (0 ms and 0 samples), the hold (resolve after 3 normal verdicts, the rule before it), the confidence floor (0), and for series
 * outside the catalog the warm-up, the minimum duration and the episodes — and with every rule off. A row scores
 * 1 where an anomaly opened (fixed threshold: nothing chosen on NAB). Per variant: the standard and low-FP scores,
 * windows found, false-positive rows; per rule, the windows the full engine misses that switching the rule off
 * finds (and the reverse), and the false positives it adds or removes.
 *
 * Beside it, a trace of the full engine: for every window the detector's own verdicts reach (a reportable
 * anomalous verdict at confidence ≥ the floor inside the window) but the engine opens nothing in, why each such
 * sample did not open — an anomaly was already open (held), the cooldown since the last opening, a run shorter than
 * the confirmation, or something else (the return rule, episodes, warm-up) — counted per window by its first such
 * sample's reason. Last, every window the detector alone (the bench row) finds and the engine misses, with the rule
 * that dropped it.
 *
 * Usage: npx tsx bench/nab-engine-causes.ts [--engine catalog|inferred] [--set key=value ...]
 *   [--opt key=value ...] (`--set` overrides a detection setting of every variant, e.g. `--set cooldown=0`;
 *   `--opt` an engine option, e.g. `--opt cooldownSamples=0`). NAB data: DWCP_NAB_DIR.
 */
import type { StreamingDetector, Verdict } from '../src/analysis/anomaly/detector.ts';
import { NAB_PROFILES, probationLength } from '../src/analysis/anomaly/nab/rules.ts';
import { evaluateCorpus } from '../src/analysis/anomaly/nab/scorer.ts';
import { loadNabCorpus, type NabDataFile } from '../src/eval/nab-data.ts';
import type { DetectionSettings } from '../src/model/detection-settings.ts';
import { DEFAULT_DETECTION_SETTINGS } from '../src/model/detection-settings.ts';
import { detectionEngineOptions } from '../src/monitor/detection-config.ts';
import { DetectionEngine } from '../src/monitor/detection-engine.ts';
import type { DetectionEngineOptions } from '../src/monitor/detection-types.ts';
import type { DetectionInput } from '../src/monitor/detection-input.ts';
import { isReportable } from '../src/monitor/anomaly-record.ts';
import { createEnsemble } from '../src/analysis/anomaly/presets.ts';
import type { NabEngineMode } from './detect-nab-engine.ts';

interface Variant {
  readonly name: string;
  readonly settings?: Partial<DetectionSettings>;
  readonly options?: Partial<DetectionEngineOptions>;
  readonly modes: readonly NabEngineMode[];
}

const BOTH: readonly NabEngineMode[] = ['catalog', 'inferred'];
const VARIANTS: readonly Variant[] = [
  { name: 'engine (default settings)', modes: BOTH },
  { name: 'without confirmation (1 sample)', settings: { confirmSamples: 1 }, modes: BOTH },
  { name: 'without cooldown', settings: { cooldown: 0 }, options: { cooldownSamples: 0 }, modes: BOTH },
  { name: 'without the hold (resolve after 3 normal verdicts)', options: { holdBand: false }, modes: BOTH },
  { name: 'without the confidence floor', settings: { minConfidence: 0 }, modes: BOTH },
  { name: 'without the warm-up', settings: { inferredWarmup: 0 }, modes: ['inferred'] },
  { name: 'without the minimum duration', settings: { inferredMinDuration: 0 }, modes: ['inferred'] },
  { name: 'without episodes (catalog rules)', options: { episodic: () => false }, modes: ['inferred'] },
  {
    name: 'every rule off',
    settings: { confirmSamples: 1, cooldown: 0, minConfidence: 0, inferredWarmup: 0, inferredMinDuration: 0 },
    options: { holdBand: false, episodic: () => false, cooldownSamples: 0 },
    modes: BOTH,
  },
];

/** Why a sample with the detector's anomalous verdict did not open an anomaly (the full engine's trace). */
type Reason = 'held open' | 'cooldown' | 'run < confirmation' | 'other (return rule, episode, warm-up)';

interface FileRun {
  readonly scores: Float64Array;
  /** Per row: the detector's verdict was reportable and anomalous at the confidence floor. */
  readonly bad: Uint8Array;
  /** Per row: why a bad row opened nothing (index into REASONS), −1 when it opened or was not bad. */
  readonly reason: Int8Array;
}

const REASONS: readonly Reason[] = [
  'held open',
  'cooldown',
  'run < confirmation',
  'other (return rule, episode, warm-up)',
];

function runFile(
  f: NabDataFile,
  mode: NabEngineMode,
  v: Variant,
  base: Partial<DetectionSettings>,
  baseOptions: Partial<DetectionEngineOptions>,
): FileRun {
  const settings: DetectionSettings = { ...DEFAULT_DETECTION_SETTINGS, ...base, ...v.settings };
  const opts = detectionEngineOptions(settings);
  let last: Verdict | null = null;
  const wrap =
    (make: DetectionEngineOptions['factory']): DetectionEngineOptions['factory'] =>
    (ctx) => {
      const d: StreamingDetector = make(ctx);
      return {
        name: d.name,
        update: (x: number, t: number) => (last = d.update(x, t)),
        stateBytes: () => d.stateBytes(),
      };
    };
  const engineOpts: DetectionEngineOptions = {
    ...opts,
    factory: wrap(opts.factory),
    inferredFactory: wrap(opts.inferredFactory ?? opts.factory),
    ...baseOptions,
    ...v.options,
    maxSeries: 1,
    analyse: () => true,
  };
  const engine = new DetectionEngine(engineOpts);
  const scores = new Float64Array(f.rows);
  const bad = new Uint8Array(f.rows);
  const reason = new Int8Array(f.rows).fill(-1);
  let lastOpenedTs = Number.NEGATIVE_INFINITY;
  let sinceOpened = Number.POSITIVE_INFINITY;
  let run = 0;
  for (let i = 0; i < f.rows; i++) {
    const ts = f.timestampsMs[i]!;
    const wasOpen = engine.openKeys().length > 0;
    const input: DetectionInput = {
      key: 'nab',
      metric: 'nab',
      labels: {},
      value: f.values[i]!,
      timestampMs: ts,
      kind: 'generic',
      transform: 'value',
      def: undefined,
      ...(mode === 'inferred' ? { inferred: 'NAB series' } : {}),
    };
    const opened = engine.process([input], ts).opened.length > 0;
    sinceOpened++;
    const verdict = last as Verdict | null;
    const b =
      verdict !== null &&
      verdict.anomalous &&
      verdict.confidence >= settings.minConfidence &&
      isReportable(verdict);
    run = b ? run + 1 : verdict?.warmingUp === true ? run : 0;
    if (opened) {
      scores[i] = 1;
      lastOpenedTs = ts;
      sinceOpened = 0;
    }
    if (!b) continue;
    bad[i] = 1;
    if (opened) continue;
    const evidence = Math.max(run, verdict.evidenceSamples ?? 1);
    reason[i] = wasOpen
      ? 0
      : ts - lastOpenedTs < settings.cooldown || sinceOpened < (engineOpts.cooldownSamples ?? 0)
        ? 1
        : evidence < settings.confirmSamples
          ? 2
          : 3;
  }
  return { scores, bad, reason };
}

function parseArgs(argv: readonly string[]): {
  mode: NabEngineMode;
  base: Partial<DetectionSettings>;
  baseOptions: Partial<DetectionEngineOptions>;
} {
  let mode: NabEngineMode = 'catalog';
  const base: Record<string, number> = {};
  const baseOptions: Record<string, number> = {};
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--engine') {
      const m = argv[++i];
      if (m !== 'catalog' && m !== 'inferred') throw new Error('--engine must be catalog or inferred');
      mode = m;
    } else if (a === '--set') {
      const [k, x] = (argv[++i] ?? '').split('=');
      if (k === undefined || x === undefined || !Number.isFinite(Number(x)))
        throw new Error('--set key=number');
      base[k] = Number(x);
    } else if (a === '--opt') {
      const [k, x] = (argv[++i] ?? '').split('=');
      if (k === undefined || x === undefined || !Number.isFinite(Number(x)))
        throw new Error('--opt key=number');
      baseOptions[k] = Number(x);
    } else throw new Error(`unknown option ${String(a)}`);
  }
  return {
    mode,
    base: base as Partial<DetectionSettings>,
    baseOptions: baseOptions as Partial<DetectionEngineOptions>,
  };
}

const probationOf = (f: NabDataFile): number => probationLength(f.rows);

/** First scored row in each window at or after probation, or −1 (per file, per window). */
function firstRows(f: NabDataFile, scores: Float64Array): number[] {
  const probation = probationLength(f.rows);
  return f.windows.map(([l, r]) => {
    for (let i = Math.max(l, probation); i <= r; i++) if (scores[i]! >= 1) return i;
    return -1;
  });
}

async function main(): Promise<void> {
  const { mode, base, baseOptions } = parseArgs(process.argv.slice(2));
  const corpus = await loadNabCorpus();
  console.log(
    `NAB through the engine as a ${mode} series, live rules, fixed threshold; settings ${JSON.stringify(base)}, engine options ${JSON.stringify(baseOptions)}\n`,
  );
  console.log(
    '| variant | standard | low FP | windows | FP rows | windows gained / lost vs the engine | FP rows added / removed vs the engine | CPU s |',
  );
  console.log('| --- | --- | --- | --- | --- | --- | --- | --- |');
  let ref: { runs: FileRun[]; first: number[][] } | null = null;
  for (const v of VARIANTS) {
    if (!v.modes.includes(mode)) continue;
    const t0 = process.cpuUsage();
    const runs = corpus.files.map((f) => runFile(f, mode, v, base, baseOptions));
    const cpu = process.cpuUsage(t0);
    const scores = runs.map((r) => r.scores);
    const std = evaluateCorpus(corpus.files, scores, NAB_PROFILES.standard, { threshold: 1 });
    const low = evaluateCorpus(corpus.files, scores, NAB_PROFILES.reward_low_FP_rate, { threshold: 1 });
    const first = corpus.files.map((f, j) => firstRows(f, scores[j]!));
    let gained = 0;
    let lost = 0;
    let fpAdded = 0;
    let fpRemoved = 0;
    if (ref !== null) {
      corpus.files.forEach((f, j) => {
        const p = probationOf(f);
        f.windows.forEach(([, r], k) => {
          if (r < p) return;
          const a = ref!.first[j]![k]! >= 0;
          const b = first[j]![k]! >= 0;
          if (b && !a) gained++;
          if (a && !b) lost++;
        });
        const inWin = new Uint8Array(f.rows);
        for (const [l, r] of f.windows) inWin.fill(1, l, r + 1);
        for (let i = p; i < f.rows; i++) {
          if (inWin[i] === 1) continue;
          const x = ref!.runs[j]!.scores[i]! >= 1;
          const y = scores[j]![i]! >= 1;
          if (y && !x) fpAdded++;
          if (x && !y) fpRemoved++;
        }
      });
    }
    const diff = ref === null ? '–' : `+${gained} / −${lost}`;
    const fps = ref === null ? '–' : `+${fpAdded} / −${fpRemoved}`;
    console.log(
      `| ${v.name} | ${std.normalized.toFixed(1)} | ${low.normalized.toFixed(1)} | ${std.windowsDetected}/${std.windowsTotal} | ${std.fpRows} | ${diff} | ${fps} | ${((cpu.user + cpu.system) / 1e6).toFixed(1)} |`,
    );
    if (ref === null) ref = { runs, first };
  }
  // The trace of the full engine: windows the detector's verdicts reach that the engine misses, and why.
  const counts = new Map<string, number>();
  let reached = 0;
  let missed = 0;
  corpus.files.forEach((f, j) => {
    const p = probationOf(f);
    const run = ref!.runs[j]!;
    f.windows.forEach(([l, r], k) => {
      if (r < p) return;
      let firstBad = -1;
      for (let i = Math.max(l, p); i <= r && firstBad < 0; i++) if (run.bad[i] === 1) firstBad = i;
      if (firstBad < 0) return;
      reached++;
      if (ref!.first[j]![k]! >= 0) return;
      missed++;
      const why = REASONS[run.reason[firstBad]!] ?? 'other (return rule, episode, warm-up)';
      const all = new Set<Reason>();
      for (let i = Math.max(l, p); i <= r; i++) if (run.reason[i]! >= 0) all.add(REASONS[run.reason[i]!]!);
      const key = `${why} (all samples: ${[...all].join(', ')})`;
      counts.set(key, (counts.get(key) ?? 0) + 1);
    });
  });
  console.log(
    `\nWindows the detector's verdicts reach (a reportable anomalous verdict inside, after probation): ${reached}; the engine opens nothing in ${missed}:\n`,
  );
  console.log(
    '| why the first such sample opened nothing (reasons of every such sample in the window) | windows |',
  );
  console.log('| --- | --- |');
  for (const [k, n] of [...counts].sort((a, b) => b[1] - a[1])) console.log(`| ${k} | ${n} |`);
  againstDetectorAlone(corpus.files, ref!);
}

/**
 * The bench row `ensemble-statistical` (the detector alone: its score at NAB's corpus threshold, NAB's 50-sample
 * refractory) against the full engine: windows found by one and not the other, windows the engine finds later,
 * false-positive rows added and removed; each window the detector alone finds and the engine misses or finds
 * later is attributed by the full engine's trace at the detector's first detection row.
 */
function againstDetectorAlone(
  files: readonly NabDataFile[],
  ref: { runs: FileRun[]; first: number[][] },
): void {
  const scores = files.map((f) => {
    const d = createEnsemble({ kind: 'generic' }, { preset: 'live' });
    const out = new Float64Array(f.rows);
    for (let i = 0; i < f.rows; i++) {
      const s = d.update(f.values[i]!, f.timestampsMs[i]!).score;
      out[i] = Number.isFinite(s) ? Math.min(1, Math.max(0, s)) : 0;
    }
    return out;
  });
  const e = evaluateCorpus(files, scores, NAB_PROFILES.standard);
  const θ = e.threshold;
  const missed = new Map<string, number>();
  const late = new Map<string, number>();
  const lateBy: number[] = [];
  const missedRows: string[] = [];
  let engineOnly = 0;
  let fpAdded = 0;
  let fpRemoved = 0;
  const why = (run: FileRun, i: number): string =>
    run.bad[i] !== 1
      ? "no anomalous verdict there (the bench's θ on the score, chosen on NAB, lies below the members' thresholds)"
      : (REASONS[run.reason[i]!] ?? 'opened');
  files.forEach((f, j) => {
    const p = probationOf(f);
    const run = ref.runs[j]!;
    f.windows.forEach(([l, r], k) => {
      if (r < p) return;
      let d = -1;
      for (let i = Math.max(l, p); i <= r && d < 0; i++) if (scores[j]![i]! >= θ) d = i;
      const g = ref.first[j]![k]!;
      if (d < 0) {
        if (g >= 0) engineOnly++;
        return;
      }
      if (g < 0) {
        missed.set(why(run, d), (missed.get(why(run, d)) ?? 0) + 1);
        missedRows.push(`| ${f.name} | ${k + 1} of ${f.windows.length} | ${d} | ${why(run, d)} |`);
      } else if (g > d) {
        late.set(why(run, d), (late.get(why(run, d)) ?? 0) + 1);
        lateBy.push(g - d);
      }
    });
    const inWin = new Uint8Array(f.rows);
    for (const [l, r] of f.windows) inWin.fill(1, l, r + 1);
    for (let i = p; i < f.rows; i++) {
      // NAB counts every row at or above θ; the detector's refractory is inside its score (muted rows score 0).
      // A 2-sample excursion the detector flags on its first row and the engine on its second counts once each way.
      const x = scores[j]![i]! >= θ;
      if (inWin[i] === 1) continue;
      const y = run.scores[i]! >= 1;
      if (y && !x) fpAdded++;
      if (x && !y) fpRemoved++;
    }
  });
  const n = (m: Map<string, number>): number => [...m.values()].reduce((a, b) => a + b, 0);
  console.log(
    `\nAgainst the detector alone (bench row, θ ${θ.toFixed(4)}: ${e.normalized.toFixed(1)} standard, ${e.windowsDetected}/${e.windowsTotal} windows, ${e.fpRows} FP rows): the engine misses ${n(missed)} of its windows, finds ${n(late)} later (by ${lateBy.sort((a, b) => a - b).join(', ')} samples), finds ${engineOnly} it misses; false-positive rows +${fpAdded} / −${fpRemoved}\n`,
  );
  console.log("| cause at the detector's first detection row | windows missed | windows later |");
  console.log('| --- | --- | --- |');
  for (const k of new Set([...missed.keys(), ...late.keys()]))
    console.log(`| ${k} | ${missed.get(k) ?? 0} | ${late.get(k) ?? 0} |`);
  console.log(
    "\nWindows the detector alone finds and the engine misses, with the rule at the detector's first detection row:\n",
  );
  console.log('| file | window | row | rule |');
  console.log('| --- | --- | --- | --- |');
  for (const row of missedRows) console.log(row);
}

await main();
