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
