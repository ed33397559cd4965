import { RANGES } from '../timeWindow.ts';

/** The picker's value while it shows a window that is not one of the offered ranges. */
export const FIXED_RANGE = 'fixed';

/**
 * The console's one time-range picker: "Last 5m" … "Last 7d" (the names of {@link RANGES}, e.g. `1h`), plus — when
 * the view shows a fixed window (a linked anomaly's, a zoom, an imported dashboard's range) — that window as the
 * selected first option, labelled `fixedLabel`. Picking a range reports its name; the view keeps it in its URL.
 */
export function TimeRangeSelect(props: {
  /** The selected range's name (ignored while `fixedLabel` is set). */
  readonly value: string;
  /** Label of the fixed window being shown, or null/undefined when a relative range is shown. */
  readonly fixedLabel?: string | null | undefined;
  readonly onChange: (range: string) => void;
}) {
  const fixed = props.fixedLabel !== null && props.fixedLabel !== undefined;
  return (
    <label>
      Time range
      <select
        aria-label="Time range"
        value={fixed ? FIXED_RANGE : props.value}
        onChange={(e) => props.onChange(e.target.value)}
      >
        {fixed && <option value={FIXED_RANGE}>{props.fixedLabel}</option>}
        {RANGES.map((r) => (
          <option key={r.name} value={r.name}>
            {`Last ${r.name}`}
          </option>
        ))}
      </select>
    </label>
  );
}
