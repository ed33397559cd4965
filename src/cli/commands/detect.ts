/**
 * `dwcp-monitor detect`: offline anomaly detection over one `timestamp,value` CSV series with the monitor's own
 * live detector (default `ensemble`, built by the monitor's factory, src/monitor/live-detector.ts: with `--kind
 * generic` the live members — a tail-calibrated Holt-Winters level and a CUSUM trend member under the band
 * paging rule; with a DWCP kind that kind's tuning), the live preset on every kind, the statistical z-score
 * detector or the full ensemble; prints the reported anomalies as JSON or CSV (docs/anomaly-detection.md).
 */
import { writeFile } from 'node:fs/promises';
import { Command } from 'commander';
import {
  readingOf,
  votesOf,
  type StreamingDetector,
  type VerdictReading,
} from '../../analysis/anomaly/detector.ts';
import { createEnsemble } from '../../analysis/anomaly/presets.ts';
import {
  createStatisticalDetector,
  KIND_DEFAULTS,
  type StatisticalOptions,
} from '../../analysis/anomaly/statistical.ts';
import { liveDetectorFactory } from '../../monitor/live-detector.ts';
import { isReportable } from '../../monitor/anomaly-record.ts';
import { DwcpError, InvalidInputError, type DwcpErrorCode } from '../../errors.ts';
import { readSeriesCsvFile, type SeriesPoint } from '../../ingest/csv.ts';
import type { MetricKind } from '../../model/anomaly.ts';
import { DEFAULT_DETECTION_SETTINGS } from '../../model/detection-settings.ts';
import { formatDuration, parseDuration } from '../../model/duration.ts';
import { checkOutputFile } from '../flags.ts';

/** Where the command writes; defaults to process.stdout / process.stderr. */
export interface DetectIo {
  out(text: string): void;
  err(text: string): void;
}

/** One reported anomaly of the offline run: the sample, the detector's reading of it, and who voted. */
export interface DetectedRow extends VerdictReading {
  /** ISO-8601 UTC time of the sample. */
  readonly timestamp: string;
  readonly value: number;
  /** Ensemble members that voted, joined with `+`; the detector's name for single detectors. */
  readonly detectors: string;
}

/** Detectors the command can run. */
export const DETECT_DETECTORS = ['statistical', 'ensemble', 'ensemble-live', 'full'] as const;
export type DetectDetector = (typeof DETECT_DETECTORS)[number];

const KINDS: readonly MetricKind[] = Object.keys(KIND_DEFAULTS) as MetricKind[];
const FORMATS = ['json', 'csv'] as const;
const INPUT_CODES: ReadonlySet<DwcpErrorCode> = new Set([
  'DWCP_INVALID_INPUT',
  'DWCP_CSV_PARSE',
  'DWCP_UNKNOWN_PARAMETER',
  'DWCP_PAYLOAD_TOO_LARGE',
  'DWCP_LIMIT_EXCEEDED',
  'DWCP_NOT_FOUND',
  'DWCP_CONFIG',
]);
const DEFAULT_COOLDOWN = '5m';
/** Normal samples that end an anomaly episode (the engine's resolveAfterSamples). */
const RESOLVE_AFTER = 3;
/** Default limit on input rows of the CLI (the whole series is held in memory). */
const MAX_ROWS = 5_000_000;

/**
 * Runs a detector over `points` and returns the reported anomalies (after confidence floor and cooldown), in
 * time order: one row per episode (consecutive anomalous samples; it ends after 3 normal samples), at its first
 * sample; as in the monitor, only verdicts with a finite band and score count. Non-finite values are skipped. `statistical` applies `options` itself; `ensemble` (the monitor's
 * default detector, from the monitor's factory, for a series of `kind`), `ensemble-live` (the live ensemble with
 * the live tuning of `kind`, live-tuning.ts) and `full` (CAD OSE + statistical members, NAB tuning) take only `minConfidence` and `cooldownMs` from `options`, applied to their alarms (the live monitor's
 * engine additionally needs two consecutive anomalous samples; this offline command reports the first).
 * @throws InvalidInputError for invalid detector options.
 */
