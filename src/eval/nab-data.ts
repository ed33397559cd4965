/**
 * Loads the Numenta Anomaly Benchmark corpus (data CSVs + combined windows) and NAB's stored reference outputs
 * from a NAB directory laid out as in `/work/shared/datasets/nab` (see its RESEARCH-NOTES.md §2–3). Read-only
 * file I/O; all parsing errors name the file and line.
 */
import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { gunzip } from 'node:zlib';

import type { CostMatrix, NabFile, NabProfileName, NabWindow } from '../analysis/anomaly/nab/rules.ts';
import { NAB_PROFILE_NAMES, validateFile, validateScores } from '../analysis/anomaly/nab/rules.ts';
import { ConfigError, CsvParseError, InvalidInputError, PayloadTooLargeError } from '../errors.ts';

const gunzipAsync = promisify(gunzip);

/** Default NAB directory, resolved against `process.cwd()` (the repo root). */
export const DEFAULT_NAB_DIR = '../shared/datasets/nab';
/** Largest single file (CSV, JSON, or decompressed .gz) read; NAB's largest data file is ~1 MB. */
export const MAX_NAB_FILE_BYTES = 64 * 1024 * 1024;
/** Largest number of data files accepted from the windows file (NAB has 58). */
export const MAX_NAB_FILES = 1000;

/** One NAB data file with its values, timestamps and windows as row indices. */
export interface NabDataFile extends NabFile {
  /** `category/file.csv`, e.g. `realKnownCause/nyc_taxi.csv` (the key in combined_windows.json). */
  readonly name: string;
  readonly category: string;
  /** Timestamps as written in the file (`YYYY-MM-DD HH:MM:SS`). */
  readonly timestamps: readonly string[];
  /** Unix ms of each timestamp, read as UTC. */
  readonly timestampsMs: Float64Array;
  readonly values: Float64Array;
}

/** The whole corpus, files sorted by name. */
export interface NabCorpus {
  readonly dir: string;
  readonly files: readonly NabDataFile[];
  readonly windowCount: number;
  readonly rowCount: number;
}

/** Published normalised scores: detector → profile → score (final_results.json). */
export type PublishedResults = Readonly<Record<string, Readonly<Record<NabProfileName, number>>>>;

/**
 * The NAB directory to use: `dir` if given, else env `DWCP_NAB_DIR`, else {@link DEFAULT_NAB_DIR}; relative
 * paths are resolved against `process.cwd()`. Does not check existence (see {@link loadNabCorpus}).
 */
export function resolveNabDir(dir?: string): string {
  const chosen = dir ?? process.env['DWCP_NAB_DIR'] ?? DEFAULT_NAB_DIR;
  return path.resolve(process.cwd(), chosen);
}

async function readBounded(file: string, what: string): Promise<Buffer> {
  let size: number;
  try {
    size = (await stat(file)).size;
  } catch (err) {
    throw new ConfigError(
      `NAB ${what} not found at ${file}; set DWCP_NAB_DIR or pass the NAB directory (expected layout: data/, labels/combined_windows.json, reference-results/)`,
      { cause: err },
    );
  }
  if (size > MAX_NAB_FILE_BYTES) throw new PayloadTooLargeError(MAX_NAB_FILE_BYTES, `NAB ${what} ${file}`);
  return readFile(file);
}

async function readJson(file: string, what: string): Promise<unknown> {
  const text = (await readBounded(file, what)).toString('utf8');
  try {
    return JSON.parse(text) as unknown;
  } catch (err) {
    throw new ConfigError(`NAB ${what} ${file} is not valid JSON`, { cause: err });
  }
}

async function ensureDir(dir: string): Promise<void> {
  try {
    const s = await stat(dir);
    if (!s.isDirectory()) throw new ConfigError(`NAB directory ${dir} is not a directory`);
  } catch (err) {
    if (err instanceof ConfigError) throw err;
    throw new ConfigError(
      `NAB directory ${dir} does not exist; set DWCP_NAB_DIR or pass the NAB directory (default ${DEFAULT_NAB_DIR} relative to the repo root)`,
      { cause: err },
    );
  }
}

