/**
 * Alertmanager as the router, with the real Debian prometheus-alertmanager 0.25 on 127.0.0.1: the monitor's
 * incidents arrive through API v2 (POST /api/v2/alerts with startsAt, endsAt, generatorURL) and are routed to a
 * webhook; an inhibition rule (critical inhibits warning in the same region) holds; a silence added with amtool
 * suppresses an incident.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { stringify } from 'yaml';
import {
  startAlertmanager,
  startWebhookRecorder,
  type AlertmanagerInstance,
  type WebhookRecorder,
} from '../../helpers/alertmanager.ts';
import { startTestAlerting, testAnomaly, type TestAlerting } from '../../helpers/alerting-service.ts';
import { requireBinary } from '../../helpers/binaries.ts';
import { pollUntil } from '../../helpers/server-process.ts';

const alertmanagerBin = requireBinary('prometheus-alertmanager');
const amtoolBin = requireBinary('amtool');
const skip =
  alertmanagerBin && amtoolBin
    ? false
    : 'prometheus-alertmanager and amtool not installed (outside CI): apt-get install prometheus-alertmanager';

interface AmAlert {
  labels: Record<string, string>;
  startsAt: string;
  endsAt: string;
  generatorURL: string;
  status: { state: string; silencedBy: string[]; inhibitedBy: string[] };
}

describe('incidents through the real Alertmanager', { skip }, () => {
  const dir = mkdtempSync(join(tmpdir(), 'dwcp-am-'));
  let am: AlertmanagerInstance | undefined;
  let recorder: WebhookRecorder | undefined;
  let alerting: TestAlerting | undefined;

  before(async () => {
    recorder = await startWebhookRecorder();
    const config = {
      route: {
        receiver: 'hook',
        group_by: ['incident'],
        group_wait: '1s',
        group_interval: '1s',
        repeat_interval: '1h',
      },
      receivers: [{ name: 'hook', webhook_configs: [{ url: recorder.url, send_resolved: true }] }],
      inhibit_rules: [
        {
          source_matchers: ['severity="critical"'],
          target_matchers: ['severity="warning"'],
          equal: ['region'],
        },
      ],
    };
    writeFileSync(join(dir, 'alertmanager.yml'), stringify(config));
    am = await startAlertmanager(alertmanagerBin!, join(dir, 'alertmanager.yml'), dir);
    alerting = await startTestAlerting(dir, {
      alertmanager: { urls: [am.url], resendDelay: '2s' },
      incidents: { groupWait: '0s' },
    });
  });

  after(async () => {
    await alerting?.stop();
    await am?.stop();
    await recorder?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const amAlerts = async (): Promise<AmAlert[]> =>
    (await (await fetch(`${am!.url}/api/v2/alerts`)).json()) as AmAlert[];

  it('sends incidents via API v2, keeps the inhibition rule and honours an amtool silence', async () => {
    const s = alerting!.service;
    assert.equal(s.mode, 'alertmanager');
    // amtool silence on node-7 before its incident exists.
    const add = spawnSync(
      amtoolBin!,
      [
        'silence',
        'add',
        `--alertmanager.url=${am!.url}`,
        '--author=oncall',
        '--comment=maintenance',
        '--duration=1h',
        'node="node-7"',
      ],
      { encoding: 'utf8', timeout: 20_000 },
    );
    assert.equal(add.status, 0, add.stderr);
    const silenceId = add.stdout.trim();
    assert.match(silenceId, /^[0-9a-f-]{36}$/);

    s.onAnomalies(
      [
        testAnomaly('node-1', 'eu-west', 'critical'),
        testAnomaly('node-4', 'eu-west', 'high', 'dwcp_hde_compression_ratio'),
        testAnomaly('node-7', 'us-east', 'critical'),
      ],
      [],
    );

    const alerts = await pollUntil(
      'three incident alerts in Alertmanager',
      async () => {
        const a = await amAlerts();
        return a.length === 3 ? a : undefined;
      },
      30_000,
      250,
    );
    const byNode = new Map(alerts.map((a) => [a.labels.node, a]));
    const crit = byNode.get('node-1')!;
    const warn = byNode.get('node-4')!;
    const silenced = byNode.get('node-7')!;
    assert.equal(crit.labels.alertname, 'DWCPIncident');
    assert.equal(crit.labels.severity, 'critical');
    assert.match(crit.generatorURL, /^http:\/\/127\.0\.0\.1:9500\/\?incident=/);
    assert.ok(Date.parse(crit.endsAt) > Date.now(), 'endsAt in the future (resent before it passes)');
    assert.ok(Date.parse(crit.startsAt) <= Date.now());
    assert.equal(crit.status.state, 'active');
    assert.equal(warn.labels.severity, 'warning');
    assert.equal(warn.status.state, 'suppressed');
    assert.ok(warn.status.inhibitedBy.length > 0, 'inhibited by the critical incident in eu-west');
    assert.equal(silenced.status.state, 'suppressed');
    assert.deepEqual(silenced.status.silencedBy, [silenceId]);

    // Only the critical incident reaches the receiver.
    await pollUntil(
      'the webhook notification of the critical incident',
      async () =>
        recorder!.messages.some((m) => m.alerts.some((a) => a.labels.node === 'node-1')) ? true : undefined,
      30_000,
      250,
    );
    await new Promise((r) => setTimeout(r, 3000));
    const nodes = new Set(recorder!.messages.flatMap((m) => m.alerts.map((a) => a.labels.node)));
    assert.deepEqual([...nodes], ['node-1']);
    const health = s.health();
    assert.equal(health.mode, 'alertmanager');
    assert.equal(health.healthy, true);
    assert.ok(health.receivers[0]!.delivered >= 3);
    const listed = await s.listIncidents(10);
    assert.ok(listed.every((i) => i.notifiedReceivers.includes('alertmanager')));
  });
});
