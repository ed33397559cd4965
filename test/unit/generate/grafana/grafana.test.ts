import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { dashboard, layout } from '../../../../src/generate/grafana/dashboard.ts';
import { allDashboards } from '../../../../src/generate/grafana/index.ts';
import type { Dashboard } from '../../../../src/generate/grafana/model/dashboard.ts';
import type { Panel } from '../../../../src/generate/grafana/model/panel.ts';
import { PANEL_TYPES, stat, timeseries } from '../../../../src/generate/grafana/panels.ts';
import { phase6Dashboard } from '../../../../src/generate/grafana/phase6.ts';
import { renderDashboardProvider } from '../../../../src/generate/grafana/provisioning.ts';
import { DASHBOARD_UIDS } from '../../../../src/generate/grafana/uids.ts';
import { v1Dashboard } from '../../../../src/generate/grafana/v1.ts';
import { referencedVariables, validateDashboard } from '../../../../src/generate/grafana/validate.ts';
import { num } from '../../../../src/generate/promql/build.ts';
import { DECISION_VALUE } from '../../../../src/contract/rollout.ts';
import { parse } from 'yaml';

const dashboards: readonly Dashboard[] = allDashboards();

describe('generated dashboards', () => {
  it('are the 16 dashboards of seeds 000-003 with their uids', () => {
    assert.equal(dashboards.length, 16);
    const uids = dashboards.map((d) => d.uid);
    for (const u of [
      'dwcp-v3-main',
      'dwcp-v3-datacenter',
      'dwcp-v3-internet',
      'dwcp-v3-hybrid',
      'dwcp-v3-amst',
      'dwcp-v3-hde',
      'dwcp-v3-pba',
      'dwcp-v3-ass',
      'dwcp-v3-acp',
      'dwcp-v3-itp',
    ]) {
      assert.ok(uids.includes(u), u);
    }
    assert.deepEqual(new Set(uids), new Set(Object.values(DASHBOARD_UIDS)));
  });

  it('pass the structural validator (required fields, ids, grid, variables)', () => {
    for (const d of dashboards) assert.deepEqual(validateDashboard(d), [], d.uid);
  });

  it('use schemaVersion 39 and the $datasource variable everywhere', () => {
    for (const d of dashboards) {
      assert.equal(d.schemaVersion, 39);
      assert.equal(d.templating.list[0]!.name, 'datasource');
      assert.equal(d.templating.list[0]!.type, 'datasource');
    }
  });

  it('v1 dashboard has the 18 panels of seed 001 with the SLA lines and the price variable', () => {
    const d = v1Dashboard();
    assert.equal(d.panels.length, 18);
    const panel = (t: string) => d.panels.find((p) => p.title.startsWith(t))!;
    const steps = (p: Panel) => p.fieldConfig.defaults.thresholds.steps.map((s) => s.value);
    assert.ok(steps(panel('Average Migration Time')).includes(300));
    assert.ok(steps(panel('Overall Error Rate')).includes(0.01));
    assert.match(panel('Cost Savings').targets[0]!.expr, /\$price_per_gb/);
    assert.equal(panel('Cost Savings').fieldConfig.defaults.unit, 'currencyUSD');
    assert.ok(d.templating.list.some((v) => v.name === 'price_per_gb'));
  });

  it('Phase 6 dashboard: GO/NO-GO, variables $component/$region/$interval, 5 s refresh, SLA lines', () => {
    const d = phase6Dashboard();
    assert.equal(d.uid, 'dwcp-v3-phase6-live');
    assert.equal(d.refresh, '5s');
    assert.deepEqual(
      d.templating.list.map((v) => v.name),
      ['datasource', 'component', 'region', 'interval'],
    );
    assert.equal(d.panels[0]!.title, 'GO/NO-GO');
    const lat = d.panels.find((p) => p.title.startsWith('Migration Switchover Downtime'))!;
    assert.equal(lat.targets.length, 3);
    const tp = d.panels.find((p) => p.title.startsWith('Throughput'))!;
    const steps = tp.fieldConfig.defaults.thresholds.steps.map((s) => s.value);
    assert.ok(steps.includes(2.4e9));
    for (const t of ['Rollout Progress', 'Error Rate', 'Component Health', 'Anomaly Timeline', 'v1 vs v3'])
      assert.ok(
        d.panels.some((p) => p.title.startsWith(t)),
        t,
      );
  });

  it('Phase 6 GO/NO-GO reads the monitor decision and maps 0/1/2 to NO-GO/CAUTION/GO', () => {
    const d = phase6Dashboard();
    const go = d.panels.find((p) => p.title === 'GO/NO-GO')!;
    assert.equal(go.type, 'stat');
    assert.equal(go.targets.length, 1);
    assert.equal(go.targets[0]!.expr, 'min (dwcp_monitor_rollout_decision)');
    const mappings = go.fieldConfig.defaults.mappings;
    assert.equal(mappings.length, 1);
    const mapping = mappings[0]!;
    assert.equal(mapping.type, 'value');
    if (mapping.type !== 'value') return;
    const byValue = Object.fromEntries(
      Object.entries(mapping.options).map(([v, r]) => [v, [r.text, r.color]]),
    );
    assert.deepEqual(byValue, {
      [String(DECISION_VALUE['NO-GO'])]: ['NO-GO', 'red'],
      [String(DECISION_VALUE.CAUTION)]: ['CAUTION', 'yellow'],
      [String(DECISION_VALUE.GO)]: ['GO', 'green'],
    });
    const exprOf = (title: string) => d.panels.find((p) => p.title === title)!.targets[0]!.expr;
    assert.equal(exprOf('Rollout Score'), 'min (dwcp_monitor_rollout_score)');
    assert.equal(
      exprOf('SLO Error Budget Remaining'),
      'min by (slo) (dwcp_monitor_slo_error_budget_remaining_ratio)',
    );
    assert.equal(
      exprOf('Region Health Score'),
      'min by (region) (dwcp_monitor_region_health_score{region=~"$region"})',
    );
    // The SLA-rule view is kept, labelled, and no longer pretends to be the decision.
    const sla = d.panels.find((p) => p.title === 'SLA Score (Prometheus rules)')!;
    assert.match(sla.targets[0]!.expr, /dwcp_v3_sla_compliance/);
    assert.deepEqual(sla.fieldConfig.defaults.mappings, []);
  });

  it('every panel type is one of the composable builders, and every builder is used', () => {
    const types = new Set<string>(dashboards.flatMap((d) => d.panels.map((p) => p.type)));
    for (const t of types) assert.ok((PANEL_TYPES as readonly string[]).includes(t), t);
    for (const t of PANEL_TYPES) assert.ok(types.has(t), t);
  });
});

