/**
 * Selected values of a dashboard's variables in the console: kept in the route as `var-<name>=v1,v2` (as
 * Grafana's URLs do) and sent to the API — live data and exports — as `var[name]=v1,v2`. No selection (or All,
 * `$__all`) leaves the label free; a variable not in the URL opens with its saved selection.
 */
import type { VariableOptions } from '../../../src/contract/dashboards.ts';

/** Variable name → selected values. */
export type SelectedVars = Readonly<Record<string, readonly string[]>>;

/** The All choice in the URL and the API (Grafana's `$__all`): kept so a picked All overrides a saved selection. */
export const ALL_VALUE = '$__all';

const PREFIX = 'var-';

/** The selections in route parameters (`var-node=n1,n2`). */
export function varsOfParams(params: URLSearchParams): SelectedVars {
  const out: Record<string, string[]> = {};
  for (const [key, raw] of params) {
    if (!key.startsWith(PREFIX) || key.length === PREFIX.length) continue;
    const values = raw.split(',').filter((v) => v !== '');
    if (values.length > 0) out[key.slice(PREFIX.length)] = values;
  }
  return out;
}

/** Route parameters of the selections (a variable without values is left out). */
export function paramsOfVars(vars: SelectedVars): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, values] of Object.entries(vars))
    if (values.length > 0) out[`${PREFIX}${name}`] = values.join(',');
  return out;
}

/** The API query string of the selections: `?var[node]=n1,n2&…`, or '' when nothing is selected. */
export function apiQueryOfVars(vars: SelectedVars): string {
  const q = new URLSearchParams();
  for (const [name, values] of Object.entries(vars).sort(([a], [b]) => a.localeCompare(b)))
    if (values.length > 0) q.set(`var[${name}]`, values.join(','));
  const text = q.toString();
  return text === '' ? '' : `?${text}`;
}

/**
 * The selections the dashboard is evaluated with: a variable without a selection in the URL takes its saved
 * selection (`current`); without one, a single-value variable without an All choice takes its first choice (as
 * the picker shows it); everything else stays as selected (All included).
 */
export function effectiveVars(selected: SelectedVars, variables: readonly VariableOptions[]): SelectedVars {
  const out: Record<string, readonly string[]> = { ...selected };
  for (const v of variables) {
    if ((out[v.name] ?? []).length > 0 || v.kind === 'textbox') continue;
    if (v.current.length > 0) out[v.name] = v.current;
    else if (!v.multi && !v.includeAll && v.options[0] !== undefined) out[v.name] = [v.options[0]];
  }
  return out;
}

/** The values a picker shows as chosen (All is none chosen). */
export function chosenValues(selected: SelectedVars, name: string): readonly string[] {
  return (selected[name] ?? []).filter((v) => v !== ALL_VALUE);
}