export function detectSeries(
  points: readonly SeriesPoint[],
  kind: MetricKind,
  options: Partial<StatisticalOptions> = {},
  detector: DetectDetector = DEFAULT_DETECTION_SETTINGS.detector,
  seasonalPeriodMs = 86_400_000,
): DetectedRow[] {
  let d: StreamingDetector;
  let minConfidence = 0;
  let cooldownMs = 0;
  if (detector === 'statistical') {
    d = createStatisticalDetector({ kind }, options);
  } else {
    d =
      detector === 'full'
        ? createEnsemble({ kind }, { preset: 'full', seasonalPeriodMs })
        : liveDetectorFactory(detector, seasonalPeriodMs)({ kind });
    minConfidence = options.minConfidence ?? 0.8;
    cooldownMs = options.cooldownMs ?? 5 * 60_000;
  }
  const rows: DetectedRow[] = [];
  let last = Number.NEGATIVE_INFINITY;
  // Episodes as the monitor's engine keeps them: consecutive anomalous samples are one anomaly, which resolves
  // after RESOLVE_AFTER normal samples.
  let open = false;
  let calm = 0;
  for (const p of points) {
    const v = d.update(p.value, p.timestampMs);
    // As the monitor's engine: no anomaly without a finite band and score to show (isReportable).
    const bad = v.anomalous && v.confidence >= minConfidence && isReportable(v);
    if (!bad) {
      if (open && ++calm >= RESOLVE_AFTER) open = false;
      continue;
    }
    calm = 0;
    if (open || p.timestampMs - last < cooldownMs) continue;
    open = true;
    last = p.timestampMs;
    const voted = votesOf(v)
      .filter((x) => x.voted)
      .map((x) => x.detector);
    rows.push({
      timestamp: new Date(p.timestampMs).toISOString(),
      value: p.value,
      ...readingOf(v),
      detectors: voted.length > 0 ? voted.join('+') : d.name,
    });
  }
  return rows;
}

/** Renders rows as CSV: a header line, then one line per anomaly (numbers in full precision). */
export function rowsToCsv(rows: readonly DetectedRow[]): string {
  const head = 'timestamp,value,expected,lower,upper,deviation,confidence,severity,detectors\n';
  return (
    head +
    rows
      .map(
        (r) =>
          `${r.timestamp},${r.value},${r.expected},${r.lower},${r.upper},${r.deviation},${r.confidence},${r.severity},${r.detectors}\n`,
      )
      .join('')
  );
}

interface RawOptions {
  input: string;
  format: string;
  kind: string;
  detector: string;
  season: string;
  threshold?: string;
  cooldown: string;
  minConfidence?: string;
  output?: string;
  maxRows: string;
}

function parseNumberOption(name: string, text: string): number {
  const n = Number(text);
  if (text.trim() === '' || !Number.isFinite(n))
    throw new InvalidInputError(`${name} must be a number, got "${text}"`);
  return n;
}

async function run(raw: RawOptions, io: DetectIo): Promise<void> {
  if (!(FORMATS as readonly string[]).includes(raw.format)) {
    throw new InvalidInputError(`--format must be one of ${FORMATS.join(', ')}, got "${raw.format}"`);
  }
  if (!(KINDS as readonly string[]).includes(raw.kind)) {
    throw new InvalidInputError(`--kind must be one of ${KINDS.join(', ')}, got "${raw.kind}"`);
  }
  const kind = raw.kind as MetricKind;
  if (!(DETECT_DETECTORS as readonly string[]).includes(raw.detector)) {
    throw new InvalidInputError(
      `--detector must be one of ${DETECT_DETECTORS.join(', ')}, got "${raw.detector}"`,
    );
  }
  const detector = raw.detector as DetectDetector;
  if (detector !== 'statistical' && raw.threshold !== undefined) {
    throw new InvalidInputError(
      '--threshold applies to --detector statistical only (ensembles use their tuned thresholds)',
    );
  }
  const seasonMs = parseDuration(raw.season);
  if (!(seasonMs >= 60_000)) throw new InvalidInputError(`--season must be at least 1m, got ${raw.season}`);
  const opts: { -readonly [K in keyof StatisticalOptions]?: StatisticalOptions[K] } = {};
  if (raw.threshold !== undefined) {
    const t = parseNumberOption('--threshold', raw.threshold);
    if (!(t > 0)) throw new InvalidInputError(`--threshold must be > 0, got ${raw.threshold}`);
    opts.threshold = t;
  }
  if (raw.minConfidence !== undefined) {
    const c = parseNumberOption('--min-confidence', raw.minConfidence);
    if (!(c >= 0 && c <= 1))
      throw new InvalidInputError(`--min-confidence must be in [0, 1], got ${raw.minConfidence}`);
    opts.minConfidence = c;
  }
  opts.cooldownMs = parseDuration(raw.cooldown);
  const maxRows = parseNumberOption('--max-rows', raw.maxRows);
  if (!Number.isSafeInteger(maxRows) || maxRows < 1)
    throw new InvalidInputError(`--max-rows must be a positive integer, got ${raw.maxRows}`);

  if (raw.output !== undefined) checkOutputFile('--output', raw.output);
  const points = await readSeriesCsvFile(raw.input, { maxRows });
  if (points.length === 0)
    throw new InvalidInputError(`${raw.input} has no data rows (expected "timestamp,value" lines)`);
  const rows = detectSeries(points, kind, opts, detector, seasonMs);
  const text = raw.format === 'json' ? JSON.stringify(rows, null, 2) + '\n' : rowsToCsv(rows);
  if (raw.output !== undefined) {
    await writeFile(raw.output, text, 'utf8');
    io.err(`${rows.length} anomalies in ${points.length} samples written to ${raw.output}\n`);
  } else {
    io.out(text);
  }
}