describe('dashboard validator', () => {
  const base = {
    uid: 'test-dashboard',
    title: 'X',
    tags: [],
    description: 'd',
    refresh: '5s',
    from: 'now-1h',
    source: 'test',
  };

  it('accepts a minimal valid dashboard', () => {
    assert.deepEqual(validateDashboard(dashboard(base, [stat('A', [{ expr: num(1) }])])), []);
  });

  it('finds duplicate ids, overlaps, unknown variables and missing fields', () => {
    // A dashboard as read back from a JSON file, then broken in several ways.
    const d = JSON.parse(
      JSON.stringify(
        dashboard(base, [timeseries('A', [{ expr: num(1) }]), timeseries('B', [{ expr: num(2) }])]),
      ),
    ) as { panels: Record<string, unknown>[] } & Record<string, unknown>;
    d.panels[1]!.id = 1;
    d.panels[1]!.gridPos = { x: 6, y: 0, w: 12, h: 8 };
    (d.panels[0]!.targets as { expr: string }[])[0]!.expr = 'up{region=~"$nope"}';
    delete d.schemaVersion;
    const fc = d.panels[0]!.fieldConfig as {
      defaults: { thresholds: { steps: { value: number | null }[] } };
    };
    fc.defaults.thresholds.steps = [{ value: 5 }, { value: 1 }] as { value: number | null }[];
    delete d.panels[1]!.transformations;
    d.uid = 'short';
    const problems = validateDashboard(d);
    assert.ok(
      problems.some((p) => p.includes('first threshold step')),
      problems.join('\n'),
    );
    assert.ok(
      problems.some((p) => p.includes('transformations missing')),
      problems.join('\n'),
    );
    assert.ok(
      problems.some((p) => p.includes('uid must be')),
      problems.join('\n'),
    );
    assert.ok(
      problems.some((p) => p.includes('duplicate id')),
      problems.join('\n'),
    );
    assert.ok(
      problems.some((p) => p.includes('overlaps')),
      problems.join('\n'),
    );
    assert.ok(
      problems.some((p) => p.includes('undefined $nope')),
      problems.join('\n'),
    );
    assert.ok(
      problems.some((p) => p.includes('schemaVersion')),
      problems.join('\n'),
    );
  });

  it('finds variable references in all Grafana syntaxes', () => {
    assert.deepEqual(referencedVariables('a $x ${y} ${z:regex} [[w]]').sort(), ['w', 'x', 'y', 'z']);
  });

  it('layout packs panels into 24 columns', () => {
    const l = layout([
      stat('a', [{ expr: num(1) }], { w: 12 }),
      stat('b', [{ expr: num(1) }], { w: 12 }),
      stat('c', [{ expr: num(1) }], { w: 12 }),
    ]);
    assert.deepEqual(
      l.map((p) => p.gridPos),
      [
        { x: 0, y: 0, w: 12, h: 5 },
        { x: 12, y: 0, w: 12, h: 5 },
        { x: 0, y: 5, w: 12, h: 5 },
      ],
    );
  });
});

describe('provisioning', () => {
  it('declares a file provider', () => {
    const p = parse(renderDashboardProvider()) as {
      apiVersion: number;
      providers: { type: string; options: { path: string } }[];
    };
    assert.equal(p.apiVersion, 1);
    assert.equal(p.providers[0]!.type, 'file');
    assert.ok(p.providers[0]!.options.path.length > 0);
  });
});
