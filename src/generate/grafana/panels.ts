/**
 * Composable Grafana panel builders (classic dashboard JSON, schemaVersion 39 = Grafana 10.x/11.x; panel
 * options as in https://grafana.com/docs/grafana/latest/panels-visualizations/visualizations/). A panel is built
 * from PromQL syntax trees (`../promql`), so its queries can only name catalog metrics; `dashboard.ts` assigns
 * ids and grid positions.
 */
import type { Expr } from '../promql/ast.ts';
import { printExpr } from '../promql/print.ts';
import { GRAFANA_DATASOURCE } from '../../model/grafana-datasource.ts';
import type {
  Color,
  FieldConfig,
  NoCustom,
  ThresholdStep,
  Unit,
  ValueMapping,
} from './model/field-config.ts';
import type {
  BarGaugePanel,
  DataSourceRef,
  GaugePanel,
  HeatmapPanel,
  LegendOptions,
  PanelOf,
  PanelType,
  PieChartPanel,
  ReduceOptions,
  StatPanel,
  StatusHistoryPanel,
  TablePanel,
  Target,
  TargetFormat,
  TimeSeriesPanel,
  TooltipOptions,
  UnplacedPanel,
} from './model/panel.ts';

/** The datasource every panel and target uses: the dashboard's `$datasource` variable. */
export const DATASOURCE: DataSourceRef = GRAFANA_DATASOURCE;

/** One query of a panel. */
export interface Query {
  readonly expr: Expr;
  readonly legend?: string;
  /** Evaluate once at the end of the range (tables, stats of counters over a window). */
  readonly instant?: boolean;
  readonly format?: TargetFormat;
}

/** A range query with an optional legend (the common case of a panel's queries). */
export const q = (expr: Expr, legend?: string): Query => (legend === undefined ? { expr } : { expr, legend });

/** A threshold step: color from `value` on (the first step has value null = from -Inf). */
export type Step = ThresholdStep;

/** Options shared by every panel builder. */
export interface PanelOptions {
  readonly description?: string;
  /** Grid width (1..24) and height. */
  readonly w?: number;
  readonly h?: number;
  /** Grafana unit id (s, Bps, percentunit, percent, short, ops, decbytes, currencyUSD, ...). */
  readonly unit?: Unit;
  readonly min?: number;
  readonly max?: number;
  readonly decimals?: number;
  readonly thresholds?: readonly Step[];
  /** Draw thresholds as lines (SLA lines) on time series. */
  readonly thresholdLines?: boolean;
  readonly mappings?: readonly ValueMapping[];
  /** Per-query overrides: refId -> unit (a second unit goes to the right axis). */
  readonly unitByRef?: Readonly<Record<string, Unit>>;
  /** Minimum query step, e.g. `$interval`. */
  readonly interval?: string;
}

/** A panel before layout (everything but `id` and `gridPos`) and the grid size it asks for. */
export interface PanelSpec {
  readonly w: number;
  readonly h: number;
  readonly panel: UnplacedPanel;
}

const REF_IDS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ';

/** Threshold steps from a base color and (value, color) pairs. */
export function steps(base: Color, ...rest: [number, Color][]): Step[] {
  return [{ color: base, value: null }, ...rest.map(([value, color]) => ({ color, value }))];
}

/** Value mappings for component health 0/1/2 (model/dwcp.ts HEALTH). */
export const HEALTH_MAPPINGS: readonly ValueMapping[] = [
  {
    type: 'value',
    options: {
      '0': { text: 'down', color: 'red', index: 0 },
      '1': { text: 'degraded', color: 'yellow', index: 1 },
      '2': { text: 'healthy', color: 'green', index: 2 },
    },
  },
];

/** One state of an encoded gauge: its numeric value, the text Grafana shows instead and the color. */
export interface ValueState {
  readonly value: number;
  readonly text: string;
  readonly color: Color;
}

/**
 * A value mapping (`type: 'value'`) from the states of an encoded gauge, e.g. the rollout decision 0/1/2 →
 * NO-GO/CAUTION/GO; `index` follows the order given.
 */
