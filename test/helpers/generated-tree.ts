/**
 * Reading and rewriting the tree `dwcp-monitor generate` writes, for integration tests that run it on real
 * servers: YAML files, Alertmanager secret-file references, and the queries of the generated Grafana dashboards
 * with their variables substituted.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { parse as parseYaml, stringify as stringifyYaml } from 'yaml';

/** Substitutes Grafana variables ($x, ${x}, [[x]]) by their `variables` value; throws on a variable without one. */
export function substitute(expr: string, variables: Readonly<Record<string, string>>): string {
  return expr.replace(
    /\$\{(\w+)(?::\w+)?\}|\[\[(\w+)\]\]|\$(\w+)/g,
    (m, a?: string, b?: string, c?: string) => {
      const name = (a ?? b ?? c)!;
      const v = variables[name];
      if (v === undefined) throw new Error(`no test value for Grafana variable ${m} in ${expr}`);
      return v;
    },
  );
}

/** One query of a dashboard panel. */
export interface PanelQuery {
  uid: string;
  title: string;
  expr: string;
}

/** Every `expr` of every target of every panel (rows included) of every generated dashboard. */
export function panelQueries(files: ReadonlyMap<string, string>): PanelQuery[] {
  type Panel = { title?: string; targets?: { expr?: string }[]; panels?: Panel[] };
  const out: PanelQuery[] = [];
  for (const [path, text] of files) {
    if (!/^grafana\/dashboards\/.+\.json$/.test(path)) continue;
    const d = JSON.parse(text) as { uid: string; panels: Panel[] };
    const walk = (ps: readonly Panel[]): void => {
      for (const p of ps) {
        for (const t of p.targets ?? [])
          if (t.expr) out.push({ uid: d.uid, title: p.title ?? '', expr: t.expr });
        walk(p.panels ?? []);
      }
    };
    walk(d.panels);
  }
  return out;
}

/**
 * Test values of the Grafana variables in the generated panel queries, as Grafana substitutes them with the
 * dashboards' defaults: All (`.*`) for the multi-value ones, the interval variables at a 15 s data source scrape
 * interval ($__rate_interval = max(4 × scrape interval, $__interval + scrape interval) = 1m), the textbox's value.
 */
export const GRAFANA_TEST_VARIABLES: Readonly<Record<string, string>> = {
  __rate_interval: '1m',
  interval: '1m',
  __interval: '15s',
  price_per_gb: '0.02',
  region: '.*',
  component: '.*',
  cluster: '.*',
  node: '.*',
  instance: '.*',
};

/** One expression of a generated Prometheus rule (recording or alerting). */
export interface RuleQuery {
  file: string;
  rule: string;
  expr: string;
}

/** Every rule's `expr` in the generated `prometheus/rules/*.yml`. */
export function ruleQueries(files: ReadonlyMap<string, string>): RuleQuery[] {
  type Rules = { groups: { rules: { record?: string; alert?: string; expr: string | number }[] }[] };
  const out: RuleQuery[] = [];
  for (const [path, text] of files) {
    if (!/^prometheus\/rules\/[^/]+\.ya?ml$/.test(path)) continue;
    for (const g of (parseYaml(text) as Rules).groups)
      for (const r of g.rules)
        out.push({ file: path, rule: r.record ?? r.alert ?? '', expr: String(r.expr) });
  }
  return out;
}

/** A YAML file, parsed. */
export function yamlFile(path: string): unknown {
  return parseYaml(readFileSync(path, 'utf8'));
}

/** Writes `data` as YAML (no line folding). */
export function writeYaml(path: string, data: unknown): void {
  writeFileSync(path, stringifyYaml(data, { lineWidth: 0 }));
}

/** Every value under a key ending in `_file` (Alertmanager secret references). */
export function fileRefs(v: unknown, out: string[] = []): string[] {
  if (Array.isArray(v)) for (const x of v) fileRefs(x, out);
  else if (v && typeof v === 'object')
    for (const [k, x] of Object.entries(v)) {
      if (k.endsWith('_file') && typeof x === 'string') out.push(x);
      else fileRefs(x, out);
    }
  return out;
}
