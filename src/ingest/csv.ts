/**
 * Reads a single time series from `timestamp,value` CSV (offline detection input, e.g. NAB data files).
 *
 * Format: one `timestamp,value` row per line; an optional header line first (recognised when its first field
 * is not a timestamp and its second is not a number); blank lines are skipped (but counted for line numbers);
 * CRLF and a UTF-8 BOM are accepted; a field may be wrapped in double quotes (no embedded commas or quotes).
 * Timestamps (UTC unless a zone is given):
 * - ISO-8601 `YYYY-MM-DDTHH:MM[:SS[.fff]][Z|+hh:mm|-hhmm]` or a date alone `YYYY-MM-DD` (midnight);
 * - `YYYY-MM-DD HH:MM:SS[.fff]` (the NAB corpus style), UTC;
 * - a Unix number: seconds when |n| < 1e11, milliseconds otherwise (1e11 s is the year 5138; 1e11 ms is
 *   1973), fractions allowed, rounded to whole ms.
 * Values: decimal numbers (`12`, `-3.5`, `1e-3`); `NaN`, `Inf`, `+Inf`, `-Inf`, `Infinity` only with
 * `allowNonFinite`. Timestamps must be strictly increasing.
 */
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { createInterface } from 'node:readline';
import {
  CsvParseError,
  DwcpError,
  InvalidInputError,
  LimitExceededError,
  PayloadTooLargeError,
} from '../errors.ts';

/** One point of a series: Unix milliseconds and value. */
export interface SeriesPoint {
  readonly timestampMs: number;
  readonly value: number;
}

/** Limits and leniency of the CSV reader. */
export interface CsvOptions {
  /** Input size limit in bytes (UTF-8); larger input is refused with PayloadTooLargeError. Default 64 MiB. */
  readonly maxBytes: number;
  /** Maximum data rows; one more is refused with LimitExceededError. Default 1,000,000. */
  readonly maxRows: number;
  /** Accept NaN/Inf values (passed through as non-finite numbers). Default false. */
  readonly allowNonFinite: boolean;
}

/** Defaults of {@link CsvOptions}. */
export const DEFAULT_CSV_OPTIONS: CsvOptions = Object.freeze({
  maxBytes: 64 * 1024 * 1024,
  maxRows: 1_000_000,
  allowNonFinite: false,
});

const NUMBER_RE = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;
const NON_FINITE_RE = /^([+-]?)(?:nan|inf|infinity)$/i;
const UNIX_RE = /^[+-]?\d+(?:\.\d+)?$/;
const DATE_RE =
  /^(\d{4})-(\d{2})-(\d{2})(?:[Tt ](\d{2}):(\d{2})(?::(\d{2})(\.\d{1,9})?)?)?(?:([Zz])|([+-])(\d{2}):?(\d{2}))?$/;
const DAYS = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

function daysIn(year: number, month: number): number {
  if (month === 2 && ((year % 4 === 0 && year % 100 !== 0) || year % 400 === 0)) return 29;
  return DAYS[month - 1]!;
}

/**
 * Parses one timestamp in the forms listed in the module comment into Unix milliseconds (integer).
 * Returns null when the text is not a valid timestamp (including impossible dates such as Feb 30).
 */
