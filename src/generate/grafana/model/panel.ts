/**
 * Typed Grafana panels: one variant per panel type the generator uses (time series, stat, gauge, heatmap,
 * status history, table, pie chart, bar gauge), each with its own `options` and field `custom` shapes, plus
 * targets and grid positions. Field order in these types is the order of the generated JSON.
 * @see https://grafana.com/docs/grafana/latest/panels-visualizations/visualizations/
 * @see https://grafana.com/docs/grafana/latest/dashboards/build-dashboards/view-dashboard-json-model/
 */
import type { AxisPlacement, Color, FieldConfig, NoCustom, Unit } from './field-config.ts';

/** A datasource reference (`uid` may be a `${variable}`). */
export interface DataSourceRef {
  readonly type: 'prometheus' | 'grafana';
  readonly uid: string;
}

/** Position on the 24-column grid: x in 0..23, w in 1..24 with x + w <= 24, y and h in grid rows. */
export interface GridPos {
  readonly x: number;
  readonly y: number;
  readonly w: number;
  readonly h: number;
}

/** Result format of a Prometheus query. */
export type TargetFormat = 'time_series' | 'table' | 'heatmap';

/** One Prometheus query of a panel. */
export interface Target {
  readonly refId: string;
  readonly datasource: DataSourceRef;
  readonly expr: string;
  readonly legendFormat: string;
  readonly range: boolean;
  readonly instant: boolean;
  readonly format: TargetFormat;
}

/** A Grafana data transformation (id and its options). The generated dashboards use none. */
export interface Transformation {
  readonly id: string;
  readonly options: object;
}

/** Reducers that turn a series into one value (stat, gauge, bar gauge, pie chart, table footer). */
export type Reducer = 'lastNotNull' | 'last' | 'mean' | 'max' | 'min' | 'sum';

/** Legend of time series, status history and pie charts. */
export interface LegendOptions {
  readonly showLegend: boolean;
  readonly displayMode: 'list' | 'table' | 'hidden';
  readonly placement: 'bottom' | 'right';
  readonly calcs: readonly Reducer[];
  readonly values?: readonly ('percent' | 'value')[];
}

/** Tooltip: one series or all, sorted or not. */
export interface TooltipOptions {
  readonly mode: 'single' | 'multi' | 'none';
  readonly sort: 'none' | 'asc' | 'desc';
}

/** How single-value panels reduce each series. */
export interface ReduceOptions {
  readonly values: boolean;
  readonly calcs: readonly Reducer[];
  readonly fields: string;
}

/** Fields every panel variant has besides `type`, `options` and `fieldConfig`. */
interface PanelCommon {
  readonly id: number;
  readonly gridPos: GridPos;
  readonly title: string;
  readonly description: string;
  readonly datasource: DataSourceRef;
  readonly targets: readonly Target[];
  readonly transformations: readonly Transformation[];
  /** Minimum query step, e.g. `$interval`. */
  readonly interval?: string;
}

/** A panel of type `T` with options `O` and field custom block `C`. */
export type PanelOf<T extends string, O, C> = PanelCommon & {
  readonly type: T;
  readonly options: O;
  readonly fieldConfig: FieldConfig<C>;
};

/** Time series options. */
export interface TimeSeriesOptions {
  readonly legend: LegendOptions;
  readonly tooltip: TooltipOptions;
}

/** Time series field style: lines or bars, stacking, threshold lines. */
export interface TimeSeriesCustom {
  readonly drawStyle: 'line' | 'bars' | 'points';
  readonly lineWidth: number;
  readonly fillOpacity: number;
  readonly showPoints: 'auto' | 'never' | 'always';
  readonly spanNulls: boolean;
  readonly stacking: { readonly mode: 'none' | 'normal' | 'percent'; readonly group: string };
  readonly thresholdsStyle: { readonly mode: 'off' | 'line' | 'area' | 'line+area' | 'dashed' };
}

/** Stat options. */
export interface StatOptions {
  readonly reduceOptions: ReduceOptions;
  readonly colorMode: 'value' | 'background' | 'none';
  readonly graphMode: 'none' | 'area';
  readonly justifyMode: 'auto' | 'center';
  readonly orientation: 'auto' | 'horizontal' | 'vertical';
  readonly textMode: 'auto' | 'value' | 'value_and_name' | 'name' | 'none';
}

