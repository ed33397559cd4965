/**
 * Monitoring as code, end to end, against the real Debian binaries (prometheus 2.42, prometheus-alertmanager
 * 0.25) on 127.0.0.1: the tree written by `generateAll` runs a 3-node simulated cluster.
 *
 * - Alertmanager runs the generated alertmanager.yml (route tree, group_by, timings and inhibit_rules as
 *   generated; secrets written by the generated secrets-from-env.sh) with every receiver redirected to a local
 *   webhook recorder.
 * - Prometheus runs the generated prometheus.yml, the generated file_sd target file (addresses replaced by the
 *   simulator's ephemeral ports, labels kept) and the six generated rule files, with 1 s scrape and rule
 *   evaluation intervals (test-only override; every `for` is kept) and `--rules.alert.resend-delay=5s`.
 * - Healthy phase (first FAULT_START of the simulation): every query of every panel of every generated
 *   dashboard returns at least one series with a number, not only NaN (Grafana variables substituted).
 * - Fault: `consensus_timeouts` on node-2 makes DWCPv3ConsensusFailure (critical, `for: 1m`) fire; it must reach
 *   the webhook, via the route the generated config gives it, within `for` + 30 s of the fault start, with the
 *   faulted node's instance and region. No critical alert may fire for the healthy nodes.
 * - Every generated recording rule returns data.
 *
 * Choice of the fault: the alert with the smallest `for` is DWCPv3ComponentDown (30 s, `health == 0`), but the
 * simulator never reports a component down (its faults degrade components, health 1). Of the short ones,
 * DWCPv3ConsensusFailure is the one carrying the node's `instance` and firing steadily under a fault
 * (DWCPv3SLAErrorRateViolation follows the simulator's 5-minute SLA window, DWCPv3ErrorRateCritical needs > 10 errors/s).
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { parse as parseYaml } from 'yaml';
import { parseDuration } from '../../src/model/duration.ts';
import { DEFAULT_ALERTMANAGER_OPTIONS } from '../../src/generate/alertmanager/config.ts';
import { generateAll, writeTree } from '../../src/generate/index.ts';
import { allAlerts, allRecordingRules, allRuleGroups } from '../../src/generate/rules/index.ts';
import { startCluster, type Cluster } from '../../src/sim/cluster.ts';
import { parseScenario } from '../../src/sim/scenario.ts';
import {
  redirectReceiversToWebhook,
  startAlertmanager,
  startWebhookRecorder,
  type AlertmanagerInstance,
  type WebhookRecorder,
} from '../helpers/alertmanager.ts';
import { requireBinary } from '../helpers/binaries.ts';
import {
  fileRefs,
  GRAFANA_TEST_VARIABLES,
  panelQueries,
  substitute,
  writeYaml,
  yamlFile,
  type PanelQuery,
} from '../helpers/generated-tree.ts';
import { prometheusApi } from '../helpers/prometheus.ts';
import { freePort, pollUntil, startServerProcess, type ServerProcess } from '../helpers/server-process.ts';

const prometheusBin = requireBinary('prometheus');
const alertmanagerBin = requireBinary('prometheus-alertmanager');
const skip =
  prometheusBin && alertmanagerBin
    ? false
    : 'prometheus and prometheus-alertmanager not installed (outside CI): apt-get install prometheus prometheus-alertmanager';

const REGIONS = ['us-east', 'eu-west', 'ap-south'];
/** 0-based index of the faulted node (node-2, eu-west). */
const FAULT_NODE = 1;
/** The healthy phase: long enough for every panel's rate window and the rarer histograms. */
const FAULT_START = '30s';
const EXPECTED_ALERT = 'DWCPv3ConsensusFailure';
/** Receiver the generated route tree sends it to first (critical + escalation=high: Slack now, PagerDuty after 10m). */
const EXPECTED_RECEIVER = 'slack-critical';
const SCENARIO = `faults:\n  - { kind: consensus_timeouts, node: node-${FAULT_NODE + 1}, start: ${FAULT_START}, duration: 10m }\n`;

const GRAFANA_VARIABLES = GRAFANA_TEST_VARIABLES;

/** Reason of the Phase 6 panels that read the monitor's own dwcp_monitor_* gauges. */
const MONITOR_ONLY =
  'exported by the monitor (src/monitor/insights-exporter.ts), which this test does not run or scrape: Prometheus scrapes the simulator only';

