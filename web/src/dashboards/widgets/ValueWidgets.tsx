import type { WidgetValue } from '../../../../src/contract/dashboards.ts';
import type { DisplayUnit, Widget } from '../../../../src/contract/dashboard-spec.ts';
import { formatValue } from '../../format.ts';
import { cssColor, labelText, thresholdColor } from '../thresholds.ts';

type Of<T extends Widget['type']> = Extract<Widget, { type: T }>;
interface Props<T extends Widget['type']> {
  readonly widget: Of<T>;
  readonly values: readonly WidgetValue[];
  readonly unit: DisplayUnit | null;
}

/** Share of `v` between `min` and `max` (0..1; clamped). */
export function fraction(v: number, min: number, max: number): number {
  return max <= min ? 0 : Math.min(1, Math.max(0, (v - min) / (max - min)));
}

/** Range of gauges and progress bars: the widget's min/max, else 0..100 for percent, 0..1 for ratios, else 0..largest value. */
function rangeOf(
  options: { min?: number | undefined; max?: number | undefined },
  unit: DisplayUnit | null,
  values: readonly WidgetValue[],
): [number, number] {
  const fallback =
    unit === 'percent' ? 100 : unit === 'ratio' ? 1 : Math.max(1, ...values.map((v) => v.value ?? 0));
  return [options.min ?? 0, options.max ?? fallback];
}

/** Statistic/KPI: one big number per series, coloured by thresholds. */
export function StatWidget({ widget, values, unit }: Props<'stat'>) {
  if (values.length === 0) return <p className="muted">No data in this time range.</p>;
  return (
    <div className="stat-list">
      {values.map((v, i) => (
        <div key={i} className="stat">
          <span
            className="stat-value"
            style={{ color: cssColor(thresholdColor(widget.thresholds, v.value)) }}
          >
            {formatValue(v.value, v.unit ?? unit)}
          </span>
          {values.length > 1 && <span className="muted">{labelText(v.labels, v.refId)}</span>}
        </div>
      ))}
    </div>
  );
}

/** Gauge: a half-circle arc per series filled to the value's share of the range. */
export function GaugeWidget({ widget, values, unit }: Props<'gauge'>) {
  const [min, max] = rangeOf(widget.options, unit, values);
  if (values.length === 0) return <p className="muted">No data in this time range.</p>;
  return (
    <div className="stat-list">
      {values.map((v, i) => {
        const f = v.value === null ? 0 : fraction(v.value, min, max);
        const angle = Math.PI * (1 - f);
        const x = 50 + 40 * Math.cos(angle);
        const y = 50 - 40 * Math.sin(angle);
        const text = formatValue(v.value, v.unit ?? unit);
        return (
          <figure key={i} className="gauge">
            <svg viewBox="0 0 100 60" role="img" aria-label={`${labelText(v.labels, widget.title)}: ${text}`}>
              <path d="M10 50 A40 40 0 0 1 90 50" className="gauge-track" />
              {f > 0 && (
                <path
                  d={`M10 50 A40 40 0 0 1 ${x.toFixed(2)} ${y.toFixed(2)}`}
                  className="gauge-fill"
                  style={{ stroke: cssColor(thresholdColor(widget.thresholds, v.value)) }}
                />
              )}
              <text x="50" y="48" textAnchor="middle" className="gauge-text">
                {text}
              </text>
            </svg>
            {values.length > 1 && <figcaption className="muted">{labelText(v.labels, v.refId)}</figcaption>}
          </figure>
        );
      })}
    </div>
  );
}

/** Progress bars: one per series, filled to the value's share of the range. */
export function ProgressWidget({ widget, values, unit }: Props<'progress'>) {
  const [min, max] = rangeOf(widget.options, unit, values);
  return (
    <Bars
      values={values}
      unit={unit}
      range={[min, max]}
      color={(v) => cssColor(thresholdColor(widget.thresholds, v))}
    />
  );
}

/** Bar chart (bars style; a pie is drawn as bars too): one bar per series scaled to the largest value. */
export function BarWidget({ widget, values, unit }: Props<'bar'>) {
  const max = Math.max(0, ...values.map((v) => v.value ?? 0));
  return (
    <Bars
      values={values}
      unit={unit}
      range={[0, max]}
      color={(v) => cssColor(thresholdColor(widget.thresholds, v))}
    />
  );
}

function Bars(props: {
  readonly values: readonly WidgetValue[];
  readonly unit: DisplayUnit | null;
  readonly range: [number, number];
  readonly color: (v: number | null) => string | undefined;
}) {
  if (props.values.length === 0) return <p className="muted">No data in this time range.</p>;
  return (
    <ul className="bars">
      {props.values.map((v, i) => {
        const name = labelText(v.labels, v.refId);
        const text = formatValue(v.value, v.unit ?? props.unit);
        return (
          <li key={i}>
            <span className="bar-label">{name}</span>
            <span
              className="bar-track"
              role="meter"
              aria-label={name}
              aria-valuenow={v.value ?? 0}
              aria-valuemin={props.range[0]}
              aria-valuemax={props.range[1]}
              aria-valuetext={text}
            >
              <span
                className="bar-fill"
                style={{
                  width: `${(v.value === null ? 0 : fraction(v.value, ...props.range)) * 100}%`,
                  background: props.color(v.value),
                }}
              />
            </span>
            <span className="bar-value">{text}</span>
          </li>
        );
      })}
    </ul>
  );
}

/** Status indicators: each series' value mapped to a text and colour (unmapped values are shown as numbers, grey). */
export function StatusWidget({ widget, values, unit }: Props<'status'>) {
  if (values.length === 0) return <p className="muted">No data in this time range.</p>;
  return (
    <ul className="status-list">
      {values.map((v, i) => {
        const m =
          v.value === null
            ? undefined
            : widget.options.mappings.find((x) => v.value! >= x.from && v.value! <= x.to);
        const color = m?.color ?? thresholdColor(widget.thresholds, v.value) ?? 'grey';
        return (
          <li key={i} className="status-item" style={{ borderColor: cssColor(color) }}>
            <span className="status-dot" style={{ background: cssColor(color) }} />
            <span>{labelText(v.labels, v.refId)}</span>
            <strong>{m?.text ?? formatValue(v.value, v.unit ?? unit)}</strong>
          </li>
        );
      })}
    </ul>
  );
}
