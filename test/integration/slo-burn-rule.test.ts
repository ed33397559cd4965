/**
 * DWCPSLOAvailabilityBudgetBurnFast needs enough migrations in its long window that one failure cannot exceed the
 * burn threshold on its own (70 in 1h for 14.4x at 99.9 %): the generated rule files are run by the real
 * `promtool test rules` over a region that starts 8 v3 migrations a minute, from a cold start:
 * - one failure at minute 3 keeps the workbook's bare condition (1h and 5m ratios above 1.44 %) true from minute 3
 *   to minute 7, long enough for its `for` of 2m, yet the page stays silent: the 1h window holds fewer than 70
 *   migrations until the ratio has fallen below the threshold (1 of 72 at minute 8);
 * - half of the migrations failing from minute 20 pages once `for` (2m) has elapsed.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { stringify } from 'yaml';
import { generateAll, writeTree } from '../../src/generate/index.ts';
import { allAlerts } from '../../src/generate/rules/index.ts';
import {
  alertAnnotations,
  DEFAULT_RUNBOOK_BASE_URL,
  expandAnnotation,
} from '../../src/generate/rules/render.ts';
import { requireBinary } from '../helpers/binaries.ts';

const promtool = requireBinary('promtool');
const skip = promtool ? false : 'promtool not installed (apt-get install prometheus)';

const dir = mkdtempSync(join(tmpdir(), 'dwcp-slo-burn-rule-'));
after(() => rmSync(dir, { recursive: true, force: true }));
writeTree(dir, generateAll());

const PER_MINUTE = 8;
const REGION = 'us-east-1';
const TARGET = `job="dwcp", instance="node-1:9400", region="${REGION}", node_id="node-1", mode="datacenter"`;
const PAGE = 'DWCPSLOAvailabilityBudgetBurnFast';
const BARE_1H =
  'dwcp:slo_availability:error_ratio_rate1h > 14.4 * 0.001 and dwcp:slo_availability:error_ratio_rate5m > 14.4 * 0.001';

/** Cumulative success/failure counters, one sample a minute over `minutes`; `failed(i)` of minute i's migrations fail. */
function counters(minutes: number, failed: (i: number) => number): { success: string; failure: string } {
  let ok = 0;
  let bad = 0;
  const s: number[] = [];
  const f: number[] = [];
  for (let i = 0; i < minutes; i++) {
    const n = failed(i);
    bad += n;
    ok += PER_MINUTE - n;
    s.push(ok);
    f.push(bad);
  }
  return { success: s.join(' '), failure: f.join(' ') };
}

function expectedPage(): Record<string, unknown> {
  const a = allAlerts().find((x) => x.name === PAGE)!;
  const labels = { region: REGION, severity: a.severity, escalation: a.escalation, component: a.component };
  const annotations = Object.fromEntries(
    Object.entries(alertAnnotations(a, DEFAULT_RUNBOOK_BASE_URL)).map(([k, v]) => [
      k,
      expandAnnotation(v, labels),
    ]),
  );
  return { exp_labels: labels, exp_annotations: annotations };
}

/** Runs one promtool test over the counters: the page's expected state and the bare condition's, per eval time. */
function runCase(
  name: string,
  c: { success: string; failure: string },
  checks: { at: string; firing: boolean }[],
  bareAbove: string[],
): string {
  const test = {
    rule_files: [
      join(dir, 'prometheus/rules/dwcp-slo-recording.yml'),
      join(dir, 'prometheus/rules/dwcp-slo-alerts.yml'),
    ],
    evaluation_interval: '30s',
    tests: [
      {
        name,
        interval: '1m',
        input_series: [
          { series: `dwcp_v3_migration_success_total{${TARGET}}`, values: c.success },
          { series: `dwcp_v3_migration_failures_total{${TARGET}}`, values: c.failure },
        ],
        alert_rule_test: checks.map((x) => ({
          eval_time: x.at,
          alertname: PAGE,
          exp_alerts: x.firing ? [expectedPage()] : [],
        })),
        promql_expr_test: bareAbove.map((at) => ({
          expr: `count(${BARE_1H})`,
          eval_time: at,
          exp_samples: [{ labels: '{}', value: 1 }],
        })),
      },
    ],
  };
  const file = join(dir, `${name}.test.yml`);
  writeFileSync(file, stringify(test));
  const r = spawnSync(promtool!, ['test', 'rules', file], { cwd: dir, encoding: 'utf8', timeout: 60_000 });
  return `${r.status}\n${r.stdout}\n${r.stderr}`;
}

describe(
  'DWCPSLOAvailabilityBudgetBurnFast on the generated rules at low traffic (promtool)',
  { skip },
  () => {
    it('one failed migration after a cold start exceeds the bare 1h/5m condition for minutes but never pages', () => {
      const c = counters(40, (i) => (i === 3 ? 1 : 0));
      const checks = [4, 5, 6, 7, 8, 10, 15, 20, 30, 39].map((m) => ({ at: `${m}m`, firing: false }));
      const out = runCase('single-failure-cold-start', c, checks, ['3m', '4m', '5m', '6m', '7m']);
      assert.match(out, /^0\n/, out);
    });

    it('half of the migrations failing pages once for has elapsed', () => {
      const c = counters(40, (i) => (i >= 20 ? PER_MINUTE / 2 : 0));
      const out = runCase(
        'outage',
        c,
        [
          { at: '19m', firing: false },
          { at: '26m', firing: true },
        ],
        [],
      );
      assert.match(out, /^0\n/, out);
    });
  },
);