/**
 * Panel queries that legitimately return nothing on a healthy cluster, by dashboard uid and generated
 * expression. Keep it short: prefer waiting (bounded) to listing.
 */
const PANEL_ALLOW_LIST: readonly { uid: string; expr: string; reason: string }[] = [
  {
    uid: 'dwcp-v3-phase6-live',
    expr: 'sum by (alertname, severity, region) (ALERTS{alertstate="firing", alertname=~"DWCP.*"})',
    reason:
      'firing alerts only: empty while healthy; checked instead once the fault alert fires (it must show there)',
  },
  {
    uid: 'dwcp-v3-phase6-live',
    expr: 'min (dwcp_monitor_rollout_decision)',
    reason: MONITOR_ONLY,
  },
  {
    uid: 'dwcp-v3-phase6-live',
    expr: 'min (dwcp_monitor_rollout_score)',
    reason: MONITOR_ONLY,
  },
  {
    uid: 'dwcp-v3-phase6-live',
    expr: 'min by (slo) (dwcp_monitor_slo_error_budget_remaining_ratio)',
    reason: MONITOR_ONLY,
  },
  {
    uid: 'dwcp-v3-phase6-live',
    expr: 'min by (region) (dwcp_monitor_region_health_score{region=~"$region"})',
    reason: MONITOR_ONLY,
  },
];

/** Recording rules that legitimately return nothing in this test, with the reason. */
const RECORDING_ALLOW_LIST: Readonly<Record<string, string>> = {
  'dwcp:system:down_components:5m':
    'count of components with health 0: the simulator never reports a component down (faults degrade, health 1)',
};

interface Sample {
  metric: Record<string, string>;
  value: [number, string];
}

let root = '';
let gen = '';
let recorder: WebhookRecorder | undefined;
let am: AlertmanagerInstance | undefined;
let cluster: Cluster | undefined;
let prom: ServerProcess | undefined;
let promUrl = '';
let faultStartMs = 0;
const faultNodeId = `node-${FAULT_NODE + 1}`;

const api = <T>(path: string): Promise<T> => prometheusApi<T>(promUrl, path);

async function query(expr: string): Promise<Sample[]> {
  const d = await api<{ resultType: string; result: Sample[] }>(
    `/api/v1/query?query=${encodeURIComponent(expr)}`,
  );
  if (d.resultType !== 'vector') throw new Error(`${expr}: result type ${d.resultType}, want vector`);
  return d.result;
}

/** Which simulated node an alert is about: by instance, node/node_id, then region/cluster (1 node per region). */
function nodeOfAlert(labels: Record<string, string>): string | undefined {
  const nodes = cluster!.nodes;
  const byInstance = nodes.find((n) => labels.instance === `127.0.0.1:${n.port}`);
  if (byInstance) return byInstance.id;
  const id = labels.node ?? labels.node_id;
  if (id) return id;
  const region = labels.region ?? labels.cluster;
  return nodes.find((n) => n.region === region)?.id;
}

