/**
 * `dwcp-monitor detect`: offline anomaly detection over one `timestamp,value` CSV series, judged exactly as the
 * live monitor judges a series: the points go through the monitor's own detection engine with its default
 * detection settings (src/monitor/offline-detection.ts) — the live detector (default `ensemble`), confirmation,
 * confidence floor, cooldown, the band an open anomaly is held against, "new level accepted". Flags map onto
 * the engine's settings; prints the anomalies, with when and why each resolved, as JSON or CSV
 * (docs/anomaly-detection.md).
 */
import { writeFile } from 'node:fs/promises';
import { Command } from 'commander';
import { KIND_DEFAULTS } from '../../analysis/anomaly/statistical.ts';
import {
  detectOffline,
  OFFLINE_DETECTORS,
  offlineAnomaliesToCsv,
  type OfflineDetector,
} from '../../monitor/offline-detection.ts';
import {
  ACCEPT_NEW_LEVEL_MIN_SAMPLES,
  COOLDOWN_MIN_SAMPLES,
  RESOLVE_AFTER_SAMPLES,
} from '../../monitor/detection-config.ts';
import { DwcpError, InvalidInputError, type DwcpErrorCode } from '../../errors.ts';
import { readSeriesCsvFile } from '../../ingest/csv.ts';
import type { MetricKind } from '../../model/anomaly.ts';
import { DEFAULT_DETECTION_SETTINGS, type DetectionSettings } from '../../model/detection-settings.ts';
import { formatDuration, parseDuration } from '../../model/duration.ts';
import { checkOutputFile } from '../flags.ts';