const TIMESTAMP = /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}/;
const NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

/**
 * Parses one NAB data CSV (`timestamp,value` header; one `YYYY-MM-DD HH:MM:SS,<number>` row per line; a
 * trailing newline and CRLF are accepted). Throws CsvParseError (1-based line, header = line 1) naming `name`
 * for a wrong header, a wrong field count, a bad timestamp or a non-numeric/non-finite value, and for a file
 * with no rows.
 */
export function parseNabCsv(
  text: string,
  name: string,
): { timestamps: string[]; timestampsMs: Float64Array; values: Float64Array } {
  const lines = text.split('\n');
  if (lines.length > 0 && lines[lines.length - 1] === '') lines.pop();
  const header = (lines[0] ?? '').replace(/\r$/, '');
  if (header !== 'timestamp,value')
    throw new CsvParseError(1, `${name}: expected header "timestamp,value", got "${header}"`);
  const n = lines.length - 1;
  if (n <= 0) throw new CsvParseError(1, `${name}: no data rows`);
  const timestamps: string[] = new Array<string>(n);
  const timestampsMs = new Float64Array(n);
  const values = new Float64Array(n);
  for (let r = 0; r < n; r++) {
    const line = lines[r + 1]!.replace(/\r$/, '');
    const fields = line.split(',');
    if (fields.length !== 2)
      throw new CsvParseError(r + 2, `${name}: expected 2 fields, got ${fields.length}`);
    const ts = fields[0]!.trim();
    const raw = fields[1]!.trim();
    if (!TIMESTAMP.test(ts)) throw new CsvParseError(r + 2, `${name}: bad timestamp "${ts}"`);
    const ms = Date.parse(ts.slice(0, 10) + 'T' + ts.slice(11, 19) + 'Z');
    if (!Number.isFinite(ms)) throw new CsvParseError(r + 2, `${name}: bad timestamp "${ts}"`);
    const v = Number(raw);
    if (!NUMBER.test(raw) || !Number.isFinite(v))
      throw new CsvParseError(r + 2, `${name}: value "${raw}" is not a finite number`);
    timestamps[r] = ts;
    timestampsMs[r] = ms;
    values[r] = v;
  }
  return { timestamps, timestampsMs, values };
}

/**
 * Maps label windows given as timestamp pairs to inclusive row indices by comparing the first 19 characters
 * (`YYYY-MM-DD HH:MM:SS`) with the data timestamps. Throws InvalidInputError when a window edge matches no row
 * or a window is malformed.
 */
export function mapWindowsToRows(name: string, timestamps: readonly string[], windows: unknown): NabWindow[] {
  if (!Array.isArray(windows)) throw new InvalidInputError(`${name}: windows must be an array`);
  const index = new Map<string, number>();
  for (let i = 0; i < timestamps.length; i++) {
    const key = timestamps[i]!.slice(0, 19);
    if (!index.has(key)) index.set(key, i);
  }
  return windows.map((w: unknown, k) => {
    if (!Array.isArray(w) || w.length !== 2 || typeof w[0] !== 'string' || typeof w[1] !== 'string') {
      throw new InvalidInputError(`${name}: window ${k} must be a pair of timestamp strings`);
    }
    const a = index.get(w[0].slice(0, 19));
    const b = index.get(w[1].slice(0, 19));
    if (a === undefined) throw new InvalidInputError(`${name}: window ${k} start ${w[0]} matches no row`);
    if (b === undefined) throw new InvalidInputError(`${name}: window ${k} end ${w[1]} matches no row`);
    return [a, b] as const;
  });
}

