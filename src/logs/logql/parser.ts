/**
 * A recursive-descent parser of the LogQL subset in ./ast.ts. Errors name the position (1-based column) and
 * what was expected, e.g. `parse error at column 12: expected a label matcher operator (=, !=, =~, !~)`.
 * Regular expressions are checked when parsed (JavaScript syntax; LogQL's RE2 is close for common patterns).
 *
 *     query     = logQuery | range | "sum" [ by ] "(" range ")" [ by ]
 *     range     = rangeFn "(" logQuery "[" duration "]" ")"
 *     by        = "by" "(" [ name { "," name } ] ")"
 *     rangeFn   = "count_over_time" | "rate"
 *     logQuery  = "{" matcher { "," matcher } "}" { stage }
 *     matcher   = name ("=" | "!=" | "=~" | "!~") string
 *     stage     = ("|=" | "!=" | "|~" | "!~") string | "|" "json" | "|" "logfmt" | "|" "line_format" string
 *               | "|" matcher | "|" name cmp number
 *     cmp       = "==" | "!=" | ">" | ">=" | "<" | "<="
 * @see https://grafana.com/docs/loki/latest/query/
 */
import { InvalidInputError } from '../../errors.ts';
import { parseDuration } from '../../model/duration.ts';
import { LineTemplateError, parseLineTemplate } from './line-template.ts';
import type {
  CompareOp,
  LineFilterOp,
  LogQuery,
  Matcher,
  MatchOp,
  MetricQuery,
  Query,
  Stage,
} from './ast.ts';
import { readString } from './strings.ts';

/** Longest query text accepted, characters. */
export const MAX_QUERY_LENGTH = 16_384;
/** Pipeline stages accepted per query. */
export const MAX_STAGES = 64;

/** A query that does not parse (400). */
export class LogqlParseError extends InvalidInputError {}

const NAME = /[a-zA-Z_][a-zA-Z0-9_]*/y;
const NUMBER = /[-+]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][-+]?\d+)?/y;
const DURATION = /(?:\d+(?:\.\d+)?(?:ms|[smhdwy]))+/y;

class Parser {
  private i = 0;
  constructor(private readonly s: string) {}

  fail(what: string): never {
    const near = this.s.slice(this.i, this.i + 20);
    throw new LogqlParseError(
      `parse error at column ${this.i + 1}: ${what}${near === '' ? ' (at end of query)' : ` (near ${JSON.stringify(near)})`}`,
    );
  }

  ws(): void {
    while (this.i < this.s.length && /\s/.test(this.s[this.i]!)) this.i++;
  }

  peek(tok: string): boolean {
    this.ws();
    return this.s.startsWith(tok, this.i);
  }

  eat(tok: string): boolean {
    if (!this.peek(tok)) return false;
    this.i += tok.length;
    return true;
  }

  expect(tok: string, what = `expected ${JSON.stringify(tok)}`): void {
    if (!this.eat(tok)) this.fail(what);
  }

  name(what: string): string {
    this.ws();
    NAME.lastIndex = this.i;
    const m = NAME.exec(this.s);
    if (!m) this.fail(`expected ${what}`);
    this.i += m[0].length;
    return m[0];
  }

  string(): string {
    this.ws();
    const r = readString(this.s, this.i);
    if (!r) this.fail('expected a string in double quotes or backticks');
    this.i = r.end;
    return r.value;
  }

  regex(src: string): void {
    try {
      new RegExp(src);
    } catch (e) {
      this.fail(`invalid regular expression ${JSON.stringify(src)}: ${(e as Error).message}`);
    }
  }

  matchOp(): MatchOp {
    for (const op of ['=~', '!~', '!=', '='] as const) if (this.eat(op)) return op;
    return this.fail('expected a label matcher operator (=, !=, =~, !~)');
  }

  matcher(): Matcher {
    const name = this.name('a label name');
    const op = this.matchOp();
    const value = this.string();
    if (op === '=~' || op === '!~') this.regex(value);
    return { name, op, value };
  }

  selector(): Matcher[] {
    this.expect('{', 'expected a stream selector such as {service="dwcp-node"}');
    const out: Matcher[] = [];
    if (this.eat('}')) this.fail('a stream selector needs at least one label matcher');
    for (;;) {
      out.push(this.matcher());
      if (this.eat(',')) continue;
      this.expect('}', 'expected "," or "}" in the stream selector');
      return out;
    }
  }