/** Where the command writes; defaults to process.stdout / process.stderr. */
export interface DetectIo {
  out(text: string): void;
  err(text: string): void;
}

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
const D = DEFAULT_DETECTION_SETTINGS;
/** Default limit on input rows of the CLI (the whole series is held in memory). */
const MAX_ROWS = 5_000_000;

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
  outsideCatalog?: boolean;
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
  if (!(OFFLINE_DETECTORS as readonly string[]).includes(raw.detector)) {
    throw new InvalidInputError(
      `--detector must be one of ${OFFLINE_DETECTORS.join(', ')}, got "${raw.detector}"`,
    );
  }
  const detector = raw.detector as OfflineDetector;
  if (detector !== 'statistical' && raw.threshold !== undefined) {
    throw new InvalidInputError(
      '--threshold applies to --detector statistical only (ensembles use their tuned thresholds)',
    );
  }
  const seasonMs = parseDuration(raw.season);
  if (!(seasonMs >= 60_000)) throw new InvalidInputError(`--season must be at least 1m, got ${raw.season}`);
  let threshold: number | undefined;
  if (raw.threshold !== undefined) {
    threshold = parseNumberOption('--threshold', raw.threshold);
    if (!(threshold > 0)) throw new InvalidInputError(`--threshold must be > 0, got ${raw.threshold}`);
  }
  let minConfidence = D.minConfidence;
  if (raw.minConfidence !== undefined) {
    minConfidence = parseNumberOption('--min-confidence', raw.minConfidence);
    if (!(minConfidence >= 0 && minConfidence <= 1))
      throw new InvalidInputError(`--min-confidence must be in [0, 1], got ${raw.minConfidence}`);
  }
  const settings: DetectionSettings = {
    ...D,
    seasonalPeriod: seasonMs,
    minConfidence,
    cooldown: parseDuration(raw.cooldown),
  };
  const maxRows = parseNumberOption('--max-rows', raw.maxRows);
  if (!Number.isSafeInteger(maxRows) || maxRows < 1)
    throw new InvalidInputError(`--max-rows must be a positive integer, got ${raw.maxRows}`);

  if (raw.output !== undefined) checkOutputFile('--output', raw.output);
  const points = await readSeriesCsvFile(raw.input, { maxRows });
  if (points.length === 0)
    throw new InvalidInputError(`${raw.input} has no data rows (expected "timestamp,value" lines)`);
  const rows = detectOffline(points, {
    kind,
    detector,
    settings,
    outsideCatalog: raw.outsideCatalog === true,
    ...(threshold !== undefined ? { threshold } : {}),
  });
  const text = raw.format === 'json' ? JSON.stringify(rows, null, 2) + '\n' : offlineAnomaliesToCsv(rows);
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
 * `detect --input series.csv [--format json|csv] [--detector <name>] [--season <duration>] [--kind <kind>]
 * [--threshold <sigma>] [--cooldown <duration>] [--min-confidence <0..1>] [--outside-catalog] [--max-rows <n>]
 * [--output <file>]`.
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
  const cooldown = formatDuration(D.cooldown);
  const cmd = new Command('detect')
    .summary('offline anomaly detection over a timestamp,value CSV, judged as the monitor judges a series')
    .description(
      "Run a timestamp,value CSV through the monitor's own detection engine (default: its live detector; for " +
        '--kind generic a robust Holt-Winters level with a tail-calibrated threshold and a CUSUM trend member, no ' +
        "page on a distribution change inside the band; for a DWCP kind that kind's tuning) with the monitor's " +
        'detection rules, and print the anomalies it opens: timestamp (ISO, first anomalous sample), ' +
        'detectedAt (the sample that opened it), value (at detectedAt), expected, lower, upper (its band), ' +
        'deviation (sigma), confidence, ' +
        'severity, the detectors that voted, resolvedAt and resolution (why it ended; null while still open at ' +
        'the end of the series). See docs/anomaly-detection.md.',
    )
    .requiredOption(
      '--input <file>',
      'CSV file: "timestamp,value" rows, optional header; timestamps ISO-8601, "YYYY-MM-DD HH:MM:SS" (UTC) or Unix s/ms, strictly increasing',
    )
    .option('--format <format>', `output format: ${FORMATS.join(' or ')}`, 'json')
    .option(
      '--detector <name>',
      `detector: ${OFFLINE_DETECTORS.join(', ')} (ensemble: the monitor's live detector — for --kind generic a robust Holt-Winters level with a tail-calibrated threshold and a CUSUM trend member, no page on a distribution change inside the band; for a DWCP kind EWMA / seasonal profile / relative entropy as tuned for that kind; ensemble-live: the band paging rule on every kind (DWCP kinds: their tuning under that rule, CUSUM on memory); statistical: z-score over the last 100 samples; full: CAD OSE + statistical members, NAB-tuned, ~100 µs/sample, offline only)`,
      D.detector,
    )
    .option(
      '--season <duration>',
      'period of the seasonal profile (detection.seasonalPeriod), at least 1m, e.g. 1d, 7d',
      formatDuration(D.seasonalPeriod),
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
      `detection.cooldown: no new anomaly within this much sample time after the previous one opened, e.g. 30s, 5m, 1h30m — and, whatever this is, not within ${COOLDOWN_MIN_SAMPLES} of the series' own samples`,
      cooldown,
    )
    .option(
      '--min-confidence <c>',
      `detection.minConfidence: verdicts below this confidence in [0, 1] do not count as anomalous (default: ${D.minConfidence})`,
    )
    .option(
      '--outside-catalog',
      `judge the series as one outside the catalog (an application's or node_exporter's metric): a lasting fault is one anomaly, opened once its condition held ${formatDuration(D.inferredMinDuration)} of sample time, none in the first ${formatDuration(D.inferredWarmup)} (detection.inferredMinDuration, detection.inferredWarmup)`,
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
    `
Defaults: --format json, --detector ${D.detector}, --season ${formatDuration(D.seasonalPeriod)}, --kind generic, --cooldown ${cooldown}, --min-confidence ${D.minConfidence}.
Engine rules (the monitor's, not flags): an anomaly opens after ${D.confirmSamples} anomalous samples in a row
(detection.confirmSamples); it resolves when ${RESOLVE_AFTER_SAMPLES} samples in a row lie inside the band it opened
against, or, while the series stays outside, once the detector has judged it normal for ${formatDuration(D.acceptNewLevelAfter)} of sample time
and at least ${ACCEPT_NEW_LEVEL_MIN_SAMPLES} samples ("new level accepted"). At a 15 s interval or faster the sample
counts change nothing; on slower series (e.g. 5-minute samples) they set the cooldown (${COOLDOWN_MIN_SAMPLES} samples = 100 min) and the new level.
`,
  );
  return cmd;
}
