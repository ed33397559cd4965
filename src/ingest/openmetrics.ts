/**
 * OpenMetrics 1.0 text exposition, parsed directly by the strict line parser of the 0.0.4 text format
 * (exposition.ts) as a dialect — one pass over the samples, no rewritten copy of the body. What differs from
 * 0.0.4: `# EOF` must end the body, `# UNIT` lines are ignored, the family names of counters gain `_total`
 * (OpenMetrics names a counter family without it, its samples with it), `unknown` becomes `untyped`, `info` and
 * `gaugehistogram` become `untyped`, `stateset` becomes `gauge`, `_created` samples of counters, histograms and
 * summaries are left out (as Prometheus does without created-timestamp ingestion), sample timestamps are seconds
 * (made integer ms), and an exemplar (`# {labels} value [timestamp]`) may follow a sample. A malformed exemplar is
 * counted and dropped; the sample it rides on is kept. Errors name the body's own lines.
 *
 * Metadata may come in any order within a family (prom-client writes `# HELP` before `# TYPE`), so the `# TYPE`
 * lines are found first with a native substring search (`indexOf`, no split of the body into lines): a counter's
 * `# HELP` line must already name the `_total` family.
 * @see https://github.com/OpenObservability/OpenMetrics/blob/main/specification/OpenMetrics.md
 * @see https://prometheus.io/docs/instrumenting/content_negotiation/
 */
import { ExpositionParseError } from '../errors.ts';
import type { Labels } from '../model/sample.ts';
import {
  checkExpositionSize,
  parseExpositionLines,
  type ExpositionDialect,
  type ParseExpositionOptions,
  type ParseExpositionResult,
} from './exposition.ts';
import {
  COMMA,
  CR,
  EQ,
  HASH,
  isBlank,
  isLabelChar,
  isLabelStart,
  LBRACE,
  LF,
  parseValue,
  QUOTE,
  RBRACE,
  readLabelValue,
  secondsToMs,
  type LexCursor,
} from './exposition-lexical.ts';

/** One exemplar of a scraped sample. */
export interface ScrapedExemplar {
  /** Name of the sample it rides on (e.g. `…_bucket`). */
  readonly name: string;
  /** Labels of that sample, without `__name__` and before target labels are added. */
  readonly seriesLabels: Labels;
  /** The exemplar's own labels (e.g. `trace_id`, `span_id`). */
  readonly labels: Record<string, string>;
  readonly value: number;
  /** Unix ms, when the exemplar carries a timestamp. */
  readonly timestampMs: number | undefined;
}

/** Result of {@link parseOpenMetrics}: the samples and families as the text format's, plus the exemplars. */
export interface ParseOpenMetricsResult extends ParseExpositionResult {
  readonly exemplars: ScrapedExemplar[];
  /** Exemplars dropped because they were malformed (their samples are kept). */
  readonly invalidExemplars: number;
}

/** Longest exemplar label set: label names and values together, in code points (OpenMetrics). */
export const MAX_EXEMPLAR_LABEL_CHARS = 128;

/** OpenMetrics family types as the 0.0.4 text format's. */
const TYPE_MAP: ReadonlyMap<string, string> = new Map([
  ['counter', 'counter'],
  ['gauge', 'gauge'],
  ['histogram', 'histogram'],
  ['summary', 'summary'],
  ['unknown', 'untyped'],
  ['untyped', 'untyped'],
  ['info', 'untyped'],
  ['gaugehistogram', 'untyped'],
  ['stateset', 'gauge'],
]);

/** Family types whose `_created` samples are left out. */
const CREATED_OF: ReadonlySet<string> = new Set(['counter', 'histogram', 'summary']);

const EOF_LINE = '# EOF';
const TYPE_PREFIX = '# TYPE ';

/** Whether a `Content-Type` header names the OpenMetrics text format. */
export function isOpenMetricsContentType(contentType: string | null | undefined): boolean {
  return (contentType ?? '').trim().toLowerCase().startsWith('application/openmetrics-text');
}

/** Line ends (`\n`) in `text`. */
function newlines(text: string): number {
  let n = 0;
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) n++;
  return n;
}

/** Line ends (`\n`) in the pieces before piece `p`. */
function newlinesBefore(pieces: readonly string[], p: number): number {
  let n = 0;
  for (let q = 0; q < p; q++) n += newlines(pieces[q]!);
  return n;
}

