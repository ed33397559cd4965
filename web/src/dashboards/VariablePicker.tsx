import type { VariableOptions } from '../../../src/contract/dashboards.ts';
import { ALL_VALUE, chosenValues, type SelectedVars } from './variables.ts';

/** Value of the "All" choice of a single-value picker. */
const ALL = '';

/**
 * The pickers of a dashboard's variables (e.g. `$region`, `$node`): one list per variable of its choices (label
 * values found on its metric, or its own values); a multi-value variable takes several, none meaning All. Text
 * variables are not offered (widget queries take label values only).
 */
export function VariablePicker(props: {
  readonly variables: readonly VariableOptions[];
  readonly selected: SelectedVars;
  readonly onChange: (vars: SelectedVars) => void;
}) {
  const pickable = props.variables.filter((v) => v.kind !== 'textbox');
  if (pickable.length === 0) return null;
  // No value chosen is All, kept in the URL so it overrides a saved selection.
  const set = (name: string, values: readonly string[]) =>
    props.onChange({ ...props.selected, [name]: values.length > 0 ? values : [ALL_VALUE] });
  return (
    <div className="controls variables" role="group" aria-label="Dashboard variables">
      {pickable.map((v) => {
        const chosen = chosenValues(props.selected, v.name);
        const choices = [...new Set([...v.options, ...chosen])];
        return (
          <label key={v.name}>
            {v.label}
            {v.multi ? (
              <select
                multiple
                aria-label={v.label}
                size={Math.min(4, Math.max(2, choices.length))}
                value={[...chosen]}
                onChange={(e) =>
                  set(
                    v.name,
                    Array.from(e.target.selectedOptions, (o) => o.value),
                  )
                }
              >
                {choices.map((o) => (
                  <option key={o} value={o}>
                    {o}
                  </option>
                ))}
              </select>
            ) : (
              <select
                aria-label={v.label}
                value={chosen[0] ?? (v.includeAll ? ALL : (choices[0] ?? ALL))}
                onChange={(e) => set(v.name, e.target.value === ALL ? [] : [e.target.value])}
              >
                {(v.includeAll || choices.length === 0) && <option value={ALL}>All</option>}
                {choices.map((o) => (
                  <option key={o} value={o}>
                    {o}
                  </option>
                ))}
              </select>
            )}
            {v.multi &&
              (chosen.length === 0 ? (
                <span className="muted">All</span>
              ) : (
                <button type="button" onClick={() => set(v.name, [])}>
                  {`All (clear ${chosen.length})`}
                </button>
              ))}
            {v.truncated && <span className="muted"> (first {v.options.length} values)</span>}
          </label>
        );
      })}
    </div>
  );
}