export function parseTimestamp(text: string): number | null {
  const s = text.trim();
  if (UNIX_RE.test(s)) {
    const n = Number(s);
    if (!Number.isFinite(n)) return null;
    const ms = Math.abs(n) < 1e11 ? n * 1000 : n;
    return Number.isSafeInteger(Math.round(ms)) ? Math.round(ms) : null;
  }
  const m = DATE_RE.exec(s);
  if (!m) return null;
  const year = Number(m[1]);
  const month = Number(m[2]);
  const day = Number(m[3]);
  const hour = m[4] === undefined ? 0 : Number(m[4]);
  const minute = m[5] === undefined ? 0 : Number(m[5]);
  const second = m[6] === undefined ? 0 : Number(m[6]);
  const frac = m[7] === undefined ? 0 : Math.round(Number(m[7]) * 1000);
  if (month < 1 || month > 12 || day < 1 || day > daysIn(year, month)) return null;
  if (hour > 23 || minute > 59 || second > 59) return null;
  let offsetMin = 0;
  if (m[9] !== undefined) {
    const oh = Number(m[10]);
    const om = Number(m[11]);
    if (oh > 23 || om > 59) return null;
    offsetMin = (m[9] === '-' ? -1 : 1) * (oh * 60 + om);
  }
  return Date.UTC(year, month - 1, day, hour, minute, second, frac) - offsetMin * 60_000;
}

/** Longest field text quoted in an error message; longer fields are cut and their length given. */
const MAX_SHOWN = 64;

/** A field as error messages show it: quoted, at most {@link MAX_SHOWN} characters, with the full length when cut. */
function shown(text: string): string {
  return text.length > MAX_SHOWN ? `"${text.slice(0, MAX_SHOWN)}…" (${text.length} characters)` : `"${text}"`;
}

function unquote(f: string): string {
  const t = f.trim();
  return t.length >= 2 && t.startsWith('"') && t.endsWith('"') ? t.slice(1, -1).trim() : t;
}

/** Parses a value field; returns undefined when it is not a number at all. */
function parseValue(s: string): number | undefined {
  if (NUMBER_RE.test(s)) return Number(s);
  const nf = NON_FINITE_RE.exec(s);
  if (nf) {
    if (/nan/i.test(s)) return Number.NaN;
    return nf[1] === '-' ? Number.NEGATIVE_INFINITY : Number.POSITIVE_INFINITY;
  }
  return undefined;
}

function resolveOptions(options: Partial<CsvOptions> | undefined): CsvOptions {
  const o: CsvOptions = { ...DEFAULT_CSV_OPTIONS, ...options };
  if (!Number.isSafeInteger(o.maxBytes) || o.maxBytes < 1)
    throw new InvalidInputError(`maxBytes must be a positive integer, got ${o.maxBytes}`);
  if (!Number.isSafeInteger(o.maxRows) || o.maxRows < 1)
    throw new InvalidInputError(`maxRows must be a positive integer, got ${o.maxRows}`);
  if (typeof o.allowNonFinite !== 'boolean') throw new InvalidInputError('allowNonFinite must be a boolean');
  return o;
}

/** Line-at-a-time parser shared by the string and the streaming file reader. */
class SeriesCsvParser {
  readonly points: SeriesPoint[] = [];
  private sawFirst = false;
  private prevTs = Number.NEGATIVE_INFINITY;
  private prevLine = 0;

  constructor(private readonly o: CsvOptions) {}

  line(raw: string, lineNo: number): void {
    const text = lineNo === 1 && raw.charCodeAt(0) === 0xfeff ? raw.slice(1) : raw;
    if (text.trim() === '') return;
    const fields = text.split(',');
    const first = !this.sawFirst;
    this.sawFirst = true;
    if (fields.length !== 2) {
      throw new CsvParseError(lineNo, `expected 2 columns (timestamp,value), got ${fields.length}`);
    }
    const tsText = unquote(fields[0]!);
    const valText = unquote(fields[1]!);
    const ts = parseTimestamp(tsText);
    const value = parseValue(valText);
    if (first && ts === null && value === undefined) return; // header
    if (ts === null) {
      throw new CsvParseError(
        lineNo,
        `unparsable timestamp ${shown(tsText)} (expected ISO-8601, "YYYY-MM-DD HH:MM:SS" UTC, or Unix seconds/milliseconds)`,
      );
    }
    if (value === undefined) throw new CsvParseError(lineNo, `value ${shown(valText)} is not a number`);
    if (!Number.isFinite(value) && !this.o.allowNonFinite) {
      throw new CsvParseError(
        lineNo,
        `value ${shown(valText)} is not finite (NaN/Inf are rejected unless allowNonFinite)`,
      );
    }
    if (ts <= this.prevTs) {
      throw new CsvParseError(
        lineNo,
        `timestamp ${new Date(ts).toISOString()} is not after the previous row's ${new Date(this.prevTs).toISOString()} (line ${this.prevLine}); timestamps must be strictly increasing`,
      );
    }
    if (this.points.length >= this.o.maxRows) {
      throw new LimitExceededError(`line ${lineNo}: more than ${this.o.maxRows} data rows`);
    }
    this.prevTs = ts;
    this.prevLine = lineNo;
    this.points.push({ timestampMs: ts, value });
  }
}