/**
 * Loads the corpus: every file listed in `labels/combined_windows.json` (58 in NAB v1.1) from
 * `data/<category>/<file>.csv`, with windows as row indices; files are sorted by name. `dir` as in
 * {@link resolveNabDir}. Throws ConfigError when the directory or a listed file is missing or the windows file
 * is malformed, CsvParseError for malformed CSV, InvalidInputError for unmatched/invalid windows,
 * PayloadTooLargeError for files over {@link MAX_NAB_FILE_BYTES}, LimitExceeded-style ConfigError for more than
 * {@link MAX_NAB_FILES} files.
 */
export async function loadNabCorpus(dir?: string): Promise<NabCorpus> {
  const root = resolveNabDir(dir);
  await ensureDir(root);
  const labels = await readJson(path.join(root, 'labels', 'combined_windows.json'), 'windows file');
  if (labels === null || typeof labels !== 'object' || Array.isArray(labels)) {
    throw new ConfigError(`NAB windows file in ${root} must be a JSON object of file → windows`);
  }
  const names = Object.keys(labels).sort();
  if (names.length === 0) throw new ConfigError(`NAB windows file in ${root} lists no files`);
  if (names.length > MAX_NAB_FILES)
    throw new ConfigError(`NAB windows file lists ${names.length} files; at most ${MAX_NAB_FILES}`);
  const files: NabDataFile[] = [];
  let windowCount = 0;
  let rowCount = 0;
  for (const name of names) {
    if (name.includes('..') || path.isAbsolute(name) || !/^[^/]+\/[^/]+\.csv$/.test(name)) {
      throw new ConfigError(`NAB windows file has an invalid data path "${name}"`);
    }
    const buf = await readBounded(path.join(root, 'data', name), `data file ${name}`);
    const { timestamps, timestampsMs, values } = parseNabCsv(buf.toString('utf8'), name);
    const windows = mapWindowsToRows(name, timestamps, (labels as Record<string, unknown>)[name]);
    const file: NabDataFile = {
      name,
      category: name.slice(0, name.indexOf('/')),
      rows: values.length,
      windows,
      timestamps,
      timestampsMs,
      values,
    };
    validateFile(file);
    files.push(file);
    windowCount += windows.length;
    rowCount += values.length;
  }
  return { dir: root, files, windowCount, rowCount };
}

/**
 * Loads NAB's stored per-row anomaly scores of one reference detector from
 * `reference-results/results/<detector>/<detector>_anomaly_scores.csv.gz` (gzip CSV `file,anomaly_score`; the
 * rows of each file in data-file order). Returns one Float64Array per corpus file, in `corpus.files` order.
 * Throws InvalidInputError for a detector name that is not `[A-Za-z0-9_-]+`, ConfigError when the file is
 * missing or not gzip, CsvParseError for malformed rows or unknown files, and InvalidInputError when a file's
 * row count differs from the corpus or a score lies outside [0, 1].
 */
export async function loadReferenceScores(corpus: NabCorpus, detector: string): Promise<Float64Array[]> {
  if (!/^[A-Za-z0-9_-]+$/.test(detector))
    throw new InvalidInputError(`invalid NAB detector name "${detector}"`);
  const file = path.join(
    corpus.dir,
    'reference-results',
    'results',
    detector,
    `${detector}_anomaly_scores.csv.gz`,
  );
  const gz = await readBounded(file, `reference scores of ${detector}`);
  let text: string;
  try {
    const raw = await gunzipAsync(gz, { maxOutputLength: MAX_NAB_FILE_BYTES });
    text = raw.toString('utf8');
  } catch (err) {
    throw new ConfigError(`${file}: cannot gunzip (${err instanceof Error ? err.message : String(err)})`, {
      cause: err,
    });
  }
  const byName = new Map<string, number>();
  corpus.files.forEach((f, j) => byName.set(f.name, j));
  const out = corpus.files.map((f) => new Float64Array(f.rows));
  const filled = new Array<number>(corpus.files.length).fill(0);
  const lines = text.split('\n');
  if (lines.length > 0 && lines[lines.length - 1] === '') lines.pop();
  if ((lines[0] ?? '').replace(/\r$/, '') !== 'file,anomaly_score') {
    throw new CsvParseError(1, `${file}: expected header "file,anomaly_score"`);
  }
  for (let l = 1; l < lines.length; l++) {
    const line = lines[l]!.replace(/\r$/, '');
    const comma = line.lastIndexOf(',');
    if (comma <= 0) throw new CsvParseError(l + 1, `${detector} scores: expected "file,anomaly_score"`);
    const name = line.slice(0, comma);
    const raw = line.slice(comma + 1).trim();
    const j = byName.get(name);
    if (j === undefined) throw new CsvParseError(l + 1, `${detector} scores: unknown data file "${name}"`);
    const v = Number(raw);
    if (!NUMBER.test(raw) || !Number.isFinite(v)) {
      throw new CsvParseError(l + 1, `${detector} scores: anomaly score "${raw}" is not a finite number`);
    }
    const k = filled[j]!;
    if (k >= corpus.files[j]!.rows) {
      throw new InvalidInputError(
        `${detector} scores: more rows for ${name} than its ${corpus.files[j]!.rows} data rows`,
      );
    }
    out[j]![k] = v;
    filled[j] = k + 1;
  }
  corpus.files.forEach((f, j) => {
    if (filled[j] !== f.rows)
      throw new InvalidInputError(`${detector} scores: ${f.name} has ${filled[j]} scores for ${f.rows} rows`);
    validateScores(f, out[j]!);
  });
  return out;
}