/**
 * Where the body's samples end: the start of its `# EOF` line (the first line that is exactly `# EOF`, `\r`
 * allowed before its newline) in the body's last piece (pieces end at line ends, so the final line is in the last).
 * Lines are counted only for an error's line number.
 * @throws ExpositionParseError when there is no such line, or anything but one final newline after it.
 */
function eofStart(pieces: readonly string[]): number {
  for (let p = 0; p < pieces.length; p++) {
    const body = pieces[p]!;
    const len = body.length;
    for (let k = body.indexOf(EOF_LINE); k >= 0; k = body.indexOf(EOF_LINE, k + 1)) {
      if (k > 0 && body.charCodeAt(k - 1) !== LF) continue;
      let e = k + EOF_LINE.length;
      if (e < len && body.charCodeAt(e) === CR && (e + 1 === len || body.charCodeAt(e + 1) === LF)) e++;
      if (e < len && body.charCodeAt(e) !== LF) continue;
      if (e + 1 < len || p < pieces.length - 1)
        throw new ExpositionParseError(
          newlinesBefore(pieces, p) + newlines(body.slice(0, k)) + 2,
          'content after # EOF',
        );
      return k;
    }
  }
  const linesBefore = newlinesBefore(pieces, pieces.length);
  const lastPiece = pieces[pieces.length - 1] ?? '';
  throw new ExpositionParseError(
    linesBefore > 0 && lastPiece.endsWith('\n') ? linesBefore : linesBefore + 1,
    'OpenMetrics exposition does not end with # EOF',
  );
}

/**
 * The start of the `# EOF` line when it is the body's last line (`\r` allowed before its newline, a final newline
 * allowed), else undefined. Whether an earlier line is `# EOF` too is not looked at.
 */
function finalEof(pieces: readonly string[]): number | undefined {
  const body = pieces[pieces.length - 1];
  if (body === undefined) return undefined;
  let e = body.length;
  if (e > 0 && body.charCodeAt(e - 1) === LF) e--;
  if (e > 0 && body.charCodeAt(e - 1) === CR) e--;
  const k = e - EOF_LINE.length;
  if (k < 0 || (k > 0 && body.charCodeAt(k - 1) !== LF) || !body.startsWith(EOF_LINE, k)) return undefined;
  return k;
}

/** The end of the blank-free token at `i` (not past `end`). */
function tokenEnd(text: string, i: number, end: number): number {
  while (i < end && !isBlank(text.charCodeAt(i))) i++;
  return i;
}

function skipBlanks(text: string, i: number, end: number): number {
  while (i < end && isBlank(text.charCodeAt(i))) i++;
  return i;
}

/**
 * The first `# TYPE` of every family before `limit` in the last piece, by family name (a family's HELP may precede
 * its TYPE).
 */
function familyTypes(pieces: readonly string[], limit: number): Map<string, string> {
  const types = new Map<string, string>();
  for (let p = 0; p < pieces.length; p++) {
    const body = pieces[p]!;
    const stop = p === pieces.length - 1 ? limit : body.length;
    for (let k = body.indexOf(TYPE_PREFIX); k >= 0 && k < stop; k = body.indexOf(TYPE_PREFIX, k + 1)) {
      if (k > 0 && body.charCodeAt(k - 1) !== LF) continue;
      let end = body.indexOf('\n', k);
      if (end < 0 || end > stop) end = stop;
      if (end > k && body.charCodeAt(end - 1) === CR) end--;
      const ns = skipBlanks(body, k + TYPE_PREFIX.length, end);
      const ne = tokenEnd(body, ns, end);
      const ts = skipBlanks(body, ne, end);
      if (ne > ns && ts < end && !types.has(body.slice(ns, ne)))
        types.set(body.slice(ns, ne), body.slice(ts, tokenEnd(body, ts, end)));
    }
  }
  return types;
}

/** The char code at `i`, or NaN at or past `end`. */
function at(text: string, i: number, end: number): number {
  return i < end ? text.charCodeAt(i) : Number.NaN;
}

