/**
 * Parses and validates alert rule files (YAML). Every problem carries the 1-based line and column of the field
 * it is about (from the `yaml` package's node ranges and LineCounter), and nothing of a file with a problem is
 * used. Pure: text in, rules or problems out; durations are parsed by the injected grammar.
 *
 * ```yaml
 * groups:
 *   - name: dwcp-latency
 *     rules:
 *       - alert: DWCPPacketLossHigh
 *         severity: warning            # info | warning | critical
 *         for: 30s
 *         condition:
 *           threshold: { metric: dwcp_v3_packet_loss_ratio, match: { mode: internet }, op: '>', value: 0.05 }
 *         labels: { team: network }
 *         annotations: { summary: 'loss {{ $value }} on {{ $labels.node }}' }
 * ```
 * Conditions: `threshold`, `rate_of_change` (`window`, `function: rate|delta|relative`, `op`, `value`), `absence`
 * (`window`), `anomaly` (`metric`, `component`, `min_severity`, `match`), and `all` / `any` (a list) / `not` (one
 * condition) with an optional `on` list of labels that joins the parts (default `[node]`).
 * @see https://prometheus.io/docs/prometheus/latest/configuration/alerting_rules/ (groups, `for`, labels,
 *   annotations and their `$value` / `$labels` templates)
 */
import { isMap, isScalar, isSeq, LineCounter, parseDocument, type Document, type Node } from 'yaml';
import { findMetric, metricForSampleName } from '../../catalog/index.ts';
import {
  ALERT_SEVERITIES,
  LABEL_NAME_RE,
  type AlertSeverity,
  type Matcher,
} from '../../contract/alerting.ts';
import { FileValidationError, type FileProblem } from '../../errors.ts';
import { COMPONENTS, SEVERITIES, type Severity } from '../../model/dwcp.ts';
import { compileMatcher, parseMatcher } from '../matchers.ts';
import {
  CHANGE_FUNCTIONS,
  COMPARISON_OPS,
  type AlertRule,
  type ChangeFunction,
  type ComparisonOp,
  type Condition,
  type RuleGroup,
  type Selector,
} from './types.ts';

/** Limits of one rule file. */
export const RULE_FILE_LIMITS = Object.freeze({
  maxBytes: 4 * 1024 * 1024,
  maxRules: 20_000,
  maxDepth: 8,
  maxConditions: 32,
});

/** Options of {@link parseRuleFile}. */
export interface ParseRuleOptions {
  /** Duration grammar (`30s`, `1m30s`) → ms; throws on bad text. */
  readonly parseDuration: (text: string) => number;
}

type Path = (string | number)[];

interface Ctx {
  readonly problems: { path: Path; message: string }[];
  readonly opts: ParseRuleOptions;
  conditions: number;
}

const TEMPLATE = /\{\{\s*(.*?)\s*\}\}/g;
const TEMPLATE_REF = /^\$value$|^\$labels\.[a-zA-Z_][a-zA-Z0-9_]*$/;
const ALERT_NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;

