import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parse } from 'yaml';
import {
  alertmanagerConfig,
  renderAlertmanagerConfig,
  renderSecretsScript,
  SECRETS,
} from '../../../../src/generate/alertmanager/config.ts';
import { prometheusConfig, renderPrometheusConfigs } from '../../../../src/generate/prometheus/config.ts';
import { allAlerts } from '../../../../src/generate/rules/index.ts';
import { renderRunbook } from '../../../../src/generate/runbooks/render.ts';
import { generateAll } from '../../../../src/generate/index.ts';
import { parseGenerateFlags } from '../../../../src/cli/commands/generate.ts';
import { InvalidInputError } from '../../../../src/errors.ts';

type Route = { receiver: string; matchers?: string[]; group_wait?: string; continue?: boolean };
const alerts = allAlerts();

describe('alertmanager config', () => {
  const cfg = alertmanagerConfig(alerts) as {
    route: { routes: Route[] };
    inhibit_rules: { source_matchers: string[]; target_matchers: string[]; equal: string[] }[];
    receivers: { name: string }[];
  };

  it('pages immediately for escalation=immediate and after 10 minutes for escalation=high', () => {
    const immediate = cfg.route.routes.find((r) => r.matchers?.includes('escalation="immediate"'))!;
    assert.equal(immediate.receiver, 'pagerduty');
    assert.equal(immediate.group_wait, '0s');
    const high = cfg.route.routes.find((r) => r.matchers?.includes('escalation="high"'))!;
    assert.equal(high.receiver, 'pagerduty');
    assert.equal(high.group_wait, '10m');
  });

  it('sends warnings to email and Slack, info to Slack only', () => {
    const warn = cfg.route.routes
      .filter((r) => r.matchers?.includes('severity="warning"'))
      .map((r) => r.receiver);
    assert.deepEqual(warn, ['email-warnings', 'slack-alerts']);
    const info = cfg.route.routes
      .filter((r) => r.matchers?.includes('severity="info"'))
      .map((r) => r.receiver);
    assert.deepEqual(info, ['slack-alerts']);
  });

  it('lets a component down inhibit the symptoms of the same component on the same node', () => {
    const v3 = cfg.inhibit_rules.find((r) => r.source_matchers.includes('alertname="DWCPv3ComponentDown"'))!;
    assert.deepEqual(v3.equal, ['instance', 'component']);
    const v1 = cfg.inhibit_rules.find((r) => r.source_matchers.includes('alertname="DWCPComponentDown"'))!;
    assert.deepEqual(v1.equal, ['cluster', 'node', 'component']);
    assert.ok(
      cfg.inhibit_rules.some((r) =>
        r.target_matchers.includes('alertname="DWCPSLOAvailabilityBudgetBurnSlow"'),
      ),
    );
  });

  it('holds no secret, only *_file paths filled from the environment', () => {
    const text = renderAlertmanagerConfig(alerts);
    for (const s of SECRETS) assert.ok(text.includes(s.file), s.file);
    assert.doesNotMatch(text, /hooks\.slack\.com|routing_key:|auth_password:/);
    const script = renderSecretsScript();
    for (const s of SECRETS) assert.ok(script.includes(`$${s.env}`), s.env);
    assert.ok(parse(text));
  });
});

describe('prometheus config', () => {
  it('shards targets with hashmod and a shard external label', () => {
    const o = {
      shards: 3,
      scrapeInterval: '10s',
      evaluationInterval: '15s',
      alertmanagers: ['127.0.0.1:9093'],
      ruleFiles: ['rules/a.yml'],
      monitorTargets: ['127.0.0.1:9500'],
    };
    const jobs = (k: number): string[] =>
      (prometheusConfig(o, k) as { scrape_configs: { job_name: string }[] }).scrape_configs.map(
        (j) => j.job_name,
      );
    // The monitor is scraped once, by the first server.
    assert.deepEqual(jobs(0), ['dwcp', 'dwcp-monitor', 'alertmanager', 'prometheus']);
    assert.deepEqual(jobs(2), ['dwcp', 'alertmanager', 'prometheus']);
    const c = prometheusConfig(o, 2) as {
      global: { external_labels: Record<string, string> };
      scrape_configs: { relabel_configs: Record<string, unknown>[] }[];
    };
    assert.equal(c.global.external_labels.shard, '2');
    assert.deepEqual(c.scrape_configs[0]!.relabel_configs, [
      { source_labels: ['__address__'], modulus: 3, target_label: '__tmp_hash', action: 'hashmod' },
      { source_labels: ['__tmp_hash'], regex: '2', action: 'keep' },
    ]);
    assert.deepEqual(
      [...renderPrometheusConfigs(o).keys()],
      ['prometheus-shard-0.yml', 'prometheus-shard-1.yml', 'prometheus-shard-2.yml'],
    );
    assert.throws(() => prometheusConfig({ ...o, shards: 0 }), InvalidInputError);
  });
});

describe('runbooks', () => {
  it('have the playbook sections of seed 002 for every critical and warning alert', () => {
    const files = generateAll();
    for (const a of alerts.filter((x) => x.severity !== 'info')) {
      const text = renderRunbook(a);
      for (const h of [
        '## Symptoms',
        '## First 5 minutes',
        '## Diagnosis',
        '## GO/NO-GO decision',
        '## Rollback',
      ])
        assert.ok(text.includes(h), `${a.name} ${h}`);
      assert.ok(
        [...files.keys()].some((k) => k.startsWith('runbooks/') && text === files.get(k)),
        a.name,
      );
    }
  });
});

describe('generate command flags', () => {
  it('validates --shards', () => {
    assert.equal(
      parseGenerateFlags({ out: 'o', runbookBaseUrl: 'https://x.invalid/', shards: '4' }).shards,
      4,
    );
    assert.throws(
      () => parseGenerateFlags({ out: 'o', runbookBaseUrl: 'https://x.invalid/', shards: 'two' }),
      InvalidInputError,
    );
    assert.throws(
      () => parseGenerateFlags({ out: 'o', runbookBaseUrl: 'https://x.invalid/', shards: '0' }),
      InvalidInputError,
    );
    assert.throws(() => generateAll({ runbookBaseUrl: 'not a url', shards: 1 }), InvalidInputError);
  });
});