describe(
  'monitoring as code end to end: generated config on real Prometheus + Alertmanager',
  { skip },
  () => {
    const files = generateAll();
    const expected = allAlerts().find((a) => a.name === EXPECTED_ALERT)!;
    const expectedForMs = parseDuration(expected.for);

    before(async () => {
      root = mkdtempSync(join(tmpdir(), 'dwcp-mac-e2e-'));
      gen = join(root, 'out');
      writeTree(gen, files);
      recorder = await startWebhookRecorder();

      // Alertmanager secrets: run the generated script into the temp dir.
      const secretsDir = join(root, 'alertmanager-secrets');
      const sh = spawnSync('sh', [join(gen, 'alertmanager/secrets-from-env.sh')], {
        encoding: 'utf8',
        timeout: 10_000,
        env: {
          PATH: process.env.PATH ?? '/usr/bin:/bin',
          DWCP_ALERTMANAGER_SECRETS_DIR: secretsDir,
          DWCP_PAGERDUTY_ROUTING_KEY: 'test-routing-key',
          DWCP_SLACK_WEBHOOK_URL: recorder.url,
          DWCP_SMTP_PASSWORD: 'test-smtp-password',
        },
      });
      assert.equal(sh.status, 0, `secrets-from-env.sh: ${sh.stdout}\n${sh.stderr}`);

      // The generated alertmanager.yml, secrets dir moved to the temp dir, receivers -> the webhook recorder.
      // Route timings are the generated ones (slack-critical: group_wait 10s).
      const amText = readFileSync(join(gen, 'alertmanager/alertmanager.yml'), 'utf8').replaceAll(
        DEFAULT_ALERTMANAGER_OPTIONS.secretsDir,
        secretsDir,
      );
      const amConfig = redirectReceiversToWebhook(parseYaml(amText) as Record<string, unknown>, recorder.url);
      for (const f of fileRefs(amConfig))
        assert.ok(existsSync(f), `secret file ${f} referenced by the config`);
      const amFile = join(root, 'alertmanager.yml');
      writeYaml(amFile, amConfig);
      am = await startAlertmanager(alertmanagerBin!, amFile, root);

      cluster = await startCluster({
        nodes: 3,
        regions: REGIONS,
        portBase: 0,
        seed: 7,
        scenario: parseScenario(SCENARIO, 3, 'e2e scenario'),
        warn: () => {},
      });
      faultStartMs = cluster.startMs + parseScenario(SCENARIO, 3).faults[0]!.startMs;

      // file_sd targets: the generated groups of node-1..3 (labels kept), addresses -> the simulator's ports.
      const targetsFile = join(gen, 'prometheus/targets/dwcp-nodes.yml');
      const groups = yamlFile(targetsFile) as { targets: string[]; labels: Record<string, string> }[];
      const simGroups = cluster.nodes.map((n) => {
        const g = groups.find((x) => x.labels.node === n.id);
        assert.ok(g, `generated targets have no group for ${n.id}`);
        assert.equal(g.labels.region, n.region, `region of ${n.id} in the generated targets`);
        return { targets: [`127.0.0.1:${n.port}`], labels: g.labels };
      });
      writeYaml(targetsFile, simGroups);

      // prometheus.yml: 1 s intervals (test only), Alertmanager and self at their real addresses.
      const promPort = await freePort();
      promUrl = `http://127.0.0.1:${promPort}`;
      const promFile = join(gen, 'prometheus/prometheus.yml');
      const pc = yamlFile(promFile) as {
        global: Record<string, unknown>;
        alerting: { alertmanagers: { static_configs: { targets: string[] }[] }[] };
        scrape_configs: {
          job_name: string;
          scrape_interval?: string;
          scrape_timeout?: string;
          static_configs?: { targets: string[] }[];
        }[];
      };
      pc.global.scrape_interval = '1s';
      pc.global.evaluation_interval = '1s';
      pc.alerting.alertmanagers = [{ static_configs: [{ targets: [am.address] }] }];
      // This test runs no monitor: drop its job (its panels are allow-listed below).
      pc.scrape_configs = pc.scrape_configs.filter((sc) => sc.job_name !== 'dwcp-monitor');
      for (const sc of pc.scrape_configs) {
        if (sc.scrape_interval) sc.scrape_interval = '1s';
        if (sc.scrape_timeout) sc.scrape_timeout = '1s';
        if (sc.job_name === 'alertmanager') sc.static_configs = [{ targets: [am.address] }];
        if (sc.job_name === 'prometheus') sc.static_configs = [{ targets: [`127.0.0.1:${promPort}`] }];
      }
      writeYaml(promFile, pc);
      // Rule groups evaluated every second (test only; `for` unchanged).
      for (const f of readdirSync(join(gen, 'prometheus/rules'))) {
        const p = join(gen, 'prometheus/rules', f);
        const rf = yamlFile(p) as { groups: { interval?: string }[] };
        for (const g of rf.groups) g.interval = '1s';
        writeYaml(p, rf);
      }

      mkdirSync(join(root, 'prometheus-data'));
      prom = await startServerProcess(
        'prometheus',
        prometheusBin!,
        [
          `--config.file=${promFile}`,
          `--storage.tsdb.path=${join(root, 'prometheus-data')}`,
          `--web.listen-address=127.0.0.1:${promPort}`,
          '--rules.alert.resend-delay=5s',
          '--log.level=warn',
        ],
        `${promUrl}/-/ready`,
      );
    });

    after(async () => {
      await prom?.stop();
      await am?.stop();
      await cluster?.stop();
      await recorder?.close();
      if (root) rmSync(root, { recursive: true, force: true });
    });

    const logs = (): string =>
      `\n--- prometheus log:\n${prom?.logs() ?? ''}\n--- alertmanager log:\n${am?.process.logs() ?? ''}`;

    it('scrapes the 3 nodes and Alertmanager, and evaluates every generated rule without error', async () => {
      await pollUntil(
        'up == 1 for every dwcp and alertmanager target',
        async () => {
          const up = await query('up{job=~"dwcp|alertmanager"} == 1');
          return up.length === 4 ? up : undefined;
        },
        20_000,
        500,
      ).catch((e: Error) => assert.fail(e.message + logs()));
      const nodes = (await query('up{job="dwcp"}')).map((s) => `${s.metric.node}/${s.metric.region}`).sort();
      assert.deepEqual(nodes, ['node-1/us-east', 'node-2/eu-west', 'node-3/ap-south']);

      type Rules = {
        groups: { name: string; rules: { name: string; health: string; lastError?: string }[] }[];
      };
      const want = allRuleGroups();
      const rules = await pollUntil(
        'every rule evaluated',
        async () => {
          const r = await api<Rules>('/api/v1/rules');
          const all = r.groups.flatMap((g) => g.rules);
          return all.length > 0 && all.every((x) => x.health !== 'unknown') ? r : undefined;
        },
        15_000,
        500,
      );
      assert.deepEqual(rules.groups.map((g) => g.name).sort(), want.map((g) => g.name).sort());
      assert.equal(
        rules.groups.reduce((n, g) => n + g.rules.length, 0),
        want.reduce((n, g) => n + g.rules.length, 0),
      );
      const bad = rules.groups.flatMap((g) => g.rules).filter((x) => x.health !== 'ok');
      assert.deepEqual(
        bad.map((x) => `${x.name}: ${x.lastError}`),
        [],
      );
    });

    it('every dashboard panel query returns at least one series on the healthy cluster', async (t) => {
      const all = panelQueries(files);
      assert.ok(all.length > 100, `only ${all.length} panel queries found`);
      for (const a of PANEL_ALLOW_LIST)
        assert.ok(
          all.some((q) => q.uid === a.uid && q.expr === a.expr),
          `stale allow-list entry ${a.uid}: ${a.expr}`,
        );
      const allowed = (q: PanelQuery) => PANEL_ALLOW_LIST.some((a) => a.uid === q.uid && a.expr === q.expr);
      // A query passes once one of its series has a number: a histogram_quantile or ratio over windows without
      // events yet returns NaN series, which a panel shows as "No data".
      let pending = all.filter((q) => !allowed(q));
      const seenNaN = new Set<PanelQuery>();
      // Bounded by the healthy phase: stop 2 s before the fault starts.
      const deadline = faultStartMs - 2000;
      const t0 = Date.now();
      for (;;) {
        const next: PanelQuery[] = [];
        for (const q of pending) {
          const r = await query(substitute(q.expr, GRAFANA_VARIABLES));
          if (r.length > 0 && r.every((s) => s.value[1] === 'NaN')) seenNaN.add(q);
          if (!r.some((s) => s.value[1] !== 'NaN')) next.push(q);
        }
        pending = next;
        if (pending.length === 0 || Date.now() >= deadline) break;
        await new Promise((r) => setTimeout(r, 1000));
      }
      t.diagnostic(
        `${all.length} panel queries, ${PANEL_ALLOW_LIST.length} allow-listed; all others had a number after ` +
          `${((Date.now() - t0) / 1000).toFixed(1)} s (${seenNaN.size} were NaN-only at first)`,
      );
      assert.ok(Date.now() < faultStartMs, 'the panel checks overran the healthy phase');
      assert.deepEqual(
        pending.map(
          (q) => `${q.uid} | ${q.title} | ${q.expr}${seenNaN.has(q) ? ' (NaN only)' : ' (no series)'}`,
        ),
        [],
        'panel queries without a number on the healthy cluster',
      );
    });

    it(`${EXPECTED_ALERT} for the faulted node reaches the webhook within for + 30 s of the fault`, async (t) => {
      const node = cluster!.nodes[FAULT_NODE]!;
      const instance = `127.0.0.1:${node.port}`;
      const budgetMs = expectedForMs + 30_000;
      const match = (a: { status: string; labels: Record<string, string> }) =>
        a.status === 'firing' && a.labels.alertname === EXPECTED_ALERT && a.labels.instance === instance;
      const msg = await pollUntil(
        `${EXPECTED_ALERT} at the webhook`,
        async () => recorder!.messages.find((m) => m.alerts.some(match)),
        Math.max(1000, faultStartMs + budgetMs + 5000 - Date.now()),
        250,
      ).catch((e: Error) =>
        assert.fail(
          `${e.message}; received: ${JSON.stringify(recorder!.messages.map((m) => m.commonLabels))}${logs()}`,
        ),
      );
      const elapsed = msg.receivedAtMs - faultStartMs;
      t.diagnostic(
        `${EXPECTED_ALERT} (for ${expected.for}) reached ${msg.receiver} ${(elapsed / 1000).toFixed(1)} s after the fault started`,
      );
      assert.ok(elapsed <= budgetMs, `arrived ${elapsed} ms after the fault, budget ${budgetMs} ms`);
      assert.ok(
        elapsed >= expectedForMs,
        `arrived ${elapsed} ms after the fault, before its for (${expected.for})`,
      );
      assert.equal(msg.receiver, EXPECTED_RECEIVER);
      const alert = msg.alerts.find(match)!;
      assert.equal(alert.labels.severity, expected.severity);
      assert.equal(alert.labels.escalation, expected.escalation);
      assert.equal(alert.labels.component, expected.component);
      assert.equal(alert.labels.region, node.region);
      assert.match(alert.annotations.summary ?? '', new RegExp(instance.replaceAll('.', '\\.')));
      assert.match(alert.annotations.runbook_url ?? '', /^https?:\/\/\S+\.md$/);

      // The phase-6 "Firing Alerts" panel (allow-listed while healthy) shows it now.
      const panel = PANEL_ALLOW_LIST[0]!;
      const firing = await query(substitute(panel.expr, GRAFANA_VARIABLES));
      assert.ok(
        firing.some((s) => s.metric.alertname === EXPECTED_ALERT && s.metric.region === node.region),
        `Firing Alerts panel: ${JSON.stringify(firing)}`,
      );
    });

    it('no critical alert fires for the healthy nodes', async (t) => {
      // Everything Prometheus fired during the test, and everything Alertmanager delivered.
      const fired = await query('max_over_time(ALERTS{alertstate="firing"}[10m])');
      const delivered = recorder!.messages.flatMap((m) => m.alerts.filter((a) => a.status === 'firing'));
      const seen = new Map<string, Record<string, string>>();
      for (const l of [...fired.map((s) => s.metric), ...delivered.map((a) => a.labels)]) {
        // ALERTS lacks the external label `monitor` that notifications carry: drop it to merge the two views.
        const labels = Object.fromEntries(
          Object.entries(l).filter(([k]) => k !== '__name__' && k !== 'alertstate' && k !== 'monitor'),
        );
        seen.set(JSON.stringify(Object.entries(labels).sort()), labels);
      }
      const healthyCritical: string[] = [];
      for (const labels of seen.values()) {
        const node = nodeOfAlert(labels);
        t.diagnostic(
          `fired: ${labels.alertname} severity=${labels.severity} node=${node ?? '(cluster-wide)'} ${JSON.stringify(labels)}`,
        );
        if (labels.severity !== 'critical' || node === faultNodeId) continue;
        healthyCritical.push(`${labels.alertname} on ${node ?? 'the whole cluster'}`);
      }
      assert.deepEqual(healthyCritical, []);
    });

    it('every generated recording rule returns data', async (t) => {
      // Runs with the fault active, so dwcp:system:degraded_components:5m has a degraded component to count.
      const names = [...new Set(allRecordingRules().map((r) => r.record))];
      for (const n of Object.keys(RECORDING_ALLOW_LIST))
        assert.ok(names.includes(n), `stale allow-list entry ${n}`);
      let pending = names.filter((n) => !(n in RECORDING_ALLOW_LIST));
      const deadline = Date.now() + 20_000;
      for (;;) {
        const next: string[] = [];
        for (const n of pending) if (!(await query(n)).some((s) => s.value[1] !== 'NaN')) next.push(n);
        pending = next;
        if (pending.length === 0 || Date.now() >= deadline) break;
        await new Promise((r) => setTimeout(r, 1000));
      }
      for (const [n, why] of Object.entries(RECORDING_ALLOW_LIST)) t.diagnostic(`allow-listed ${n}: ${why}`);
      assert.deepEqual(pending, [], 'recording rules without a number (no series, or NaN only)');
    });
  },
);