export function valueMappings(states: readonly ValueState[]): ValueMapping[] {
  return [
    {
      type: 'value',
      options: Object.fromEntries(
        states.map((s, index) => [String(s.value), { text: s.text, color: s.color, index }]),
      ),
    },
  ];
}

function targets(queries: readonly Query[]): Target[] {
  return queries.map((q, i) => ({
    refId: REF_IDS[i]!,
    datasource: DATASOURCE,
    expr: printExpr(q.expr),
    legendFormat: q.legend ?? '__auto',
    range: !q.instant,
    instant: q.instant ?? false,
    format: q.format ?? 'time_series',
  }));
}

function fieldConfig<C>(o: PanelOptions, custom: C): FieldConfig<C> {
  const defaults = {
    unit: o.unit ?? 'short',
    thresholds: { mode: 'absolute' as const, steps: o.thresholds ?? steps('green') },
    mappings: o.mappings ?? [],
    custom,
    ...(o.min !== undefined ? { min: o.min } : {}),
    ...(o.max !== undefined ? { max: o.max } : {}),
    ...(o.decimals !== undefined ? { decimals: o.decimals } : {}),
  };
  const overrides = Object.entries(o.unitByRef ?? {}).map(([ref, unit]) => ({
    matcher: { id: 'byFrameRefID' as const, options: ref },
    properties: [
      { id: 'unit' as const, value: unit },
      { id: 'custom.axisPlacement' as const, value: 'right' as const },
    ],
  }));
  return { defaults, overrides };
}

/** A panel of type `T` before layout, fields in the order of the generated JSON. */
function panel<T extends string, O, C>(
  type: T,
  title: string,
  queries: readonly Query[],
  o: PanelOptions,
  options: O,
  custom: C,
): Omit<PanelOf<T, O, C>, 'id' | 'gridPos'> {
  return {
    type,
    title,
    description: o.description ?? '',
    datasource: DATASOURCE,
    targets: targets(queries),
    fieldConfig: fieldConfig(o, custom),
    options,
    transformations: [],
    ...(o.interval ? { interval: o.interval } : {}),
  };
}

/** The grid size a panel asks for: the options' w/h or the builder's default. */
function spec(p: UnplacedPanel, o: PanelOptions, w = 12, h = 8): PanelSpec {
  return { w: o.w ?? w, h: o.h ?? h, panel: p };
}

const NO_CUSTOM: NoCustom = {};
const LEGEND: LegendOptions = { showLegend: true, displayMode: 'list', placement: 'bottom', calcs: [] };
const TOOLTIP: TooltipOptions = { mode: 'multi', sort: 'desc' };
const REDUCE: ReduceOptions = { values: false, calcs: ['lastNotNull'], fields: '' };

/** Time series (lines; `bars` for event counts). Threshold lines with `thresholdLines`. */
export function timeseries(
  title: string,
  queries: readonly Query[],
  o: PanelOptions = {},
  style: 'line' | 'bars' = 'line',
): PanelSpec {
  const p: Omit<TimeSeriesPanel, 'id' | 'gridPos'> = panel(
    'timeseries',
    title,
    queries,
    o,
    { legend: LEGEND, tooltip: TOOLTIP },
    {
      drawStyle: style,
      lineWidth: 1,
      fillOpacity: style === 'bars' ? 80 : 10,
      showPoints: 'never',
      spanNulls: false,
      stacking: { mode: style === 'bars' ? 'normal' : 'none', group: 'A' },
      thresholdsStyle: { mode: o.thresholdLines ? 'line' : 'off' },
    },
  );
  return spec(p, o);
}

/** Single value with background color from thresholds. */
export function stat(title: string, queries: readonly Query[], o: PanelOptions = {}): PanelSpec {
  const p: Omit<StatPanel, 'id' | 'gridPos'> = panel(
    'stat',
    title,
    queries,
    o,
    {
      reduceOptions: REDUCE,
      colorMode: 'background',
      graphMode: 'area',
      justifyMode: 'auto',
      orientation: 'auto',
      textMode: 'auto',
    },
    NO_CUSTOM,
  );
  return spec(p, o, 6, 5);
}

