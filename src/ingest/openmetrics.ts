/**
 * OpenMetrics 1.0 text exposition: rewritten line for line into the 0.0.4 text format that the strict parser
 * (exposition.ts) checks, with the exemplars taken out. What changes: `# EOF` must end the body and is removed,
 * `# UNIT` lines are removed, the family names of counters gain `_total` (OpenMetrics names a counter family
 * without it, its samples with it), `unknown` becomes `untyped`, `info` and `gaugehistogram` become `untyped`,
 * `stateset` becomes `gauge`, `_created` samples of counters, histograms and summaries are dropped (as Prometheus
 * does without created-timestamp ingestion), sample timestamps in seconds become integer milliseconds, and an
 * exemplar (`# {labels} value [timestamp]`) after a sample is parsed and removed. A malformed exemplar is counted
 * and dropped; the sample it rides on is kept. Line numbers are kept (removed lines become blank), so the
 * parser's errors name the body's own lines.
 * @see https://github.com/OpenObservability/OpenMetrics/blob/main/specification/OpenMetrics.md
 * @see https://prometheus.io/docs/instrumenting/content_negotiation/
 */
import { ExpositionParseError } from '../errors.ts';
import { BSLASH, COMMA, EQ, HASH, isBlank, isLabelChar, isLabelStart, isNameChar, isNameStart, LBRACE, parseValue, QUOTE, RBRACE } from './exposition-lexical.ts';

/** One exemplar of a scraped sample. */
export interface ScrapedExemplar {
  /** Name of the sample it rides on (e.g. `…_bucket`). */
  readonly name: string;
  /** Labels of that sample, without `__name__` and before target labels are added. */
  readonly seriesLabels: Record<string, string>;
  /** The exemplar's own labels (e.g. `trace_id`, `span_id`). */
  readonly labels: Record<string, string>;
  readonly value: number;
  /** Unix ms, when the exemplar carries a timestamp. */
  readonly timestampMs: number | undefined;
}

/** Result of {@link fromOpenMetrics}. */
export interface OpenMetricsBody {
  /** The body in the 0.0.4 text format, one line per input line. */
  readonly text: string;
  readonly exemplars: ScrapedExemplar[];
  /** Exemplars dropped because they were malformed (their samples are kept). */
  readonly invalidExemplars: number;
}

/** Longest exemplar label set: label names and values together, in code points (OpenMetrics). */
export const MAX_EXEMPLAR_LABEL_CHARS = 128;

const TYPE_MAP: Readonly<Record<string, string>> = {
  counter: 'counter',
  gauge: 'gauge',
  histogram: 'histogram',
  summary: 'summary',
  unknown: 'untyped',
  untyped: 'untyped',
  info: 'untyped',
  gaugehistogram: 'untyped',
  stateset: 'gauge',
};

/** Whether a `Content-Type` header names the OpenMetrics text format. */
export function isOpenMetricsContentType(contentType: string | null | undefined): boolean {
  return (contentType ?? '').trim().toLowerCase().startsWith('application/openmetrics-text');
}

/** A label set `{…}` starting at `i` (which must be `{`): its labels and the index after `}`, or null when malformed. */
function labelSet(line: string, i: number): { labels: Record<string, string>; end: number; chars: number } | null {
  if (line.charCodeAt(i) !== LBRACE) return null;
  const labels: Record<string, string> = {};
  let chars = 0;
  i++;
  for (;;) {
    while (i < line.length && isBlank(line.charCodeAt(i))) i++;
    if (i >= line.length) return null;
    if (line.charCodeAt(i) === RBRACE) return { labels, end: i + 1, chars };
    if (!isLabelStart(line.charCodeAt(i))) return null;
    const ns = i;
    while (i < line.length && isLabelChar(line.charCodeAt(i))) i++;
    const name = line.slice(ns, i);
    if (Object.hasOwn(labels, name) || line.charCodeAt(i) !== EQ || line.charCodeAt(i + 1) !== QUOTE) return null;
    i += 2;
    let value = '';
    for (;;) {
      if (i >= line.length) return null;
      const c = line.charCodeAt(i);
      if (c === QUOTE) break;
      if (c === BSLASH) {
        const e = line[i + 1];
        if (e === 'n') value += '\n';
        else if (e === '\\' || e === '"') value += e;
        else return null;
        i += 2;
      } else {
        value += line[i];
        i++;
      }
    }
    i++;
    labels[name] = value;
    chars += [...name].length + [...value].length;
    if (line.charCodeAt(i) === COMMA) i++;
    else if (line.charCodeAt(i) !== RBRACE) return null;
  }
}

/** End of the blank-free token starting at `i`. */
function tokenEnd(line: string, i: number): number {
  while (i < line.length && !isBlank(line.charCodeAt(i))) i++;
  return i;
}

function skipBlanks(line: string, i: number): number {
  while (i < line.length && isBlank(line.charCodeAt(i))) i++;
  return i;
}

