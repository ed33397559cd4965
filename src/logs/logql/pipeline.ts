/**
 * Evaluation of a log query's selector and pipeline over stored entries: the selector's matchers on the indexed
 * labels (an unknown label is the empty string, as in Loki), then each stage in order — line filters on the
 * line, `| json` adding the line's fields as labels (nested keys joined with `_`; a line that is not a JSON
 * object gets `__error__="JSONParserErr"`), `| logfmt` adding the line's `key=value` pairs as labels (the
 * `logfmt` package's parser; keys sanitised as for json, a bare key or `true`/`false` gives "true"/"false", an
 * empty value ""), label filters and numeric comparisons on the labels so far (a
 * value that is not a number fails a comparison), `| line_format` replacing the line by its template
 * (./line-template.ts; later stages see the new line). Also what a pipeline implies about the stored line (for
 * the store's indexes): the `|=` needles before any `line_format`, and the whole words inside them.
 * @see https://grafana.com/docs/loki/latest/query/log_queries/#json
 * @see https://grafana.com/docs/loki/latest/query/log_queries/#logfmt
 */
import logfmt from 'logfmt';
import { LOG_LABELS, labelValue, type LogLabelName, type LogRecord } from '../record.ts';
import type { CompareOp, LogQuery, Matcher, Stage } from './ast.ts';
import { parseLineTemplate, renderLineTemplate } from './line-template.ts';

/** An entry after the pipeline: its labels (indexed, non-empty, plus parsed ones) and its line. */
export interface PipelineResult {
  readonly labels: Record<string, string>;
  readonly line: string;
}

/** Labels parsed from one line at most (the rest are dropped). */
const MAX_PARSED_LABELS = 64;

const INDEXED = new Set<string>(LOG_LABELS);

/** True when `name` is an indexed label. */
export function isIndexedLabel(name: string): name is LogLabelName {
  return INDEXED.has(name);
}

/** A matcher as a predicate on a value (regexes fully anchored, as in Prometheus and Loki). */
export function matcherTest(m: Matcher): (v: string) => boolean {
  switch (m.op) {
    case '=':
      return (v) => v === m.value;
    case '!=':
      return (v) => v !== m.value;
    case '=~': {
      const re = new RegExp(`^(?:${m.value})$`);
      return (v) => re.test(v);
    }
    case '!~': {
      const re = new RegExp(`^(?:${m.value})$`);
      return (v) => !re.test(v);
    }
  }
}

function compare(op: CompareOp, a: number, b: number): boolean {
  switch (op) {
    case '==':
      return a === b;
    case '!=':
      return a !== b;
    case '>':
      return a > b;
    case '>=':
      return a >= b;
    case '<':
      return a < b;
    case '<=':
      return a <= b;
  }
}

function flatten(v: unknown, prefix: string, out: Record<string, string>): void {
  if (Object.keys(out).length >= MAX_PARSED_LABELS) return;
  if (v !== null && typeof v === 'object' && !Array.isArray(v)) {
    for (const [k, x] of Object.entries(v as Record<string, unknown>))
      flatten(
        x,
        prefix === '' ? k.replace(/[^a-zA-Z0-9_]/g, '_') : `${prefix}_${k.replace(/[^a-zA-Z0-9_]/g, '_')}`,
        out,
      );
    return;
  }
  if (prefix === '' || prefix === '__proto__') return;
  out[prefix] = typeof v === 'string' ? v : JSON.stringify(v);
}

/** The `key=value` pairs of a logfmt line as labels (sanitised keys, at most {@link MAX_PARSED_LABELS}). */
function logfmtLabels(line: string, labels: Record<string, string>): void {
  let n = 0;
  for (const [k, v] of Object.entries(logfmt.parse(line) as Record<string, unknown>)) {
    const key = k.replace(/[^a-zA-Z0-9_]/g, '_');
    if (key === '' || key === '__proto__') continue;
    if (n++ >= MAX_PARSED_LABELS) break;
    labels[key] = v === null || v === undefined ? '' : String(v);
  }
}

/** One stage: the line after it, or undefined when the entry is dropped. */
type StageFn = (line: string, labels: Record<string, string>) => string | undefined;