function pathText(p: Path): string {
  return p.map((x, i) => (typeof x === 'number' ? `[${x}]` : i === 0 ? x : `.${x}`)).join('');
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Records a problem and returns undefined (for `return bad(...)`). */
function bad(ctx: Ctx, path: Path, message: string): undefined {
  ctx.problems.push({ path, message });
  return undefined;
}

function onlyKeys(ctx: Ctx, v: Record<string, unknown>, path: Path, allowed: readonly string[]): void {
  for (const k of Object.keys(v)) {
    if (!allowed.includes(k)) bad(ctx, [...path, k], `unknown field "${k}" (allowed: ${allowed.join(', ')})`);
  }
}

function str(ctx: Ctx, v: unknown, path: Path, what: string): string | undefined {
  if (typeof v !== 'string' || v.trim() === '') return bad(ctx, path, `${what} must be a non-empty string`);
  return v;
}

function num(ctx: Ctx, v: unknown, path: Path): number | undefined {
  if (typeof v !== 'number' || !Number.isFinite(v)) return bad(ctx, path, 'must be a finite number');
  return v;
}

function duration(ctx: Ctx, v: unknown, path: Path, min: number): number | undefined {
  let ms: number;
  try {
    ms = typeof v === 'number' ? v * 1000 : ctx.opts.parseDuration(String(v));
  } catch (e) {
    return bad(ctx, path, (e as Error).message);
  }
  if (!(Number.isFinite(ms) && ms >= min)) return bad(ctx, path, `must be a duration of at least ${min} ms`);
  return ms;
}

function stringMap(
  ctx: Ctx,
  v: unknown,
  path: Path,
  checkTemplates: boolean,
): Record<string, string> | undefined {
  if (v === undefined || v === null) return {};
  if (!isRecord(v)) return bad(ctx, path, 'must be a map of names to strings');
  const out: Record<string, string> = {};
  for (const [k, x] of Object.entries(v)) {
    if (!LABEL_NAME_RE.test(k)) bad(ctx, [...path, k], `"${k}" is not a valid label name`);
    if (typeof x !== 'string' && typeof x !== 'number' && typeof x !== 'boolean') {
      bad(ctx, [...path, k], 'must be a string');
      continue;
    }
    const s = String(x);
    if (checkTemplates) {
      for (const m of s.matchAll(TEMPLATE)) {
        if (!TEMPLATE_REF.test(m[1]!))
          bad(
            ctx,
            [...path, k],
            `unsupported template {{ ${m[1]} }}: use {{ $value }} or {{ $labels.<name> }}`,
          );
      }
    }
    out[k] = s;
  }
  return out;
}

/** `match`: a map of label → exact value, or a list of matcher strings (`node=~"node-[12]"`). */
function matchers(ctx: Ctx, v: unknown, path: Path): Matcher[] | undefined {
  if (v === undefined || v === null) return [];
  if (Array.isArray(v)) {
    const out: Matcher[] = [];
    v.forEach((x, i) => {
      if (typeof x !== 'string')
        return void bad(ctx, [...path, i], 'must be a matcher string such as node="node-1"');
      try {
        out.push(parseMatcher(x));
      } catch (e) {
        bad(ctx, [...path, i], (e as Error).message);
      }
    });
    return out;
  }
  if (!isRecord(v)) return bad(ctx, path, 'must be a map of label values or a list of matcher strings');
  const out: Matcher[] = [];
  for (const [name, value] of Object.entries(v)) {
    if (!LABEL_NAME_RE.test(name)) bad(ctx, [...path, name], `"${name}" is not a valid label name`);
    else if (typeof value !== 'string' && typeof value !== 'number')
      bad(ctx, [...path, name], 'must be a string');
    else {
      const m: Matcher = { name, value: String(value), isRegex: false, isEqual: true };
      compileMatcher(m);
      out.push(m);
    }
  }
  return out;
}

function selector(ctx: Ctx, c: Record<string, unknown>, path: Path): Selector | undefined {
  const metric = str(ctx, c.metric, [...path, 'metric'], 'metric');
  const def = metric === undefined ? undefined : metricForSampleName(metric);
  if (metric !== undefined && def === undefined) {
    bad(
      ctx,
      [...path, 'metric'],
      `unknown metric "${metric}" (not in the DWCP metric catalog; see docs/metrics.md)`,
    );
  } else if (def?.type === 'histogram' && def.name === metric) {
    bad(
      ctx,
      [...path, 'metric'],
      `"${metric}" is a histogram: select ${metric}_sum, ${metric}_count or ${metric}_bucket (with an le matcher)`,
    );
  }
  const ms = matchers(ctx, c.match, [...path, 'match']);
  return metric === undefined || ms === undefined ? undefined : { metric, matchers: ms };
}

function op(ctx: Ctx, v: unknown, path: Path): ComparisonOp | undefined {
  if (!(COMPARISON_OPS as readonly unknown[]).includes(v))
    return bad(ctx, path, `must be one of ${COMPARISON_OPS.join(' ')}`);
  return v as ComparisonOp;
}

function joinLabels(ctx: Ctx, v: unknown, path: Path): string[] | undefined {
  if (v === undefined) return ['node'];
  if (!Array.isArray(v) || v.some((x) => typeof x !== 'string' || !LABEL_NAME_RE.test(x))) {
    return bad(ctx, path, 'must be a list of label names (e.g. [node] or [])');
  }
  return v as string[];
}

const CONDITION_TYPES = ['threshold', 'rate_of_change', 'absence', 'anomaly', 'all', 'any', 'not'] as const;

function condition(ctx: Ctx, v: unknown, path: Path, depth: number): Condition | undefined {
  if (++ctx.conditions > RULE_FILE_LIMITS.maxConditions * 1000)
    return bad(ctx, path, 'too many conditions in the file');
  if (depth > RULE_FILE_LIMITS.maxDepth)
    return bad(ctx, path, `conditions nest deeper than ${RULE_FILE_LIMITS.maxDepth} levels`);
  if (!isRecord(v)) return bad(ctx, path, `must be a map with one of: ${CONDITION_TYPES.join(', ')}`);
  const types = Object.keys(v).filter((k) => (CONDITION_TYPES as readonly string[]).includes(k));
  if (types.length !== 1) {
    return bad(
      ctx,
      path,
      types.length === 0
        ? `needs one of: ${CONDITION_TYPES.join(', ')}`
        : `has ${types.join(' and ')}: give exactly one condition type per map`,
    );
  }
  const type = types[0] as (typeof CONDITION_TYPES)[number];
  const p = [...path, type];
  const body = v[type];
  if (type === 'all' || type === 'any') {
    onlyKeys(ctx, v, path, [type, 'on']);
    const on = joinLabels(ctx, v.on, [...path, 'on']);
    if (!Array.isArray(body) || body.length < 1 || body.length > RULE_FILE_LIMITS.maxConditions) {
      return bad(ctx, p, `must be a list of 1..${RULE_FILE_LIMITS.maxConditions} conditions`);
    }
    const parts = body.map((x, i) => condition(ctx, x, [...p, i], depth + 1));
    if (on === undefined || parts.some((x) => x === undefined)) return undefined;
    return { type, on, conditions: parts as Condition[] };
  }
  if (type === 'not') {
    onlyKeys(ctx, v, path, ['not', 'on']);
    const on = joinLabels(ctx, v.on, [...path, 'on']);
    const inner = condition(ctx, body, p, depth + 1);
    return on === undefined || inner === undefined ? undefined : { type, on, condition: inner };
  }
  onlyKeys(ctx, v, path, [type]);
  if (!isRecord(body)) return bad(ctx, p, 'must be a map');
  if (type === 'threshold') {
    onlyKeys(ctx, body, p, ['metric', 'match', 'op', 'value']);
    const s = selector(ctx, body, p);
    const o = op(ctx, body.op, [...p, 'op']);
    const value = num(ctx, body.value, [...p, 'value']);
    return s && o && value !== undefined ? { type, selector: s, op: o, value } : undefined;
  }
  if (type === 'rate_of_change') {
    onlyKeys(ctx, body, p, ['metric', 'match', 'window', 'function', 'op', 'value']);
    const s = selector(ctx, body, p);
    const windowMs = duration(ctx, body.window, [...p, 'window'], 1000);
    const fn = body.function ?? 'rate';
    if (!(CHANGE_FUNCTIONS as readonly unknown[]).includes(fn))
      bad(ctx, [...p, 'function'], `must be one of ${CHANGE_FUNCTIONS.join(', ')}`);
    const o = op(ctx, body.op, [...p, 'op']);
    const value = num(ctx, body.value, [...p, 'value']);
    if (
      !s ||
      windowMs === undefined ||
      !o ||
      value === undefined ||
      !(CHANGE_FUNCTIONS as readonly unknown[]).includes(fn)
    )
      return undefined;
    return { type, selector: s, windowMs, fn: fn as ChangeFunction, op: o, value };
  }
  if (type === 'absence') {
    onlyKeys(ctx, body, p, ['metric', 'match', 'window']);
    const s = selector(ctx, body, p);
    const windowMs = duration(ctx, body.window, [...p, 'window'], 1000);
    return s && windowMs !== undefined ? { type, selector: s, windowMs } : undefined;
  }
  onlyKeys(ctx, body, p, ['metric', 'component', 'min_severity', 'match']);
  let metric: string | null = null;
  if (body.metric !== undefined) {
    metric = str(ctx, body.metric, [...p, 'metric'], 'metric') ?? null;
    if (metric !== null && findMetric(metric) === undefined)
      bad(ctx, [...p, 'metric'], `unknown metric "${metric}" (not in the DWCP metric catalog)`);
  }
  const component = body.component === undefined ? null : body.component;
  if (component !== null && !([...COMPONENTS, 'system'] as unknown[]).includes(component)) {
    bad(ctx, [...p, 'component'], `must be one of ${[...COMPONENTS, 'system'].join(', ')}`);
  }
  const minSeverity = body.min_severity ?? 'low';
  if (!(SEVERITIES as readonly unknown[]).includes(minSeverity))
    bad(ctx, [...p, 'min_severity'], `must be one of ${SEVERITIES.join(', ')}`);
  const ms = matchers(ctx, body.match, [...p, 'match']);
  if (ms === undefined) return undefined;
  return {
    type,
    metric,
    component: component as string | null,
    minSeverity: minSeverity as Severity,
    matchers: ms,
  };
}

function rule(ctx: Ctx, v: unknown, path: Path, group: string): AlertRule | undefined {
  if (!isRecord(v)) return bad(ctx, path, 'must be a map with alert, condition, severity, ...');
  onlyKeys(ctx, v, path, ['alert', 'condition', 'severity', 'for', 'labels', 'annotations']);
  const name = str(ctx, v.alert, [...path, 'alert'], 'alert');
  if (name !== undefined && !ALERT_NAME.test(name))
    bad(ctx, [...path, 'alert'], `"${name}" is not a valid alert name ([a-zA-Z_:][a-zA-Z0-9_:]*)`);
  const severity = v.severity ?? 'warning';
  if (!(ALERT_SEVERITIES as readonly unknown[]).includes(severity))
    bad(ctx, [...path, 'severity'], `must be one of ${ALERT_SEVERITIES.join(', ')}`);
  const forMs = v.for === undefined ? 0 : duration(ctx, v.for, [...path, 'for'], 0);
  const labels = stringMap(ctx, v.labels, [...path, 'labels'], false);
  if (labels && ('alertname' in labels || 'severity' in labels))
    bad(
      ctx,
      [...path, 'labels'],
      'alertname and severity are set from alert and severity; do not repeat them in labels',
    );
  const annotations = stringMap(ctx, v.annotations, [...path, 'annotations'], true);
  if (v.condition === undefined) bad(ctx, [...path, 'condition'], 'condition is required');
  const cond = v.condition === undefined ? undefined : condition(ctx, v.condition, [...path, 'condition'], 1);
  if (
    name === undefined ||
    forMs === undefined ||
    !labels ||
    !annotations ||
    !cond ||
    !(ALERT_SEVERITIES as readonly unknown[]).includes(severity)
  )
    return undefined;
  return { group, name, severity: severity as AlertSeverity, forMs, labels, annotations, condition: cond };
}

/** The 1-based line and column of the node at `path` (or of its nearest existing parent). */
function positionOf(doc: Document, lc: LineCounter, path: Path): { line: number; column: number } | null {
  let node: unknown = doc.contents;
  let best: Node | null = (doc.contents as Node | null) ?? null;
  for (const step of path) {
    if (isMap(node)) {
      const pair = node.items.find((it) => isScalar(it.key) && String(it.key.value) === String(step));
      if (!pair) break;
      node = pair.value ?? pair.key;
      if (pair.value === null) {
        best = pair.key as Node;
        break;
      }
    } else if (isSeq(node) && typeof step === 'number') {
      node = node.items[step];
      if (node === undefined) break;
    } else break;
    if (node && typeof node === 'object' && 'range' in node) best = node as Node;
  }
  const start = best?.range?.[0];
  if (start === undefined) return null;
  const { line, col } = lc.linePos(start);
  return { line, column: col };
}

/**
 * Parses one rule file.
 * @param file name used in problems (a path)
 * @returns the groups of the file
 * @throws FileValidationError listing every problem with line and column: YAML syntax errors, unknown fields,
 *   missing or bad values, unknown metrics (not in the catalog), invalid regular expressions, bad templates,
 *   duplicate group names or duplicate alert names within a group, more than the file limits
 */
export function parseRuleFile(text: string, file: string, opts: ParseRuleOptions): RuleGroup[] {
  const fail = (problems: FileProblem[]): never => {
    throw new FileValidationError(`invalid rule file ${file}`, problems);
  };
  if (Buffer.byteLength(text, 'utf8') > RULE_FILE_LIMITS.maxBytes) {
    fail([
      {
        file,
        line: null,
        column: null,
        path: '',
        message: `file is larger than ${RULE_FILE_LIMITS.maxBytes} bytes`,
      },
    ]);
  }
  const lc = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lc, prettyErrors: false, uniqueKeys: true });
  if (doc.errors.length > 0) {
    fail(
      doc.errors.map((e) => {
        const pos = lc.linePos(e.pos[0]);
        return {
          file,
          line: pos.line,
          column: pos.col,
          path: '',
          message: `YAML: ${e.message.split('\n')[0]}`,
        };
      }),
    );
  }
  const ctx: Ctx = { problems: [], opts, conditions: 0 };
  const root: unknown = doc.toJS({ maxAliasCount: 100 });
  const groups: RuleGroup[] = [];
  if (!isRecord(root)) bad(ctx, [], 'a rule file is a map with a "groups" list');
  else {
    onlyKeys(ctx, root, [], ['groups']);
    if (!Array.isArray(root.groups)) bad(ctx, ['groups'], 'groups must be a list');
    else {
      const names = new Set<string>();
      let total = 0;
      root.groups.forEach((g, gi) => {
        const gp: Path = ['groups', gi];
        if (!isRecord(g)) return void bad(ctx, gp, 'a group is a map with name and rules');
        onlyKeys(ctx, g, gp, ['name', 'rules']);
        const name = str(ctx, g.name, [...gp, 'name'], 'name');
        if (name !== undefined && names.has(name))
          bad(ctx, [...gp, 'name'], `duplicate group name "${name}"`);
        if (name !== undefined) names.add(name);
        if (!Array.isArray(g.rules)) return void bad(ctx, [...gp, 'rules'], 'rules must be a list');
        total += g.rules.length;
        if (total > RULE_FILE_LIMITS.maxRules)
          return void bad(ctx, [...gp, 'rules'], `more than ${RULE_FILE_LIMITS.maxRules} rules in the file`);
        const seen = new Set<string>();
        const rules: AlertRule[] = [];
        g.rules.forEach((r, ri) => {
          const parsed = rule(ctx, r, [...gp, 'rules', ri], name ?? '');
          if (!parsed) return;
          const id = `${parsed.name}${JSON.stringify(parsed.labels)}`;
          if (seen.has(id))
            bad(
              ctx,
              [...gp, 'rules', ri, 'alert'],
              `duplicate rule "${parsed.name}" with the same labels in group "${name}"`,
            );
          seen.add(id);
          rules.push(parsed);
        });
        if (name !== undefined) groups.push({ name, file, rules });
      });
    }
  }
  if (ctx.problems.length > 0) {
    const located = ctx.problems.map((p) => {
      const pos = positionOf(doc, lc, p.path);
      return {
        file,
        line: pos?.line ?? null,
        column: pos?.column ?? null,
        path: pathText(p.path),
        message: p.message,
      };
    });
    fail(located.sort((a, b) => (a.line ?? 0) - (b.line ?? 0) || (a.column ?? 0) - (b.column ?? 0)));
  }
  return groups;
}
