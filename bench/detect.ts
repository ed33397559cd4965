/**
 * `npm run bench:detect`: what every anomaly detector earns, measured.
 *  1. NAB (Numenta Anomaly Benchmark): all three profiles under live-monitor rules (no min/max or length
 *     look-ahead) and, for detectors that can use them, NAB's published rules; a leave-one-category-out
 *     threshold; the ops subset; window recall; alarms per series-day.
 *  2. DWCP labelled scenarios from the simulator (src/eval/dwcp/): precision, recall, F1, detection
 *     delay p50/p95 at 1 s scrape, false alerts on benign scenarios — through the monitor's detection engine.
 *  3. Cost: samples/s on one core and state bytes per series, with an anchor measured in the same run.
 *  4. The labelled corpus (src/eval/corpus/): precision, recall, delay and false alarms per series-day on a
 *     tuning split and a held-out split, through the monitor's detection engine.
 * Tables go to stdout, progress to stderr, JSON to bench/results/detect.json (what GET /api/models/performance
 * serves). Options: `--help` (bench/detect-args.ts).
 * NAB directory: DWCP_NAB_DIR or ../shared/datasets/nab; read only when the NAB part runs (`--skip nab` needs none:
 * the cost part then streams the labelled corpus, with its anchor on the same values).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';

import { NAB_PROFILE_NAMES } from '../src/analysis/anomaly/nab/rules.ts';
import { InvalidInputError } from '../src/errors.ts';
import { detectUsage, parseDetectArgs } from './detect-args.ts';
import { BENCH_DETECTORS } from './detect-registry.ts';
import { anchorRate, costData, measureCost, type CostResult } from './detect-cost.ts';
import { loadNabIfNeeded } from './detect-nab-load.ts';
import { runNab, scoreNab, seriesDays, type NabResult } from './detect-nab.ts';
import { nabEngineEntry } from './detect-nab-engine.ts';
import { runDwcpBench, type DwcpBenchResult } from './detect-dwcp.ts';
import { runCorpusBench, type CorpusBenchResult } from './detect-corpus.ts';
import { markdownTable as table } from './table.ts';

const f1 = (v: number): string => v.toFixed(1);
const f2 = (v: number): string => v.toFixed(2);

function progress(msg: string): void {
  process.stderr.write(`[bench:detect] ${msg}\n`);
}

async function main(): Promise<void> {
  const args = parseDetectArgs(process.argv.slice(2));
  if (args === 'help') {
    process.stdout.write(`${detectUsage(BENCH_DETECTORS.map((d) => d.name))}\n`);
    return;
  }
  const { skip, seeds, firstSeed, costMs } = args;
  const detectors = BENCH_DETECTORS.filter((d) => args.only === undefined || d.name.includes(args.only));
  if (detectors.length === 0) throw new InvalidInputError(`no detector matches --only ${args.only}`);
  const t0 = performance.now();

  if (!skip.has('nab')) progress('loading NAB corpus');
  const corpus = await loadNabIfNeeded(skip);
  const days = corpus === null ? null : seriesDays(corpus);
  if (corpus !== null)
    progress(
      `${corpus.files.length} files, ${corpus.rowCount} rows, ${corpus.windowCount} windows, ${days!.toFixed(0)} series-days`,
    );

  const nab: NabResult[] = [];
  if (corpus !== null) {
    // A shipped detector also through the monitor's engine: what it pages, not its per-sample score.
    const entries = detectors.flatMap((d) =>
      d.shipped !== undefined && d.nab.use === 'score'
        ? [d.nab, nabEngineEntry(d.name, d.shipped, 'catalog'), nabEngineEntry(d.name, d.shipped, 'inferred')]
        : [d.nab],
    );
    for (const e of entries) {
      for (const rules of e.usesLookAhead ? (['live', 'published'] as const) : (['live'] as const)) {
        progress(`NAB ${e.name} (${rules} rules)`);
        const { scores, ms } = runNab(corpus, e, rules);
        const r = scoreNab(corpus, e, rules, scores, ms);
        nab.push(r);
        progress(
          `  standard ${f1(r.profiles.standard.normalized)}, lowFP ${f1(r.profiles.reward_low_FP_rate.normalized)}, lowFN ${f1(r.profiles.reward_low_FN_rate.normalized)} in ${(ms / 1000).toFixed(1)} s`,
        );
      }
    }
    process.stdout.write(
      table(
        'NAB scores (normalised: perfect 100, never alerting 0)',
        [
          'detector',
          'rules',
          'standard',
          'lowFP',
          'lowFN',
          'LOCO std',
          'ops std',
          'θ std',
          'window recall',
          'alarms/series-day',
          'false/series-day',
          'µs/sample',
        ],
        nab.map((r) => [
          r.detector,
          r.rules,
          ...NAB_PROFILE_NAMES.map((p) => f1(r.profiles[p].normalized)),
          r.locoStandard === null ? 'n/a' : f1(r.locoStandard),
          f1(r.opsStandard),
          String(Number(r.profiles.standard.threshold.toPrecision(6))),
          `${r.profiles.standard.windowsDetected}/${r.windowsTotal}`,
          r.alarmsPerSeriesDay.toFixed(3),
          r.falseAlarmsPerSeriesDay.toFixed(3),
          f2(r.usPerSample),
        ]),
        "live = no min/max or file-length look-ahead (what a monitor can do); published = NAB's rules (file min/max and\n" +
          "probation length given up front). Thresholds are optimised on the whole corpus (NAB's rule, in-sample) except\n" +
          'LOCO: θ chosen on the other six categories. ops = realAWSCloudwatch + realKnownCause at the corpus θ.\n' +
          '"anomalies the engine opens": the shipped detector through the monitor\'s detection engine with the default\n' +
          'settings (confirmation, cooldown; outside the catalog also episodes, warm-up, minimum duration): what pages,\n' +
          'scored at a fixed threshold (nothing chosen on NAB, so LOCO equals the standard score).\n' +
          'Published reference scores (NAB scoreboard): CAD OSE 69.9, earthgecko Skyline 58.2, KNN-CAD 58.0, Relative\n' +
          'Entropy 54.6, Random Cut Forest 51.7, Twitter ADVec 47.1, Windowed Gaussian 39.6.',
      ) + '\n',
    );
  }

  let dwcp: DwcpBenchResult[] = [];
  if (!skip.has('dwcp')) {
    dwcp = await runDwcpBench(detectors, seeds, progress, firstSeed);
    process.stdout.write(
      table(
        `DWCP labelled scenarios (simulator, 1 s scrape, seeds ${firstSeed}..${firstSeed + seeds - 1}; through the monitor's detection engine)`,
        [
          'detector',
          'scenarios',
          'runs',
          'precision',
          'recall',
          'F1',
          'delay p50 s',
          'delay p95 s',
          'benign runs alerting',
          'anomalies/run',
          'cold-start anomalies/run',
        ],
        dwcp.map((r) => [
          r.detector,
          String(r.scenarios),
          String(r.runs),
          f2(r.precision),
          f2(r.recall),
          f2(r.f1),
          r.delayP50S === null ? 'n/a' : f2(r.delayP50S),
          r.delayP95S === null ? 'n/a' : f2(r.delayP95S),
          `${r.benignRunsAlerting}/${r.benignRuns}`,
          f1(r.anomaliesPerRun),
          f1(r.warmupAnomaliesPerRun),
        ]),
        'Goals: precision ≥ 0.95, recall ≥ 0.95, p95 delay ≤ 5 s; benign scenarios (no-fault days, good-direction level\n' +
          'shifts) must not alert. Cold-start anomalies: opened during the first 100 s of a run, while every series is\n' +
          'new (not evaluated). Per-scenario rows are in bench/results/detect.json.',
      ) + '\n',
    );
  }

  let corpusResults: CorpusBenchResult[] = [];
  if (!skip.has('corpus')) {
    corpusResults = runCorpusBench(detectors, progress);
    const n = (v: number | null): string => (v === null ? 'n/a' : v.toFixed(3));
    const d = (v: number | null): string => (v === null ? 'n/a' : String(v));
    process.stdout.write(
      table(
        "Labelled corpus (synthetic, independent of the simulator; through the monitor's detection engine)",
        [
          'detector',
          'split',
          'series',
          'series-days',
          'anomalies',
          'precision',
          'recall',
          'false alarms',
          'false/series-day',
          'blips paged',
          'delay p50 (samples)',
          'delay p95 (samples)',
          'recall shift/variance/spike/leak',
        ],
        corpusResults.map((r) => [
          r.detector,
          `${r.split} (seed ${r.seed})`,
          String(r.total.series),
          r.total.seriesDays.toFixed(1),
          String(r.total.anomalies),
          n(r.total.precision),
          n(r.total.recall),
          String(r.total.falseAlarms),
          r.total.falseAlarmsPerSeriesDay.toFixed(3),
          `${r.total.blipsPaged}/${r.total.blips}`,
          d(r.total.delayP50Samples),
          d(r.total.delayP95Samples),
          Object.values(r.recallByKind)
            .map((k) => `${k.detected}/${k.anomalies}`)
            .join(' '),
        ]),
        'Goals for the live detector: precision ≥ 0.9 at recall ≥ 0.9, ≤ 0.05 false alarms per series-day. A detection\n' +
          'matches a labelled window when its first anomalous sample lies in [start, end + 10 samples]; benign one-sample\n' +
          'blips must not page. Per-cadence numbers and every miss are in bench/results/detect.json.',
      ) + '\n',
    );
  }

  const cost: CostResult[] = [];
  if (!skip.has('cost')) {
    const data = costData(corpus);
    progress(`cost: anchor (${data.name})`);
    const anchor = anchorRate(data, costMs);
    for (const d of detectors) {
      progress(`cost: ${d.name}`);
      cost.push(
        measureCost(
          data,
          d.name,
          () => d.live({ kind: 'generic' }, { seasonalPeriodMs: 86_400_000 }),
          anchor,
          costMs,
          d.heavy ? 60_000 : Infinity,
        ),
      );
    }
    process.stdout.write(
      table(
        `Cost on one core (${data.name}: values streamed through fresh detectors)`,
        ['detector', 'samples/s', 'ratio to anchor', 'state bytes/series'],
        [
          ['anchor: running mean', Math.round(anchor).toLocaleString('en-US'), '1.00', '16'],
          ...cost.map((c) => [
            c.detector,
            Math.round(c.samplesPerSecond).toLocaleString('en-US'),
            c.ratioToAnchor.toFixed(3),
            String(c.stateBytes),
          ]),
        ],
        'Goals for the live statistical ensemble: ≥ 1,000,000 samples/s per core, ≤ 4 KB state per series.',
      ) + '\n',
    );
  }

  const outDir = path.join(process.cwd(), 'bench', 'results');
  mkdirSync(outDir, { recursive: true });
  const out = {
    generatedAt: new Date().toISOString(),
    machine: { node: process.version, platform: process.platform, arch: process.arch },
    nab:
      corpus === null
        ? { skipped: true, corpus: null, results: nab }
        : {
            corpus: {
              files: corpus.files.length,
              rows: corpus.rowCount,
              windows: corpus.windowCount,
              seriesDays: days,
            },
            results: nab,
          },
    dwcp,
    corpus: corpusResults,
    cost,
  };
  writeFileSync(path.join(outDir, 'detect.json'), JSON.stringify(out, null, 2) + '\n');
  progress(`wrote bench/results/detect.json in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
}

await main().catch((e: unknown) => {
  if (!(e instanceof InvalidInputError)) throw e;
  process.stderr.write(`bench:detect: ${e.message} (see --help)\n`);
  process.exitCode = 2;
});