function compileStage(s: Stage): StageFn {
  switch (s.kind) {
    case 'line':
      if (s.op === '|=') return (line) => (line.includes(s.value) ? line : undefined);
      if (s.op === '!=') return (line) => (line.includes(s.value) ? undefined : line);
      {
        const re = new RegExp(s.value);
        return s.op === '|~'
          ? (line) => (re.test(line) ? line : undefined)
          : (line) => (re.test(line) ? undefined : line);
      }
    case 'json':
      return (line, labels) => {
        let v: unknown;
        try {
          v = JSON.parse(line);
        } catch {
          labels['__error__'] = 'JSONParserErr';
          return line;
        }
        if (v === null || typeof v !== 'object' || Array.isArray(v)) {
          labels['__error__'] = 'JSONParserErr';
          return line;
        }
        const parsed: Record<string, string> = {};
        flatten(v, '', parsed);
        for (const [k, x] of Object.entries(parsed)) labels[k] = x;
        return line;
      };
    case 'logfmt':
      return (line, labels) => {
        logfmtLabels(line, labels);
        return line;
      };
    case 'line_format': {
      const parts = parseLineTemplate(s.template);
      return (line, labels) => renderLineTemplate(parts, labels, line);
    }
    case 'label': {
      const t = matcherTest(s.matcher);
      return (line, labels) => (t(labels[s.matcher.name] ?? '') ? line : undefined);
    }
    case 'compare':
      return (line, labels) => {
        const raw = labels[s.name];
        const n = raw === undefined || raw.trim() === '' ? NaN : Number(raw);
        return Number.isFinite(n) && compare(s.op, n, s.value) ? line : undefined;
      };
  }
}

/** The stream labels of an entry: its non-empty indexed labels. */
export function streamLabels(r: LogRecord): Record<string, string> {
  const out: Record<string, string> = {};
  for (const l of LOG_LABELS) {
    const v = labelValue(r, l);
    if (v !== '') out[l] = v;
  }
  return out;
}

/** A compiled log query: the selector's matchers on non-indexed labels and the pipeline, as one function. */
export function compilePipeline(q: LogQuery): (r: LogRecord) => PipelineResult | undefined {
  const unindexed = q.selector.filter((m) => !isIndexedLabel(m.name));
  const selectorOk = unindexed.every((m) => matcherTest(m)(''));
  const stages = q.pipeline.map(compileStage);
  return (r) => {
    if (!selectorOk) return undefined;
    const labels = streamLabels(r);
    let line: string | undefined = r.body;
    for (const st of stages) if ((line = st(line, labels)) === undefined) return undefined;
    return { labels, line };
  };
}

/**
 * Substrings every entry passing the pipeline contains in its stored line: the `|=` needles before the first
 * `line_format` (after it, filters see the formatted line), empty ones left out.
 */
export function requiredSubstrings(q: LogQuery): string[] {
  const out: string[] = [];
  for (const s of q.pipeline) {
    if (s.kind === 'line_format') break;
    if (s.kind === 'line' && s.op === '|=' && s.value !== '') out.push(s.value);
  }
  return out;
}

/**
 * Words every entry passing the pipeline contains as whole index tokens: the ASCII letter/digit runs inside
 * the needles of {@link requiredSubstrings} bounded on both sides by ASCII characters that are neither letters
 * nor digits.
 */
export function prefilterWords(q: LogQuery): string[] {
  const out: string[] = [];
  for (const needle of requiredSubstrings(q)) {
    for (const m of needle.matchAll(
      /(?<=[^A-Za-z0-9\u0080-\uffff])[A-Za-z0-9]+(?=[^A-Za-z0-9\u0080-\uffff])/g,
    ))
      out.push(m[0].toLowerCase());
  }
  return out;
}

/**
 * The substring filters of a pipeline made only of `|=` and `!=` stages (a line passes when it contains every
 * `contains` and no `notContains`); undefined when any other stage is present (the lines must be read).
 */
export function substringFiltersOnly(q: LogQuery): { contains: string[]; notContains: string[] } | undefined {
  const contains: string[] = [];
  const notContains: string[] = [];
  for (const s of q.pipeline) {
    if (s.kind !== 'line' || (s.op !== '|=' && s.op !== '!=')) return undefined;
    (s.op === '|=' ? contains : notContains).push(s.value);
  }
  return { contains, notContains };
}