/** Gauge with threshold colors. */
export function gauge(title: string, queries: readonly Query[], o: PanelOptions = {}): PanelSpec {
  const p: Omit<GaugePanel, 'id' | 'gridPos'> = panel(
    'gauge',
    title,
    queries,
    o,
    { reduceOptions: REDUCE, showThresholdLabels: false, showThresholdMarkers: true },
    NO_CUSTOM,
  );
  return spec(p, o, 6, 6);
}

/** Heatmap of a histogram's buckets (query format `heatmap`, `sum by (le) (rate(..._bucket[...]))`). */
export function heatmap(title: string, query: Query, o: PanelOptions = {}): PanelSpec {
  const p: Omit<HeatmapPanel, 'id' | 'gridPos'> = panel(
    'heatmap',
    title,
    [{ ...query, format: 'heatmap', legend: query.legend ?? '{{le}}' }],
    o,
    {
      calculate: false,
      cellGap: 1,
      color: {
        mode: 'scheme',
        scheme: 'Oranges',
        steps: 64,
        exponent: 0.5,
        fill: 'dark-orange',
        reverse: false,
      },
      yAxis: { axisPlacement: 'left', unit: o.unit ?? 's' },
      rowsFrame: { layout: 'auto' },
      tooltip: { show: true, yHistogram: false },
      legend: { show: true },
    },
    NO_CUSTOM,
  );
  return spec(p, o);
}

/** State over time per series (health matrices) with value mappings. */
export function statusHistory(title: string, queries: readonly Query[], o: PanelOptions = {}): PanelSpec {
  const p: Omit<StatusHistoryPanel, 'id' | 'gridPos'> = panel(
    'status-history',
    title,
    queries,
    o,
    {
      showValue: 'auto',
      rowHeight: 0.9,
      colWidth: 0.9,
      legend: LEGEND,
      tooltip: { mode: 'single', sort: 'none' },
    },
    { lineWidth: 1, fillOpacity: 70 },
  );
  return spec(p, o, 24, 8);
}

/** Table of instant query results. */
export function table(title: string, queries: readonly Query[], o: PanelOptions = {}): PanelSpec {
  const p: Omit<TablePanel, 'id' | 'gridPos'> = panel(
    'table',
    title,
    queries.map((q) => ({ ...q, instant: true, format: 'table' as const })),
    o,
    { showHeader: true, cellHeight: 'sm', footer: { show: false, reducer: ['sum'], fields: '' } },
    { align: 'auto', cellOptions: { type: 'auto' } },
  );
  return spec(p, o);
}

/** Pie chart of the last values of several series. */
export function piechart(title: string, queries: readonly Query[], o: PanelOptions = {}): PanelSpec {
  const p: Omit<PieChartPanel, 'id' | 'gridPos'> = panel(
    'piechart',
    title,
    queries,
    o,
    {
      reduceOptions: REDUCE,
      pieType: 'pie',
      legend: { ...LEGEND, placement: 'right', values: ['percent'] },
      tooltip: { mode: 'single', sort: 'none' },
    },
    NO_CUSTOM,
  );
  return spec(p, o, 8, 8);
}

/** Horizontal bar gauge of the last values. */
export function bargauge(title: string, queries: readonly Query[], o: PanelOptions = {}): PanelSpec {
  const p: Omit<BarGaugePanel, 'id' | 'gridPos'> = panel(
    'bargauge',
    title,
    queries,
    o,
    {
      reduceOptions: REDUCE,
      orientation: 'horizontal',
      displayMode: 'gradient',
      showUnfilled: true,
      valueMode: 'color',
      namePlacement: 'auto',
      sizing: 'auto',
      minVizWidth: 0,
      minVizHeight: 10,
    },
    NO_CUSTOM,
  );
  return spec(p, o);
}

/** Every panel builder by Grafana panel type (used by the validator and tests). */
export const PANEL_TYPES = [
  'timeseries',
  'stat',
  'gauge',
  'heatmap',
  'status-history',
  'table',
  'piechart',
  'bargauge',
] as const satisfies readonly PanelType[];