/**
 * Parses `timestamp,value` CSV text (format in the module comment) into points in file order.
 * @param text the whole CSV document.
 * @param options limits; see {@link CsvOptions}.
 * @throws PayloadTooLargeError when `text` is larger than `maxBytes` (UTF-8), before parsing anything.
 * @throws CsvParseError naming the 1-based line: wrong column count, unparsable timestamp, non-numeric value,
 *   NaN/Inf without `allowNonFinite`, timestamp not strictly increasing.
 * @throws LimitExceededError when there are more than `maxRows` data rows.
 * @throws InvalidInputError for invalid options.
 */
export function parseSeriesCsv(text: string, options?: Partial<CsvOptions>): SeriesPoint[] {
  const o = resolveOptions(options);
  if (text.length > o.maxBytes || Buffer.byteLength(text, 'utf8') > o.maxBytes) {
    throw new PayloadTooLargeError(o.maxBytes, 'CSV input');
  }
  const p = new SeriesCsvParser(o);
  const lines = text.split(/\r\n|\n|\r/);
  for (let i = 0; i < lines.length; i++) p.line(lines[i]!, i + 1);
  return p.points;
}

/**
 * Streams a `timestamp,value` CSV file line by line (node:readline) into points. Memory is bounded by
 * `maxRows` points plus one line; the file size is checked against `maxBytes` before reading and the bytes
 * read are counted while reading (in case the file grows).
 * @throws InvalidInputError when the file cannot be opened or read (missing, a directory, no permission).
 * @throws PayloadTooLargeError, CsvParseError, LimitExceededError as {@link parseSeriesCsv}.
 */
export async function readSeriesCsvFile(path: string, options?: Partial<CsvOptions>): Promise<SeriesPoint[]> {
  const o = resolveOptions(options);
  let size: number;
  try {
    const st = await stat(path);
    if (!st.isFile()) throw new InvalidInputError(`cannot read ${path}: not a regular file`);
    size = st.size;
  } catch (e) {
    if (e instanceof InvalidInputError) throw e;
    throw new InvalidInputError(`cannot read ${path}: ${(e as Error).message}`, { cause: e });
  }
  if (size > o.maxBytes) throw new PayloadTooLargeError(o.maxBytes, `CSV file ${path}`);
  const stream = createReadStream(path, { encoding: 'utf8' });
  const rl = createInterface({ input: stream, crlfDelay: Number.POSITIVE_INFINITY });
  const p = new SeriesCsvParser(o);
  let lineNo = 0;
  let bytes = 0;
  try {
    for await (const line of rl) {
      lineNo++;
      bytes += Buffer.byteLength(line, 'utf8') + 1;
      if (bytes > o.maxBytes + 1) throw new PayloadTooLargeError(o.maxBytes, `CSV file ${path}`);
      p.line(line, lineNo);
    }
  } catch (e) {
    if (e instanceof DwcpError) throw e;
    throw new InvalidInputError(`cannot read ${path}: ${(e as Error).message}`, { cause: e });
  } finally {
    rl.close();
    stream.destroy();
  }
  return p.points;
}
