/**
 * Structural validation of generated dashboards. Grafana's official schema is the CUE kind
 * `kinds/dashboard/dashboard_kind.cue` of the Grafana repository (no JSON Schema file ships with Grafana and
 * none is available offline here), so this validator re-implements its constraints that decide whether a
 * dashboard imports and renders (https://grafana.com/docs/grafana/latest/dashboards/build-dashboards/view-dashboard-json-model/):
 * uid of 8-40 characters, title, schemaVersion, time.from/to, graphTooltip 0|1|2, templating variables with a
 * known type and hide 0|1|2, panels with a non-empty type, `options`, `transformations` and
 * `fieldConfig.{defaults,overrides}`, gridPos with 0 <= x < 24, 0 < w <= 24, x + w <= 24, h > 0 (plus: no
 * overlaps), thresholds with mode absolute|percentage and steps sorted from a null (-Infinity) base, value
 * mappings of type value|range|regex|special. On top of the kind: unique panel ids, known panel types, every
 * target with a unique refId and an expr, and every `$variable` used in a query defined by the dashboard or
 * built into Grafana. PromQL syntax is checked separately (tests parse every expr with @prometheus-io/lezer-promql).
 */
import { PANEL_TYPES } from './panels.ts';

/** Grafana's built-in variables that may appear in queries. */
export const BUILTIN_VARIABLES = [
  '__rate_interval',
  '__interval',
  '__interval_ms',
  '__range',
  '__range_s',
  '__range_ms',
  '__dashboard',
  '__from',
  '__to',
  '__all',
];

const UID_RE = /^[A-Za-z0-9_-]{8,40}$/;
const VARIABLE_TYPES = [
  'query',
  'adhoc',
  'constant',
  'datasource',
  'interval',
  'textbox',
  'custom',
  'system',
];
const MAPPING_TYPES = ['value', 'range', 'regex', 'special'];

function checkFieldDefaults(defaults: Record<string, unknown>, pw: string, problems: string[]): void {
  const th = defaults.thresholds;
  if (th !== undefined) {
    if (
      !isObj(th) ||
      !['absolute', 'percentage'].includes(String(th.mode)) ||
      !Array.isArray(th.steps) ||
      th.steps.length === 0
    ) {
      problems.push(`${pw}: thresholds need mode absolute|percentage and steps`);
    } else {
      const values = th.steps.map((st) => (isObj(st) ? st.value : undefined));
      if (values[0] !== null) problems.push(`${pw}: first threshold step must have value null (-Infinity)`);
      const rest = values.slice(1);
      if (!rest.every((v, i) => typeof v === 'number' && (i === 0 || v > (rest[i - 1] as number))))
        problems.push(`${pw}: threshold steps must be numbers sorted ascending`);
      if (!th.steps.every((st) => isObj(st) && typeof st.color === 'string'))
        problems.push(`${pw}: threshold step without color`);
    }
  }
  const mappings = defaults.mappings;
  if (
    mappings !== undefined &&
    (!Array.isArray(mappings) ||
      !mappings.every((mp) => isObj(mp) && MAPPING_TYPES.includes(String(mp.type)) && isObj(mp.options)))
  ) {
    problems.push(`${pw}: value mappings need type value|range|regex|special and options`);
  }
}

function isObj(x: unknown): x is Record<string, unknown> {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}

/** Variable names a text references (`$name`, `${name}`, `[[name]]`). */
export function referencedVariables(text: string): string[] {
  const out = new Set<string>();
  for (const mt of text.matchAll(
    /\$\{([A-Za-z0-9_]+)(?::[^}]*)?\}|\$([A-Za-z0-9_]+)|\[\[([A-Za-z0-9_]+)\]\]/g,
  ))
    out.add((mt[1] ?? mt[2] ?? mt[3])!);
  return [...out];
}

