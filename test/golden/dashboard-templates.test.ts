/**
 * The built-in dashboard templates against golden files (test/golden/fixtures/dashboard-templates/<name>.json;
 * regenerate with UPDATE_GOLDEN=1 after a deliberate change), and what each audience needs: every template
 * validates, uses catalog metrics only, and shows its audience's metrics.
 */
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { test } from 'node:test';
import { findMetric } from '../../src/catalog/index.ts';
import type { DashboardSpec } from '../../src/contract/dashboard-spec.ts';
import { allTemplates, template } from '../../src/dashboards/templates.ts';
import { parseDashboardSpec } from '../../src/dashboards/validate.ts';

const DIR = new URL('./fixtures/dashboard-templates/', import.meta.url);

function metricsOf(d: DashboardSpec): Set<string> {
  const out = new Set<string>();
  for (const w of d.widgets)
    if ('queries' in w) for (const q of w.queries) if (q.kind === 'metric') out.add(q.metric);
  return out;
}

for (const { name, dashboard } of allTemplates()) {
  test(`template ${name} matches its golden file and validates again unchanged`, () => {
    const actual = JSON.stringify(dashboard, null, 2) + '\n';
    const file = new URL(`${name}.json`, DIR);
    if (process.env['UPDATE_GOLDEN'] === '1') writeFileSync(file, actual);
    assert.equal(actual, readFileSync(file, 'utf8'));
    assert.deepEqual(parseDashboardSpec(JSON.parse(actual)), dashboard);
    for (const m of metricsOf(dashboard)) assert.ok(findMetric(m), `${m} is a catalog metric`);
  });
}

test('each template shows what its audience needs', () => {
  const types = (d: DashboardSpec) => new Set(d.widgets.map((w) => w.type));
  const exec = template('executive');
  assert.ok(metricsOf(exec).has('dwcp_monitor_slo_compliance_ratio'), 'availability SLAs');
  assert.ok(metricsOf(exec).has('dwcp_v3_resource_utilization_percent'), 'utilisation trends');
  assert.ok(types(exec).has('alert_list'), 'incident summary');
  const ops = template('operations');
  for (const t of ['status', 'alert_list', 'table', 'topology', 'line'] as const)
    assert.ok(types(ops).has(t), `operations has ${t}`);
  assert.ok(
    ops.widgets.some((w) => w.links.some((l) => l.url.includes('$node'))),
    'utilisation drills down to the node',
  );
  const dev = template('developer');
  assert.ok(metricsOf(dev).has('dwcp_v3_component_errors_total'), 'error rates');
  assert.ok(types(dev).has('logs'), 'logs');
  assert.ok(
    dev.widgets.some((w) => w.links.some((l) => l.url.startsWith('/api/traces'))),
    'traces',
  );
  const ten = template('tenant');
  assert.ok(metricsOf(ten).has('dwcp_v3_sla_compliance'), 'SLA compliance');
  assert.ok(
    ten.variables.some((v) => v.name === 'node'),
    'scoped to a node',
  );
});
