/**
 * Typed field configuration of Grafana panels (units, thresholds, value mappings, overrides): the
 * `fieldConfig` object of the classic dashboard JSON model.
 * @see https://grafana.com/docs/grafana/latest/panels-visualizations/configure-standard-options/
 * @see https://grafana.com/docs/grafana/latest/panels-visualizations/configure-thresholds/
 * @see https://grafana.com/docs/grafana/latest/panels-visualizations/configure-value-mappings/
 * @see https://perses.dev/perses/docs/api/ (the typed-spec approach this model follows)
 */

/** Grafana named colors used by the generated dashboards, or a CSS hex / rgba() color. */
export type Color =
  | 'green'
  | 'red'
  | 'yellow'
  | 'blue'
  | 'orange'
  | 'purple'
  | 'dark-orange'
  | 'transparent'
  | `#${string}`
  | `rgba(${string})`;

/**
 * Grafana unit ids (the `unit` of a field): time in seconds, bytes and bytes/s, ratios 0..1 (`percentunit`) or
 * 0..100 (`percent`), operations per second, plain numbers, currency, or a custom suffix such as `suffix:x`.
 */
export type Unit =
  | 'short'
  | 'none'
  | 's'
  | 'ms'
  | 'Bps'
  | 'Mbits'
  | 'bytes'
  | 'decbytes'
  | 'ops'
  | 'percent'
  | 'percentunit'
  | 'currencyUSD'
  | `suffix:${string}`;

/** One threshold step: `color` from `value` on; the first step has value null (from -Infinity). */
export interface ThresholdStep {
  readonly color: Color;
  readonly value: number | null;
}

/** Thresholds of a field: absolute values or percentages of the min..max range, steps in ascending order. */
export interface Thresholds {
  readonly mode: 'absolute' | 'percentage';
  readonly steps: readonly ThresholdStep[];
}

/** What a mapped value shows instead: text, color and the order among the mapping's results. */
export interface ValueMappingResult {
  readonly text: string;
  readonly color: Color;
  readonly index: number;
}

/** Value mappings (Grafana's four kinds: exact value, numeric range, regex, special values). */
export type ValueMapping =
  | { readonly type: 'value'; readonly options: Readonly<Record<string, ValueMappingResult>> }
  | {
      readonly type: 'range';
      readonly options: {
        readonly from: number | null;
        readonly to: number | null;
        readonly result: ValueMappingResult;
      };
    }
  | {
      readonly type: 'regex';
      readonly options: { readonly pattern: string; readonly result: ValueMappingResult };
    }
  | {
      readonly type: 'special';
      readonly options: {
        readonly match: 'null' | 'nan' | 'null+nan' | 'true' | 'false' | 'empty';
        readonly result: ValueMappingResult;
      };
    };

/** Where an axis goes (time series, heatmap). */
export type AxisPlacement = 'auto' | 'left' | 'right' | 'hidden';

/** One property an override sets: the unit, or the axis side of the matched fields. */
export type OverrideProperty =
  | { readonly id: 'unit'; readonly value: Unit }
  | { readonly id: 'custom.axisPlacement'; readonly value: AxisPlacement };

/** Field override: fields of one query (`byFrameRefID`) or one field name get other properties. */
export interface FieldOverride {
  readonly matcher: { readonly id: 'byFrameRefID' | 'byName'; readonly options: string };
  readonly properties: readonly OverrideProperty[];
}

/** Field defaults of a panel; `C` is the panel type's `custom` block. Optional keys are omitted when unset. */
export interface FieldDefaults<C> {
  readonly unit: Unit;
  readonly thresholds: Thresholds;
  readonly mappings: readonly ValueMapping[];
  readonly custom: C;
  readonly min?: number;
  readonly max?: number;
  readonly decimals?: number;
}

/** The `fieldConfig` of a panel. */
export interface FieldConfig<C> {
  readonly defaults: FieldDefaults<C>;
  readonly overrides: readonly FieldOverride[];
}

/** The `custom` block of panel types without custom field options. */
export type NoCustom = Readonly<Record<string, never>>;
