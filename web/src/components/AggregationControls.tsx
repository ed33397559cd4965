import type { Aggregation } from '../../../src/contract/series.ts';

/** The aggregations the series API takes, in the order the picker offers them. */
export const AGGREGATION_CHOICES: readonly Aggregation[] = [
  'avg',
  'sum',
  'min',
  'max',
  'p50',
  'p95',
  'p99',
  'rate',
];

/** `raw` when it names an aggregation, else `fallback` (for a value read from the URL). */
export function aggregationOr(raw: string | null, fallback: Aggregation): Aggregation {
  return AGGREGATION_CHOICES.find((a) => a === raw) ?? fallback;
}

/**
 * The console's one pair of series-query controls: the aggregation ("Aggregation", e.g. `avg`, `p95`, `rate`) and
 * the labels to group by ("Group by labels", comma-separated, e.g. `region,node_id`). Used by the overview chart
 * and the add-widget form; the caller keeps the values (in its URL or its form).
 */
export function AggregationControls(props: {
  readonly agg: Aggregation;
  readonly by: string;
  readonly onAggChange: (agg: Aggregation) => void;
  readonly onByChange: (by: string) => void;
  /** Example grouping shown while the input is empty. */
  readonly byPlaceholder?: string;
}) {
  return (
    <>
      <label>
        Aggregation
        <select
          value={props.agg}
          onChange={(e) => props.onAggChange(aggregationOr(e.target.value, props.agg))}
        >
          {AGGREGATION_CHOICES.map((a) => (
            <option key={a} value={a}>
              {a}
            </option>
          ))}
        </select>
      </label>
      <label>
        Group by labels
        <input
          value={props.by}
          onChange={(e) => props.onByChange(e.target.value)}
          placeholder={props.byPlaceholder ?? 'e.g. region,node_id'}
        />
      </label>
    </>
  );
}