/** Exit code for an error: 2 for bad input (DwcpError input codes), 1 otherwise. */
export function exitCodeFor(e: unknown): number {
  return e instanceof DwcpError && INPUT_CODES.has(e.code) ? 2 : 1;
}

/**
 * The `detect` command (commander 14):
 * `detect --input series.csv [--format json|csv] [--kind <kind>] [--threshold <sigma>] [--cooldown <duration>]
 * [--min-confidence <0..1>] [--max-rows <n>] [--output <file>]`.
 * Errors in the run print `error: <message>` to stderr and set `process.exitCode` to 2 for bad input (DwcpError
 * input codes: invalid flags, CSV parse errors, limits, unreadable input) and 1 otherwise; it never calls
 * `process.exit`. Usage errors commander itself detects (unknown option, missing `--input`) follow
 * commander's configured exit handling.
 * @param io output sinks (tests pass their own); default process.stdout/process.stderr.
 */
export function detectCommand(io?: DetectIo): Command {
  const sink: DetectIo = io ?? {
    out: (t) => void process.stdout.write(t),
    err: (t) => void process.stderr.write(t),
  };
  const kindHelp = KINDS.map(
    (k) => `${k} (${KIND_DEFAULTS[k].direction}, ${KIND_DEFAULTS[k].threshold} sigma)`,
  ).join(', ');
  const cmd = new Command('detect')
    .summary('offline anomaly detection over a timestamp,value CSV')
    .description(
      "Run a streaming detector (default: the monitor's own live detector; for --kind generic a robust Holt-Winters " +
        'level with a tail-calibrated threshold and a CUSUM trend member, no page on a distribution change inside ' +
        "the band; for a DWCP kind that kind's tuning) over a " +
        'timestamp,value CSV and print the anomalies it reports: ' +
        'timestamp (ISO), value, expected, lower, upper, deviation (sigma), confidence, severity, and the ' +
        'detectors that voted. See docs/anomaly-detection.md for what each detector scores.',
    )
    .requiredOption(
      '--input <file>',
      'CSV file: "timestamp,value" rows, optional header; timestamps ISO-8601, "YYYY-MM-DD HH:MM:SS" (UTC) or Unix s/ms, strictly increasing',
    )
    .option('--format <format>', `output format: ${FORMATS.join(' or ')}`, 'json')
    .option(
      '--detector <name>',
      `detector: ${DETECT_DETECTORS.join(', ')} (ensemble: the monitor's live detector — for --kind generic a robust Holt-Winters level with a tail-calibrated threshold and a CUSUM trend member, no page on a distribution change inside the band; for a DWCP kind EWMA / seasonal profile / relative entropy as tuned for that kind; ensemble-live: the band paging rule on every kind (DWCP kinds: their tuning under that rule, CUSUM on memory); statistical: z-score over the last 100 samples; full: CAD OSE + statistical members, NAB-tuned, ~100 µs/sample)`,
      DEFAULT_DETECTION_SETTINGS.detector,
    )
    .option(
      '--season <duration>',
      'period of the seasonal profile for the ensembles, at least 1m, e.g. 1d, 7d',
      '1d',
    )
    .option(
      '--kind <kind>',
      `metric kind, sets the bad direction and default threshold: ${kindHelp}`,
      'generic',
    )
    .option(
      '--threshold <sigma>',
      'point threshold in standard deviations (> 0) for --detector statistical (default: per --kind)',
    )
    .option(
      '--cooldown <duration>',
      'minimum sample time between two reported anomalies, e.g. 30s, 5m, 1h30m (0s reports every anomalous sample)',
      DEFAULT_COOLDOWN,
    )
    .option(
      '--min-confidence <c>',
      'minimum confidence in [0, 1] for an anomaly to be reported (default: 0.8)',
    )
    .option(
      '--max-rows <n>',
      'refuse inputs with more data rows than this (whole series is held in memory)',
      String(MAX_ROWS),
    )
    .option('--output <file>', 'write the result to this file instead of stdout')
    .configureOutput({ writeOut: (s) => sink.out(s), writeErr: (s) => sink.err(s) })
    .action(async (raw: RawOptions) => {
      try {
        await run(raw, sink);
      } catch (e) {
        sink.err(`error: ${e instanceof Error ? e.message : String(e)}\n`);
        process.exitCode = exitCodeFor(e);
      }
    });
  cmd.addHelpText(
    'after',
    `\nDefaults: --format json, --detector ${DEFAULT_DETECTION_SETTINGS.detector}, --season 1d, --kind generic, --cooldown ${formatDuration(5 * 60_000)}, --min-confidence 0.8.`,
  );
  return cmd;
}
