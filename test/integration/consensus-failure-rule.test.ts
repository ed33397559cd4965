/**
 * DWCPv3ConsensusFailure pages on the failure ratio of ACP consensus rounds, not on a single failed round: the
 * generated rule file is run by the real `promtool test rules` (Debian prometheus 2.42) over a node with 2
 * rounds per second, scraped every 15 s:
 * - one failed round (and, separately, a sparse 0.05 % background) never fires either alert;
 * - 0.5 % failing for 15 minutes fires the warning (> 0.1 % for 10 m) but not the page;
 * - 5 % failing fires the page (> 1 % over 5 m for 2 m) within 2 m 30 s of the 5-minute window crossing 1 %.
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

const dir = mkdtempSync(join(tmpdir(), 'dwcp-consensus-rule-'));
after(() => rmSync(dir, { recursive: true, force: true }));
writeTree(dir, generateAll());

const STEP_S = 15;
const ROUNDS_PER_STEP = 2 * STEP_S;
const TARGET = 'job="dwcp", instance="node-1:9400", region="us-east-1", node_id="node-1", protocol="raft"';

/** Cumulative success/failure counters over `steps` scrapes; `failed(i)` rounds of step i fail. */
function counters(steps: number, failed: (i: number) => number): { success: string; failure: string } {
  let ok = 0;
  let bad = 0;
  const s: number[] = [];
  const f: number[] = [];
  for (let i = 0; i < steps; i++) {
    const n = failed(i);
    bad += n;
    ok += ROUNDS_PER_STEP - n;
    s.push(ok);
    f.push(bad);
  }
  return { success: s.join(' '), failure: f.join(' ') };
}

/** Runs one promtool test: the counters and, per alert, the eval times with the alerts expected. */
function runCase(
  name: string,
  c: { success: string; failure: string },
  checks: { at: string; alert: string; firing: boolean }[],
): string {
  const expected = (name: string) => {
    const a = allAlerts().find((x) => x.name === name)!;
    const labels = {
      region: 'us-east-1',
      instance: 'node-1:9400',
      severity: a.severity,
      escalation: a.escalation,
      component: a.component,
    };
    const annotations = Object.fromEntries(
      Object.entries(alertAnnotations(a, DEFAULT_RUNBOOK_BASE_URL)).map(([k, v]) => [
        k,
        expandAnnotation(v, labels),
      ]),
    );
    return { exp_labels: labels, exp_annotations: annotations };
  };
  const test = {
    rule_files: [join(dir, 'prometheus/rules/dwcp-v3-alerts.yml')],
    evaluation_interval: `${STEP_S}s`,
    tests: [
      {
        name,
        interval: `${STEP_S}s`,
        input_series: [
          { series: `dwcp_v3_consensus_operations_total{${TARGET}, result="success"}`, values: c.success },
          { series: `dwcp_v3_consensus_operations_total{${TARGET}, result="failure"}`, values: c.failure },
        ],
        alert_rule_test: checks.map((x) => ({
          eval_time: x.at,
          alertname: x.alert,
          exp_alerts: x.firing ? [expected(x.alert)] : [],
        })),
      },
    ],
  };
  const file = join(dir, `${name}.test.yml`);
  writeFileSync(file, stringify(test));
  const r = spawnSync(promtool!, ['test', 'rules', file], { cwd: dir, encoding: 'utf8', timeout: 60_000 });
  return `${r.status}\n${r.stdout}\n${r.stderr}`;
}

const PAGE = 'DWCPv3ConsensusFailure';
const WARN = 'DWCPv3ConsensusFailureRatioElevated';
const minutes = (m: number) => (m * 60) / STEP_S;

describe('DWCPv3ConsensusFailure on the generated rules (promtool)', { skip }, () => {
  it('one failed round never fires the page or the warning', () => {
    const c = counters(minutes(30), (i) => (i === minutes(3) ? 1 : 0));
    const checks = [5, 10, 15, 20, 29].flatMap((m) => [
      { at: `${m}m`, alert: PAGE, firing: false },
      { at: `${m}m`, alert: WARN, firing: false },
    ]);
    const out = runCase('single-failure', c, checks);
    assert.match(out, /^0\n/, out);
  });

  it('a 0.05 % background (one failed round every ~17 minutes) fires nothing', () => {
    const c = counters(minutes(60), (i) => (i % minutes(17) === 5 ? 1 : 0));
    const checks = [10, 20, 30, 40, 50, 59].flatMap((m) => [
      { at: `${m}m`, alert: PAGE, firing: false },
      { at: `${m}m`, alert: WARN, firing: false },
    ]);
    const out = runCase('background', c, checks);
    assert.match(out, /^0\n/, out);
  });

  it('0.5 % failing for 15 minutes warns after 10 minutes and never pages', () => {
    // One failed round out of 30 every 7th step: 1/210 = 0.48 %.
    const c = counters(minutes(20), (i) => (i % 7 === 0 ? 1 : 0));
    const out = runCase('elevated', c, [
      { at: '9m', alert: WARN, firing: false },
      { at: '16m', alert: WARN, firing: true },
      { at: '16m', alert: PAGE, firing: false },
    ]);
    assert.match(out, /^0\n/, out);
  });

  it('5 % failing pages after 2 minutes', () => {
    // 3 of 30 rounds fail from minute 10 on; the 5-minute ratio is above 1 % about 1 minute later.
    const c = counters(minutes(20), (i) => (i >= minutes(10) ? 3 : 0));
    const out = runCase('failing', c, [
      { at: '11m', alert: PAGE, firing: false },
      { at: '13m30s', alert: PAGE, firing: true },
    ]);
    assert.match(out, /^0\n/, out);
  });
});