/** An exemplar's label set `{…}` at `i` (labels, their length in code points; `cur.pos` after `}`), or null when malformed. */
function exemplarLabels(
  text: string,
  i: number,
  end: number,
  cur: LexCursor,
): { labels: Record<string, string>; chars: number } | null {
  if (at(text, i, end) !== LBRACE) return null;
  const labels: Record<string, string> = {};
  let chars = 0;
  i++;
  for (;;) {
    i = skipBlanks(text, i, end);
    if (i >= end) return null;
    if (text.charCodeAt(i) === RBRACE) {
      cur.pos = i + 1;
      return { labels, chars };
    }
    if (!isLabelStart(text.charCodeAt(i))) return null;
    const ns = i;
    while (i < end && isLabelChar(text.charCodeAt(i))) i++;
    const name = text.slice(ns, i);
    if (Object.hasOwn(labels, name) || at(text, i, end) !== EQ || at(text, i + 1, end) !== QUOTE) return null;
    const value = readLabelValue(text, i + 2, end, cur);
    if (value === undefined) return null;
    i = cur.pos;
    labels[name] = value;
    chars += [...name].length + [...value].length;
    if (at(text, i, end) === COMMA) i++;
    else if (at(text, i, end) !== RBRACE) return null;
  }
}

/** Parses `# {labels} value [timestamp]` from `i` (at `#`) to `end`; null when malformed. */
function exemplarAt(
  text: string,
  i: number,
  end: number,
  name: string,
  seriesLabels: Labels,
  cur: LexCursor,
): ScrapedExemplar | null {
  if (at(text, i, end) !== HASH || !isBlank(at(text, i + 1, end))) return null;
  const set = exemplarLabels(text, skipBlanks(text, i + 1, end), end, cur);
  if (!set || set.chars > MAX_EXEMPLAR_LABEL_CHARS || !isBlank(at(text, cur.pos, end))) return null;
  let j = skipBlanks(text, cur.pos, end);
  const ve = tokenEnd(text, j, end);
  const value = parseValue(text.slice(j, ve));
  if (value === undefined || !Number.isFinite(value)) return null;
  j = skipBlanks(text, ve, end);
  let timestampMs: number | undefined;
  if (j < end) {
    const te = tokenEnd(text, j, end);
    timestampMs = secondsToMs(text.slice(j, te));
    if (timestampMs === undefined || skipBlanks(text, te, end) < end) return null;
  }
  return { name, seriesLabels, labels: set.labels, value, timestampMs };
}

/**
 * Parses an OpenMetrics text body (see the module comment; whole, or in pieces as `parseExposition` takes it) into the samples and families the text format gives
 * (`parseExposition`'s result, with the same rules and line numbers), plus its exemplars.
 * Cost: O(body length), one pass over the samples; memory as parseExposition's plus the exemplars.
 * @throws PayloadTooLargeError when `body` is larger than `opts.maxBytes` UTF-8 bytes (nothing is parsed).
 * @throws ExpositionParseError when the body does not end with `# EOF` or has content after it, or on the first
 *   malformed line.
 */
export function parseOpenMetrics(
  body: string | readonly string[],
  opts: ParseExpositionOptions,
): ParseOpenMetricsResult {
  checkExpositionSize(body, opts.maxBytes);
  const pieces = typeof body === 'string' ? [body] : body;
  // The `# EOF` line is almost always the last line: found there without a search of the whole body, and an earlier
  // `# EOF` line (which `eofStart` would have found first) is seen by the parse below, which then fails as
  // `eofStart` does. Any other failure of the parse first asks `eofStart`, whose error comes first.
  const tail = finalEof(pieces);
  const limit = tail ?? eofStart(pieces);
  const types = familyTypes(pieces, limit);
  const exemplars: ScrapedExemplar[] = [];
  let invalidExemplars = 0;
  const cur: LexCursor = { pos: 0 };
  const dialect: ExpositionDialect = {
    familyName: (name) =>
      types.get(name) === 'counter' && !name.endsWith('_total') ? `${name}_total` : name,
    typeName: (type) => TYPE_MAP.get(type) ?? type,
    skipsSample: (name) =>
      name.endsWith('_created') && CREATED_OF.has(types.get(name.slice(0, -'_created'.length)) ?? ''),
    trailer: (text, start, end, name, labels) => {
      const e = exemplarAt(text, start, end, name, labels, cur);
      if (e) exemplars.push(e);
      else invalidExemplars++;
    },
    comment: (text, start, end) => {
      if (end - start === EOF_LINE.length && text.startsWith(EOF_LINE, start)) eofStart(pieces); // throws
    },
  };
  let parsed: ParseExpositionResult;
  try {
    parsed = parseExpositionLines(pieces, opts, dialect, limit);
  } catch (e) {
    if (tail !== undefined) eofStart(pieces);
    throw e;
  }
  return { ...parsed, exemplars, invalidExemplars };
}