/** Parses `# {labels} value [timestamp]` from `i` (at `#`) to the line end; null when malformed. */
function exemplarAt(line: string, i: number, name: string, seriesLabels: Record<string, string>): ScrapedExemplar | null {
  if (line.charCodeAt(i) !== HASH || !isBlank(line.charCodeAt(i + 1))) return null;
  const set = labelSet(line, skipBlanks(line, i + 1));
  if (!set || set.chars > MAX_EXEMPLAR_LABEL_CHARS || !isBlank(line.charCodeAt(set.end))) return null;
  let j = skipBlanks(line, set.end);
  const ve = tokenEnd(line, j);
  const value = parseValue(line.slice(j, ve));
  if (value === undefined || !Number.isFinite(value)) return null;
  j = skipBlanks(line, ve);
  let timestampMs: number | undefined;
  if (j < line.length) {
    const te = tokenEnd(line, j);
    const ts = parseValue(line.slice(j, te));
    if (ts === undefined || !Number.isFinite(ts) || skipBlanks(line, te) < line.length) return null;
    timestampMs = Math.round(ts * 1000);
  }
  return { name, seriesLabels, labels: set.labels, value, timestampMs };
}

/** The `# TYPE` of every family, by family name (for HELP lines that precede their TYPE). */
function familyTypes(lines: readonly string[]): Map<string, string> {
  const types = new Map<string, string>();
  for (const line of lines) {
    if (!line.startsWith('# TYPE ')) continue;
    const [, , name, type] = line.split(/[ \t]+/);
    if (name !== undefined && type !== undefined && !types.has(name)) types.set(name, type);
  }
  return types;
}

/** A `#` line rewritten for the text format ('' to drop it). */
function commentLine(line: string, types: ReadonlyMap<string, string>): string {
  const m = /^#[ \t]+(TYPE|HELP|UNIT)[ \t]+(\S+)(.*)$/.exec(line);
  if (!m) return line;
  const [, keyword, name = '', rest = ''] = m;
  if (keyword === 'UNIT') return '';
  const counter = types.get(name) === 'counter' && !name.endsWith('_total');
  const family = counter ? `${name}_total` : name;
  if (keyword === 'HELP') return `# HELP ${family}${rest}`;
  const type = rest.trim();
  return `# TYPE ${family} ${TYPE_MAP[type] ?? type}`;
}

/** Whether `name` is the `_created` sample of a counter, histogram or summary family. */
function isCreated(name: string, types: ReadonlyMap<string, string>): boolean {
  if (!name.endsWith('_created')) return false;
  const t = types.get(name.slice(0, -'_created'.length));
  return t === 'counter' || t === 'histogram' || t === 'summary';
}

/**
 * Rewrites one OpenMetrics sample line: timestamp in seconds to integer ms, exemplar removed (and returned). A
 * line whose shape is not understood is returned unchanged, so the strict parser reports it.
 */
function sampleLine(line: string, out: { exemplar: ScrapedExemplar | null; invalid: boolean }): string {
  let i = 0;
  if (!isNameStart(line.charCodeAt(0))) return line;
  while (i < line.length && isNameChar(line.charCodeAt(i))) i++;
  const name = line.slice(0, i);
  let seriesLabels: Record<string, string> = {};
  if (line.charCodeAt(i) === LBRACE) {
    const set = labelSet(line, i);
    if (!set) return line;
    seriesLabels = set.labels;
    i = set.end;
  }
  const head = line.slice(0, i);
  if (!isBlank(line.charCodeAt(i))) return line;
  let j = skipBlanks(line, i);
  const ve = tokenEnd(line, j);
  const value = line.slice(j, ve);
  j = skipBlanks(line, ve);
  let ts = '';
  if (j < line.length && line.charCodeAt(j) !== HASH) {
    const te = tokenEnd(line, j);
    const seconds = parseValue(line.slice(j, te));
    if (seconds === undefined || !Number.isFinite(seconds)) return line;
    ts = ` ${Math.round(seconds * 1000)}`;
    j = skipBlanks(line, te);
  }
  if (j < line.length) {
    if (line.charCodeAt(j) !== HASH) return line;
    out.exemplar = exemplarAt(line, j, name, seriesLabels);
    out.invalid = out.exemplar === null;
  }
  return `${head} ${value}${ts}`;
}

/**
 * Converts an OpenMetrics text body (see the module comment).
 * @throws ExpositionParseError when the body does not end with `# EOF` or has content after it.
 */
export function fromOpenMetrics(body: string): OpenMetricsBody {
  const lines = body.split('\n');
  if (lines.length > 1 && lines[lines.length - 1] === '') lines.pop();
  const types = familyTypes(lines);
  const exemplars: ScrapedExemplar[] = [];
  let invalidExemplars = 0;
  let eofLine = -1;
  const out: string[] = new Array<string>(lines.length);
  for (let n = 0; n < lines.length; n++) {
    const raw = lines[n]!;
    const line = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
    if (eofLine >= 0) throw new ExpositionParseError(n + 1, 'content after # EOF');
    if (line === '# EOF') {
      eofLine = n;
      out[n] = '';
    } else if (line.charCodeAt(0) === HASH) {
      out[n] = commentLine(line, types);
    } else {
      const name = line.slice(0, tokenEnd(line.replace('{', ' '), 0));
      if (isCreated(name, types)) {
        out[n] = '';
        continue;
      }
      const got: { exemplar: ScrapedExemplar | null; invalid: boolean } = { exemplar: null, invalid: false };
      out[n] = sampleLine(line, got);
      if (got.exemplar) exemplars.push(got.exemplar);
      if (got.invalid) invalidExemplars++;
    }
  }
  if (eofLine < 0) throw new ExpositionParseError(lines.length, 'OpenMetrics exposition does not end with # EOF');
  return { text: out.join('\n'), exemplars, invalidExemplars };
}
