import { useEffect, useMemo, useState } from 'react';
import { searchMetrics } from '../api.ts';
import { usePoll } from '../usePoll.ts';

/** Stored metric names fetched at most (the API's largest search page). */
const ALL = 1000;

/** Family of a metric name: `dwcp_<family>` for DWCP metrics (`dwcp_amst_…` → `dwcp_amst`), else its first word. */
export function metricFamily(name: string): string {
  const parts = name.split('_');
  return parts[0] === 'dwcp' && parts.length > 2 ? `${parts[0]}_${parts[1]}` : parts[0]!;
}

/** Names grouped by family, families and names sorted. */
export function groupByFamily(names: readonly string[]): [string, string[]][] {
  const groups = new Map<string, string[]>();
  for (const n of names) {
    const f = metricFamily(n);
    groups.set(f, [...(groups.get(f) ?? []), n]);
  }
  return [...groups.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([f, ns]) => [f, ns.sort()]);
}

/**
 * Metric browser: every stored metric (not only the first page), grouped by family in a select, with a text
 * filter; `value` is the chosen name (`selectFirst`: the first stored metric is chosen while none is).
 */
export function MetricPicker(props: {
  readonly value: string;
  readonly onChange: (name: string) => void;
  readonly label?: string;
  readonly selectFirst?: boolean;
}) {
  const [filter, setFilter] = useState('');
  const names = usePoll(() => searchMetrics('', ALL), 30_000, []);
  const first = names.data?.[0];
  const { value, onChange, selectFirst } = props;
  useEffect(() => {
    if (selectFirst && value === '' && first !== undefined) onChange(first);
  }, [selectFirst, value, first, onChange]);
  const groups = useMemo(() => {
    const needle = filter.trim().toLowerCase();
    return groupByFamily((names.data ?? []).filter((n) => needle === '' || n.toLowerCase().includes(needle)));
  }, [names.data, filter]);
  const count = groups.reduce((n, [, ns]) => n + ns.length, 0);
  return (
    <>
      <label>
        Search metrics
        <input value={filter} onChange={(e) => setFilter(e.target.value)} placeholder="filter metric names" />
      </label>
      <label>
        {props.label ?? 'Metric'} ({count} of {names.data?.length ?? 0})
        <select value={props.value} onChange={(e) => props.onChange(e.target.value)}>
          {props.value === '' && <option value="">Choose a metric</option>}
          {props.value !== '' && !groups.some(([, ns]) => ns.includes(props.value)) && (
            <option value={props.value}>{props.value}</option>
          )}
          {groups.map(([family, ns]) => (
            <optgroup key={family} label={`${family} (${ns.length})`}>
              {ns.map((n) => (
                <option key={n} value={n}>
                  {n}
                </option>
              ))}
            </optgroup>
          ))}
        </select>
      </label>
      {names.error && <span className="error-text">{names.error}</span>}
    </>
  );
}
