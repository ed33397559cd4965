/** Building a new widget of the dashboard editor from the few choices of its form. */
import type { Aggregation } from '../../../src/contract/series.ts';
import type { MetricQuery, Widget, WidgetType } from '../../../src/contract/dashboard-spec.ts';

/** What the add-widget form asks for. */
export interface NewWidgetChoice {
  readonly type: WidgetType;
  readonly title: string;
  /** Catalog metric of series widgets (ignored by alert list, logs and topology). */
  readonly metric: string;
  readonly agg: Aggregation;
  /** Labels to group by, comma-separated. */
  readonly by: string;
}

/** Widget types that need no metric (their query is fixed). */
export const METRICLESS: ReadonlySet<WidgetType> = new Set(['alert_list', 'logs', 'topology']);

/** A widget id from the title, unique among `taken` (`throughput`, `throughput-2`, ...). */
export function widgetId(title: string, taken: ReadonlySet<string>): string {
  const base =
    title
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-+|-+$/g, '')
      .slice(0, 56) || 'widget';
  let id = base;
  for (let n = 2; taken.has(id); n++) id = `${base}-${n}`;
  return id;
}

/** The new widget, half the grid wide, placed below every existing widget. */
export function buildWidget(c: NewWidgetChoice, existing: readonly Widget[]): Widget {
  const common = {
    id: widgetId(c.title, new Set(existing.map((w) => w.id))),
    title: c.title,
    gridPos: { x: 0, y: existing.reduce((y, w) => Math.max(y, w.gridPos.y + w.gridPos.h), 0), w: 12, h: 8 },
    links: [],
  };
  const by = c.by
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
  const queries: [MetricQuery] = [
    { kind: 'metric', refId: 'A', metric: c.metric, match: {}, agg: c.agg, by },
  ];
  switch (c.type) {
    case 'line':
      return { ...common, type: 'line', queries, options: {} };
    case 'stacked_area':
      return { ...common, type: 'stacked_area', queries, options: { stacking: 'normal' } };
    case 'bar':
      return { ...common, type: 'bar', queries, options: { style: 'bars', reduce: 'last' } };
    case 'heatmap':
      return { ...common, type: 'heatmap', queries, options: { scheme: 'Oranges' } };
    case 'gauge':
      return { ...common, type: 'gauge', queries, options: { reduce: 'last' } };
    case 'status':
      return { ...common, type: 'status', queries, options: { reduce: 'last', mappings: [] } };
    case 'progress':
      return { ...common, type: 'progress', queries, options: { reduce: 'last' } };
    case 'stat':
      return { ...common, type: 'stat', queries, options: { reduce: 'last', sparkline: false } };
    case 'table':
      return {
        ...common,
        type: 'table',
        queries,
        options: { pageSize: 25, sortDesc: false, filterable: true },
      };
    case 'alert_list':
      return { ...common, type: 'alert_list', query: { kind: 'incidents', limit: 50 }, options: {} };
    case 'logs':
      return {
        ...common,
        type: 'logs',
        query: { kind: 'logs', match: {}, limit: 100 },
        options: { wrap: false },
      };
    case 'topology':
      return { ...common, type: 'topology', query: { kind: 'network' }, options: {} };
  }
}