  stage(): Stage | undefined {
    for (const op of ['|=', '!=', '|~', '!~'] as const satisfies readonly LineFilterOp[]) {
      if (this.eat(op)) {
        const value = this.string();
        if (op === '|~' || op === '!~') this.regex(value);
        return { kind: 'line', op, value };
      }
    }
    if (!this.eat('|')) return undefined;
    const name = this.name('"json", "logfmt", "line_format", a label filter or a line filter after "|"');
    if ((name === 'json' || name === 'logfmt') && !this.peekMatchOrCompare()) return { kind: name };
    if (name === 'line_format' && (this.peek('"') || this.peek('`'))) return this.lineFormat();
    for (const op of ['==', '>=', '<=', '>', '<'] as const satisfies readonly CompareOp[])
      if (this.eat(op)) return { kind: 'compare', name, op, value: this.number() };
    if (this.peek('!=') && this.isNumberAfter(2)) {
      this.i += 2;
      return { kind: 'compare', name, op: '!=', value: this.number() };
    }
    const op = this.matchOp();
    if (op === '=' && this.isNumberAfter(0)) return { kind: 'compare', name, op: '==', value: this.number() };
    const value = this.string();
    if (op === '=~' || op === '!~') this.regex(value);
    return { kind: 'label', matcher: { name, op, value } };
  }

  /** The template string of `| line_format`, checked (errors point into the template). */
  lineFormat(): Stage {
    this.ws();
    const start = this.i;
    const template = this.string();
    try {
      parseLineTemplate(template);
    } catch (e) {
      if (!(e instanceof LineTemplateError)) throw e;
      this.i = start;
      this.fail(`invalid line_format template: ${e.message} (at character ${e.offset + 1} of the template)`);
    }
    return { kind: 'line_format', template };
  }

  /** After `| json` or `| logfmt`: a label filter on a label of that name follows (`!=` and `!~` are read as line filters instead). */
  peekMatchOrCompare(): boolean {
    return ['=', '>', '<'].some((t) => this.peek(t));
  }

  isNumberAfter(skip: number): boolean {
    let j = this.i + skip;
    while (j < this.s.length && /\s/.test(this.s[j]!)) j++;
    NUMBER.lastIndex = j;
    return NUMBER.test(this.s);
  }

  number(): number {
    this.ws();
    NUMBER.lastIndex = this.i;
    const m = NUMBER.exec(this.s);
    if (!m) this.fail('expected a number');
    this.i += m[0].length;
    const v = Number(m[0]);
    if (!Number.isFinite(v)) this.fail('number out of range');
    return v;
  }

  logQuery(): LogQuery {
    const selector = this.selector();
    const pipeline: Stage[] = [];
    for (let st = this.stage(); st !== undefined; st = this.stage()) {
      if (pipeline.length >= MAX_STAGES) this.fail(`at most ${MAX_STAGES} pipeline stages`);
      pipeline.push(st);
    }
    return { kind: 'log', selector, pipeline };
  }

  duration(): number {
    this.ws();
    DURATION.lastIndex = this.i;
    const m = DURATION.exec(this.s);
    if (!m) this.fail('expected a range such as [5m]');
    let ms: number;
    try {
      ms = parseDuration(m[0]);
    } catch (e) {
      return this.fail((e as Error).message);
    }
    if (!(ms > 0)) this.fail('the range must be > 0');
    this.i += m[0].length;
    return ms;
  }

  /** `rangeFn "(" logQuery "[" duration "]" ")"` after its function name `fn`. */
  range(fn: string): MetricQuery {
    if (fn !== 'count_over_time' && fn !== 'rate') {
      this.i -= fn.length;
      this.fail(`unsupported function ${JSON.stringify(fn)} (count_over_time, rate or sum)`);
    }
    this.expect('(');
    const inner = this.logQuery();
    this.expect('[', 'expected a range such as [5m] after the log query');
    const rangeMs = this.duration();
    this.expect(']');
    this.expect(')');
    return { kind: 'metric', fn, query: inner, rangeMs };
  }

  /** `"by" "(" [ name { "," name } ] ")"`: distinct label names in order. */
  by(): string[] {
    this.expect('by');
    this.expect('(');
    const names: string[] = [];
    if (this.eat(')')) return names;
    do {
      const n = this.name('a label name');
      if (!names.includes(n)) names.push(n);
    } while (this.eat(','));
    this.expect(')', 'expected "," or ")" after a label name');
    return names;
  }

  query(): Query {
    this.ws();
    let q: Query;
    if (this.peek('{')) q = this.logQuery();
    else {
      const fn = this.name('a stream selector or count_over_time(...) / rate(...)');
      if (fn === 'sum') {
        let by = this.peek('by') ? this.by() : undefined;
        this.expect('(');
        this.ws();
        const inner = this.range(this.name('count_over_time(...) or rate(...) inside sum'));
        this.expect(')');
        if (this.peek('by')) {
          if (by !== undefined) this.fail('"by" given twice');
          by = this.by();
        }
        q = { ...inner, sumBy: by ?? [] };
      } else q = this.range(fn);
    }
    this.ws();
    if (this.i < this.s.length) this.fail('unexpected text after the query');
    return q;
  }
}

/**
 * Parses a LogQL query of the supported subset.
 * @throws LogqlParseError (InvalidInputError) with the column and what was expected
 */
export function parseLogql(text: string): Query {
  if (text.length > MAX_QUERY_LENGTH)
    throw new LogqlParseError(`query longer than ${MAX_QUERY_LENGTH} characters`);
  return new Parser(text).query();
}
