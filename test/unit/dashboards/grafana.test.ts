/**
 * Grafana dashboard JSON import and export: each of the 16 generated dashboards (src/generate/grafana) imported,
 * exported and compared panel by panel — type, title, grid position, every query (refId, expression, legend,
 * format, instant) and every unit (field default and per-query overrides) — and imported again to the same spec;
 * exported metric queries as PromQL; a variable selection carried as Grafana's `current` both ways; bad input
 * refused naming its path.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { importGrafanaDashboard } from '../../../src/dashboards/grafana-import.ts';
import { ALL_VALUE, withSelection } from '../../../src/dashboards/export-selection.ts';
import { exportGrafanaDashboard, metricQueryPromql } from '../../../src/dashboards/grafana-export.ts';
import { parseDashboardSpec } from '../../../src/dashboards/validate.ts';
import { InvalidInputError } from '../../../src/errors.ts';
import { template } from '../../../src/dashboards/templates.ts';
import { allDashboards } from '../../../src/generate/grafana/index.ts';
import { fullSpec } from '../../helpers/dashboard-fixtures.ts';

interface PanelView {
  type: string;
  title: string;
  gridPos: unknown;
  queries: { refId: string; expr: string; legendFormat: string; format: string; instant: boolean }[];
  unit: string | undefined;
  overrides: [string, string | undefined][];
}

function view(panel: unknown): PanelView {
  const p = panel as {
    type: string;
    title: string;
    gridPos: unknown;
    targets: { refId: string; expr: string; legendFormat: string; format: string; instant: boolean }[];
    fieldConfig: {
      defaults: { unit?: string };
      overrides: { matcher: { options: string }; properties: { id: string; value: unknown }[] }[];
    };
  };
  return {
    type: p.type,
    title: p.title,
    gridPos: p.gridPos,
    queries: p.targets.map((t) => ({
      refId: t.refId,
      expr: t.expr,
      legendFormat: t.legendFormat,
      format: t.format,
      instant: t.instant,
    })),
    unit: p.fieldConfig.defaults.unit,
    overrides: p.fieldConfig.overrides.map((o) => [
      o.matcher.options,
      o.properties.find((x) => x.id === 'unit')?.value as string | undefined,
    ]),
  };
}

const generated = allDashboards();

test('there are 16 generated dashboards to round-trip', () => {
  assert.equal(generated.length, 16);
});

for (const g of generated) {
  test(`round trip of ${g.uid}: panels, queries and units survive import and export`, () => {
    const { dashboard, warnings } = importGrafanaDashboard(JSON.parse(JSON.stringify(g)));
    assert.deepEqual(warnings, []);
    assert.equal(dashboard.widgets.length, g.panels.length);
    const exported = exportGrafanaDashboard(dashboard) as {
      title: string;
      panels: unknown[];
      refresh: string;
      time: unknown;
      tags: string[];
    };
    assert.equal(exported.title, g.title);
    assert.equal(exported.refresh, g.refresh);
    assert.deepEqual(exported.time, g.time);
    assert.deepEqual(exported.tags, g.tags);
    assert.deepEqual(exported.panels.map(view), g.panels.map(view));
    assert.deepEqual(importGrafanaDashboard(exported).dashboard, dashboard);
    const names = (d: { templating: { list: { name: string }[] } }) => d.templating.list.map((v) => v.name);
    assert.deepEqual(
      names(exported as unknown as Parameters<typeof names>[0]),
      names(g as unknown as Parameters<typeof names>[0]),
    );
  });
}

test('export writes catalog metric queries as PromQL and keeps units, thresholds and links', () => {
  const spec = parseDashboardSpec(fullSpec());
  const out = exportGrafanaDashboard(spec, 3) as {
    version: number;
    panels: {
      type: string;
      targets: { expr: string }[];
      fieldConfig: { defaults: { thresholds?: unknown } };
      links: unknown[];
    }[];
  };
  assert.equal(out.version, 3);
  assert.deepEqual(
    out.panels.map((p) => p.type),
    [
      'timeseries',
      'timeseries',
      'timeseries',
      'heatmap',
      'gauge',
      'status-history',
      'bargauge',
      'alertlist',
      'table',
      'logs',
      'nodeGraph',
      'stat',
    ],
  );
  assert.equal(
    out.panels[0]!.targets[0]!.expr,
    'sum by (cluster) (rate(dwcp_amst_bytes_sent_total{cluster=~"$cluster"}[$__rate_interval]))',
  );
  assert.deepEqual(out.panels[0]!.fieldConfig.defaults.thresholds, {
    mode: 'absolute',
    steps: [
      { color: 'green', value: null },
      { color: 'red', value: 1e9 },
    ],
  });
  assert.equal(out.panels[0]!.links.length, 1);
  assert.equal(
    metricQueryPromql({
      kind: 'metric',
      refId: 'A',
      metric: 'up',
      match: { job: 'a"b' },
      agg: 'p95',
      by: [],
    }),
    'quantile (0.95, up{job="a\\"b"})',
  );
  // The anomaly table has no PromQL equivalent: it is exported without targets and left out on import, with a warning.
  const back = importGrafanaDashboard(out);
  assert.deepEqual(
    back.dashboard.widgets.map((w) => w.type),
    [
      'line',
      'stacked_area',
      'bar',
      'heatmap',
      'gauge',
      'status',
      'progress',
      'alert_list',
      'logs',
      'topology',
      'stat',
    ],
  );
  assert.deepEqual(back.warnings, ['panels[8] "Anomalies": no queries; left out']);
});

test('bad input: not a dashboard, a bad panel, and unsupported panel types are named', () => {
  assert.throws(
    () => importGrafanaDashboard({ panels: [] }),
    (e: unknown) => e instanceof InvalidInputError && /title/.test(e.message),
  );
  assert.throws(
    () => importGrafanaDashboard({ title: 't', panels: [{ type: 'stat' }] }),
    (e: unknown) => e instanceof InvalidInputError && /panels\[0\]\.gridPos/.test(e.message),
  );
  const r = importGrafanaDashboard({
    title: 't',
    panels: [{ type: 'text', title: 'Notes', gridPos: { x: 0, y: 0, w: 4, h: 4 } }],
  });
  assert.equal(r.dashboard.widgets.length, 0);
  assert.match(r.warnings[0]!, /panel type text has no widget type/);
});

test("a selection becomes each variable's current in the Grafana export, and an import keeps it (All and bad values are no selection)", () => {
  const spec = parseDashboardSpec({
    ...fullSpec(),
    variables: [
      { kind: 'custom', name: 'cluster', values: ['c1', 'c2'], multi: false },
      { kind: 'label_values', name: 'node', labelName: 'node_id', metric: 'dwcp_amst_streams_active' },
      { kind: 'interval', name: 'step', values: ['1m', '5m'], default: '1m' },
      { kind: 'textbox', name: 'q', default: '' },
    ],
  });
  const picked = withSelection(spec, {
    cluster: ['c2', 'c1'],
    node: ['n1', 'n2', 'n1'],
    step: ['10m'],
    q: ['migration'],
  });
  assert.deepEqual(
    picked.variables.map((v) => ('current' in v ? v.current : 'default' in v ? v.default : undefined)),
    [['c2'], ['n1', 'n2'], '1m', 'migration'],
    'single-value takes one; an unknown interval is ignored',
  );
  assert.equal(withSelection(spec, {}), spec);
  assert.equal(
    'current' in withSelection(picked, { node: [ALL_VALUE] }).variables[1]!,
    false,
    'All clears a saved selection',
  );
  const out = exportGrafanaDashboard(picked) as {
    templating: {
      list: { name: string; current: unknown; options?: { value: string; selected: boolean }[] }[];
    };
  };
  const byName = Object.fromEntries(out.templating.list.map((v) => [v.name, v]));
  assert.deepEqual(byName['cluster']!.current, { selected: true, text: 'c2', value: 'c2' });
  assert.deepEqual(
    byName['cluster']!.options!.filter((o) => o.selected).map((o) => o.value),
    ['c2'],
  );
  assert.deepEqual(byName['node']!.current, { selected: true, text: ['n1', 'n2'], value: ['n1', 'n2'] });
  assert.deepEqual(byName['q']!.current, { selected: false, text: 'migration', value: 'migration' });
  assert.deepEqual(
    exportGrafanaDashboard(spec).templating,
    (exportGrafanaDashboard(withSelection(spec, { node: [] })) as { templating: unknown }).templating,
    'no values = All',
  );
  const back = importGrafanaDashboard(out).dashboard;
  assert.deepEqual(
    back.variables.map((v) => ('current' in v ? v.current : undefined)),
    [['c2'], ['n1', 'n2'], undefined, undefined],
  );
  const all = importGrafanaDashboard({
    ...out,
    templating: { list: [{ ...byName['node'], current: { text: 'All', value: ['$__all', '', 7] } }] },
  }).dashboard;
  assert.equal('current' in all.variables[0]!, false);
});

test('an alert list keeps its status filter and row limit through a Grafana export and import', () => {
  const ops = template('operations');
  const list = (status: 'firing' | 'resolved' | undefined, limit: number, id: string) => ({
    id,
    type: 'alert_list' as const,
    title: id,
    gridPos: { x: 0, y: 0, w: 12, h: 8 },
    query: { kind: 'incidents' as const, ...(status === undefined ? {} : { status }), limit },
  });
  const spec = parseDashboardSpec({
    ...ops,
    widgets: [list('firing', 50, 'firing'), list('resolved', 7, 'resolved'), list(undefined, 500, 'all')],
  });
  const out = exportGrafanaDashboard(spec) as { panels: { options: unknown }[] };
  assert.deepEqual(
    out.panels.map((p) => p.options),
    [
      { stateFilter: { firing: true }, maxItems: 50 },
      { stateFilter: { normal: true }, maxItems: 7 },
      { stateFilter: {}, maxItems: 500 },
    ],
  );
  const back = importGrafanaDashboard(out).dashboard.widgets.map((w) => ('query' in w ? w.query : undefined));
  assert.deepEqual(back, [
    { kind: 'incidents', status: 'firing', limit: 50 },
    { kind: 'incidents', status: 'resolved', limit: 7 },
    { kind: 'incidents', limit: 500 },
  ]);
  // the Operations template's "Firing incidents" list still lists firing incidents only after the round trip
  const firing = importGrafanaDashboard(exportGrafanaDashboard(ops)).dashboard.widgets.find(
    (w) => w.title === 'Firing incidents',
  );
  assert.deepEqual(firing && 'query' in firing ? firing.query : undefined, {
    kind: 'incidents',
    status: 'firing',
    limit: 50,
  });
  // Grafana 7's `ok` is the normal state; maxItems outside 1..500 is clamped
  const legacy = importGrafanaDashboard({
    title: 't',
    panels: [
      {
        type: 'alertlist',
        title: 'ok',
        gridPos: { x: 0, y: 0, w: 4, h: 4 },
        options: { stateFilter: { ok: true }, maxItems: 10_000 },
      },
    ],
  }).dashboard.widgets[0];
  assert.deepEqual(legacy && 'query' in legacy ? legacy.query : undefined, {
    kind: 'incidents',
    status: 'resolved',
    limit: 500,
  });
});