/**
 * Loads `reference-results/results/final_results.json` (detector → profile → normalised score). Throws
 * ConfigError when missing or when an entry lacks one of the three profiles as a finite number.
 */
export async function loadPublishedResults(dir?: string): Promise<PublishedResults> {
  const root = resolveNabDir(dir);
  const file = path.join(root, 'reference-results', 'results', 'final_results.json');
  const json = await readJson(file, 'final results');
  if (json === null || typeof json !== 'object' || Array.isArray(json))
    throw new ConfigError(`${file}: expected an object`);
  const out: Record<string, Record<NabProfileName, number>> = {};
  for (const [det, v] of Object.entries(json)) {
    if (v === null || typeof v !== 'object') throw new ConfigError(`${file}: ${det} must be an object`);
    const rec = v as Record<string, unknown>;
    const entry = {} as Record<NabProfileName, number>;
    for (const p of NAB_PROFILE_NAMES) {
      const s = rec[p];
      if (typeof s !== 'number' || !Number.isFinite(s))
        throw new ConfigError(`${file}: ${det}.${p} must be a finite number`);
      entry[p] = s;
    }
    out[det] = entry;
  }
  return out;
}

/**
 * Loads `reference-results/config/profiles.json` (profile → {CostMatrix}). Throws ConfigError when missing or
 * when a profile or weight is missing/not a finite number ≥ 0.
 */
export async function loadNabProfiles(dir?: string): Promise<Readonly<Record<NabProfileName, CostMatrix>>> {
  const root = resolveNabDir(dir);
  const file = path.join(root, 'reference-results', 'config', 'profiles.json');
  const json = await readJson(file, 'profiles');
  if (json === null || typeof json !== 'object') throw new ConfigError(`${file}: expected an object`);
  const out = {} as Record<NabProfileName, CostMatrix>;
  for (const p of NAB_PROFILE_NAMES) {
    const cm = ((json as Record<string, unknown>)[p] as Record<string, unknown> | undefined)?.['CostMatrix'];
    if (cm === null || typeof cm !== 'object')
      throw new ConfigError(`${file}: profile ${p} lacks a CostMatrix`);
    const m = cm as Record<string, unknown>;
    const w = (k: string): number => {
      const v = m[k];
      if (typeof v !== 'number' || !Number.isFinite(v) || v < 0)
        throw new ConfigError(`${file}: ${p}.${k} must be a number >= 0`);
      return v;
    };
    out[p] = {
      tpWeight: w('tpWeight'),
      fnWeight: w('fnWeight'),
      fpWeight: w('fpWeight'),
      tnWeight: w('tnWeight'),
    };
  }
  return out;
}
