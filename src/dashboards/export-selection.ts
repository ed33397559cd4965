/**
 * The variable selection of an export: the values a viewer has picked (the console's `var-<name>` URL state, sent
 * as `var[name]=v1,v2`) written into the exported spec as each variable's `current` (the default of interval and
 * text variables), so the own JSON, the Grafana JSON (`templating.list[].current`) and a re-import open with the
 * same selection. No selection (or All) leaves the variable without `current` (All).
 *
 * @see https://grafana.com/docs/grafana/latest/dashboards/build-dashboards/view-dashboard-json-model/ (templating)
 */
import type { DashboardSpec, DashboardVariable } from '../contract/dashboard-spec.ts';
import type { VariableValues } from './metric-query.ts';

/** Grafana's value of the All choice (also accepted in `var[name]`, meaning no constraint). */
export const ALL_VALUE = '$__all';

function selectVariable(v: DashboardVariable, picked: readonly string[] | undefined): DashboardVariable {
  if (picked === undefined) return v;
  const values = [...new Set(picked.filter((x) => x !== ALL_VALUE))];
  switch (v.kind) {
    case 'label_values':
    case 'custom': {
      const rest = { ...v };
      delete rest.current;
      const kept = v.multi ? values : values.slice(0, 1);
      return kept.length > 0 ? { ...rest, current: kept } : rest;
    }
    case 'interval':
      return values[0] !== undefined && v.values.includes(values[0]) ? { ...v, default: values[0] } : v;
    case 'textbox':
      return values[0] !== undefined ? { ...v, default: values[0].slice(0, 1024) } : v;
  }
}

/** `spec` with `vars` as its variables' saved selection; variables not named in `vars` keep theirs. */
export function withSelection(spec: DashboardSpec, vars: VariableValues): DashboardSpec {
  if (Object.keys(vars).length === 0) return spec;
  return { ...spec, variables: spec.variables.map((v) => selectVariable(v, vars[v.name])) };
}