/** Problems found in a dashboard JSON object; empty when it is valid. */
export function validateDashboard(d: unknown): string[] {
  const problems: string[] = [];
  if (!isObj(d)) return ['dashboard is not an object'];
  const where = `dashboard ${String(d.uid)}`;
  if (typeof d.uid !== 'string' || !UID_RE.test(d.uid))
    problems.push(`${where}: uid must be 8-40 characters of [A-Za-z0-9_-]`);
  if (typeof d.title !== 'string' || d.title.length === 0) problems.push(`${where}: title missing`);
  if (typeof d.schemaVersion !== 'number' || d.schemaVersion < 36)
    problems.push(`${where}: schemaVersion must be a number >= 36`);
  if (!isObj(d.time) || typeof d.time.from !== 'string' || typeof d.time.to !== 'string')
    problems.push(`${where}: time.from/time.to missing`);
  if (d.refresh !== undefined && typeof d.refresh !== 'string' && d.refresh !== false)
    problems.push(`${where}: refresh must be a string or false`);
  if (!Array.isArray(d.tags) || !d.tags.every((t) => typeof t === 'string'))
    problems.push(`${where}: tags must be strings`);
  if (d.graphTooltip !== undefined && ![0, 1, 2].includes(d.graphTooltip as number))
    problems.push(`${where}: graphTooltip must be 0, 1 or 2`);
  if (d.editable !== undefined && typeof d.editable !== 'boolean')
    problems.push(`${where}: editable must be a boolean`);
  const templ = isObj(d.templating) && Array.isArray(d.templating.list) ? d.templating.list : undefined;
  if (!templ) problems.push(`${where}: templating.list missing`);
  const varNames = new Set<string>(BUILTIN_VARIABLES);
  for (const v of templ ?? []) {
    if (!isObj(v) || typeof v.name !== 'string' || typeof v.type !== 'string') {
      problems.push(`${where}: templating variable without name/type`);
      continue;
    }
    if (!VARIABLE_TYPES.includes(v.type))
      problems.push(`${where}: variable ${v.name} has unknown type ${v.type}`);
    if (![0, 1, 2].includes(v.hide as number))
      problems.push(`${where}: variable ${v.name} needs hide 0, 1 or 2`);
    if (varNames.has(v.name)) problems.push(`${where}: variable ${v.name} defined twice`);
    varNames.add(v.name);
  }
  for (const v of templ ?? []) {
    if (isObj(v) && typeof v.definition === 'string')
      for (const r of referencedVariables(v.definition))
        if (!varNames.has(r)) problems.push(`${where}: variable ${String(v.name)} uses undefined $${r}`);
  }
  if (!Array.isArray(d.panels) || d.panels.length === 0) {
    problems.push(`${where}: panels missing`);
    return problems;
  }
  const ids = new Set<number>();
  const cells = new Map<string, number>();
  for (const p of d.panels) {
    if (!isObj(p)) {
      problems.push(`${where}: panel is not an object`);
      continue;
    }
    const pw = `${where} panel ${String(p.id)} "${String(p.title)}"`;
    if (typeof p.id !== 'number' || !Number.isInteger(p.id)) problems.push(`${pw}: id must be an integer`);
    else if (ids.has(p.id)) problems.push(`${pw}: duplicate id`);
    else ids.add(p.id);
    if (typeof p.title !== 'string' || p.title.length === 0) problems.push(`${pw}: title missing`);
    if (typeof p.type !== 'string' || !(PANEL_TYPES as readonly string[]).includes(p.type))
      problems.push(`${pw}: unknown type ${String(p.type)}`);
    const g = p.gridPos;
    if (!isObj(g) || ![g.x, g.y, g.w, g.h].every((n) => typeof n === 'number' && Number.isInteger(n))) {
      problems.push(`${pw}: gridPos x/y/w/h must be integers`);
    } else {
      const [x, y, w, h] = [g.x, g.y, g.w, g.h] as number[];
      if (x! < 0 || w! < 1 || x! + w! > 24 || y! < 0 || h! < 1)
        problems.push(`${pw}: gridPos outside the 24-column grid`);
      for (let i = x!; i < x! + w!; i++) {
        for (let j = y!; j < y! + h!; j++) {
          const key = `${i},${j}`;
          const other = cells.get(key);
          if (other !== undefined) {
            problems.push(`${pw}: overlaps panel ${other}`);
            i = x! + w!;
            break;
          }
          cells.set(key, p.id as number);
        }
      }
    }
    if (!isObj(p.datasource) || typeof p.datasource.uid !== 'string')
      problems.push(`${pw}: datasource missing`);
    else
      for (const r of referencedVariables(p.datasource.uid))
        if (!varNames.has(r)) problems.push(`${pw}: datasource uses undefined $${r}`);
    if (!isObj(p.fieldConfig) || !isObj(p.fieldConfig.defaults) || !Array.isArray(p.fieldConfig.overrides))
      problems.push(`${pw}: fieldConfig.defaults/overrides missing`);
    else checkFieldDefaults(p.fieldConfig.defaults, pw, problems);
    if (!isObj(p.options)) problems.push(`${pw}: options missing`);
    if (!Array.isArray(p.transformations)) problems.push(`${pw}: transformations missing`);
    if (typeof p.interval === 'string')
      for (const r of referencedVariables(p.interval))
        if (!varNames.has(r)) problems.push(`${pw}: interval uses undefined $${r}`);
    if (!Array.isArray(p.targets) || p.targets.length === 0) {
      problems.push(`${pw}: no targets`);
      continue;
    }
    const refIds = new Set<string>();
    for (const t of p.targets) {
      if (!isObj(t) || typeof t.refId !== 'string' || typeof t.expr !== 'string' || t.expr.length === 0) {
        problems.push(`${pw}: target without refId/expr`);
        continue;
      }
      if (refIds.has(t.refId)) problems.push(`${pw}: duplicate refId ${t.refId}`);
      refIds.add(t.refId);
      for (const r of referencedVariables(t.expr))
        if (!varNames.has(r)) problems.push(`${pw}: query uses undefined $${r}`);
    }
  }
  return problems;
}