/** Gauge options. */
export interface GaugeOptions {
  readonly reduceOptions: ReduceOptions;
  readonly showThresholdLabels: boolean;
  readonly showThresholdMarkers: boolean;
}

/** Heatmap options (pre-bucketed data: `calculate: false`). */
export interface HeatmapOptions {
  readonly calculate: boolean;
  readonly cellGap: number;
  readonly color: {
    readonly mode: 'scheme' | 'opacity';
    readonly scheme: string;
    readonly steps: number;
    readonly exponent: number;
    readonly fill: Color;
    readonly reverse: boolean;
  };
  readonly yAxis: { readonly axisPlacement: AxisPlacement; readonly unit: Unit };
  readonly rowsFrame: { readonly layout: 'auto' | 'le' | 'ge' | 'unknown' };
  readonly tooltip: { readonly show: boolean; readonly yHistogram: boolean };
  readonly legend: { readonly show: boolean };
}

/** Status history options. */
export interface StatusHistoryOptions {
  readonly showValue: 'auto' | 'always' | 'never';
  readonly rowHeight: number;
  readonly colWidth: number;
  readonly legend: LegendOptions;
  readonly tooltip: TooltipOptions;
}

/** Status history field style. */
export interface StatusHistoryCustom {
  readonly lineWidth: number;
  readonly fillOpacity: number;
}

/** Table options. */
export interface TableOptions {
  readonly showHeader: boolean;
  readonly cellHeight: 'sm' | 'md' | 'lg';
  readonly footer: { readonly show: boolean; readonly reducer: readonly Reducer[]; readonly fields: string };
}

/** Table cell style. */
export interface TableCustom {
  readonly align: 'auto' | 'left' | 'center' | 'right';
  readonly cellOptions: { readonly type: 'auto' | 'color-text' | 'color-background' | 'gauge' | 'json-view' };
}

/** Pie chart options. */
export interface PieChartOptions {
  readonly reduceOptions: ReduceOptions;
  readonly pieType: 'pie' | 'donut';
  readonly legend: LegendOptions;
  readonly tooltip: TooltipOptions;
}

/** Bar gauge options. */
export interface BarGaugeOptions {
  readonly reduceOptions: ReduceOptions;
  readonly orientation: 'auto' | 'horizontal' | 'vertical';
  readonly displayMode: 'basic' | 'lcd' | 'gradient';
  readonly showUnfilled: boolean;
  readonly valueMode: 'color' | 'text' | 'hidden';
  readonly namePlacement: 'auto' | 'top' | 'left' | 'hidden';
  readonly sizing: 'auto' | 'manual';
  readonly minVizWidth: number;
  readonly minVizHeight: number;
}

export type TimeSeriesPanel = PanelOf<'timeseries', TimeSeriesOptions, TimeSeriesCustom>;
export type StatPanel = PanelOf<'stat', StatOptions, NoCustom>;
export type GaugePanel = PanelOf<'gauge', GaugeOptions, NoCustom>;
export type HeatmapPanel = PanelOf<'heatmap', HeatmapOptions, NoCustom>;
export type StatusHistoryPanel = PanelOf<'status-history', StatusHistoryOptions, StatusHistoryCustom>;
export type TablePanel = PanelOf<'table', TableOptions, TableCustom>;
export type PieChartPanel = PanelOf<'piechart', PieChartOptions, NoCustom>;
export type BarGaugePanel = PanelOf<'bargauge', BarGaugeOptions, NoCustom>;

/** Every panel the generator emits (discriminated by `type`). */
export type Panel =
  | TimeSeriesPanel
  | StatPanel
  | GaugePanel
  | HeatmapPanel
  | StatusHistoryPanel
  | TablePanel
  | PieChartPanel
  | BarGaugePanel;

/** The panel types of {@link Panel}. */
export type PanelType = Panel['type'];

/** A panel before layout: everything but `id` and `gridPos` (distributes over the variants). */
export type UnplacedPanel = Panel extends infer P
  ? P extends Panel
    ? Omit<P, 'id' | 'gridPos'>
    : never
  : never;
