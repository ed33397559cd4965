/**
 * Alertmanager configuration (https://prometheus.io/docs/alerting/latest/configuration/), checked with
 * `amtool check-config` (Alertmanager 0.25). Routing follows the Phase 6 spec's "Escalation Policies":
 * critical + escalation=immediate pages PagerDuty at once; critical + escalation=high pages after 10 minutes
 * (group_wait 10m: an alert resolved before then is never paged); every critical also goes to Slack; warnings
 * go to email and Slack; info (escalation=low) goes to Slack only. Inhibitions: a component down silences its
 * symptom alerts on the same node, and a critical alert silences its warning twin (inventory 2.6, fixed so a
 * critical SLA alert still reaches its receivers: routes use `continue`).
 *
 * Secrets are never written into the file: receivers read them from files (`*_file` fields) that
 * `secrets-from-env.sh` fills from environment variables.
 */
import { stringify } from 'yaml';
import type { AlertRule } from '../rules/types.ts';

/** Non-secret receiver settings (example values under .invalid domains by default; edit or pass your own). */
export interface AlertmanagerOptions {
  /** Directory holding the secret files on the Alertmanager host. */
  readonly secretsDir: string;
  readonly slackChannelCritical: string;
  readonly slackChannelAlerts: string;
  readonly emailTo: string;
  readonly emailFrom: string;
  /** host:port of the SMTP relay. */
  readonly smtpSmarthost: string;
  readonly smtpUsername: string;
}

/**
 * Default receiver settings when none are given: e-mail addresses in the reserved `.invalid` domain (RFC 2606), so
 * a generated configuration delivers nowhere until real receivers are set, rather than to someone else's mailbox.
 * @see https://www.rfc-editor.org/rfc/rfc2606
 */
export const DEFAULT_ALERTMANAGER_OPTIONS: AlertmanagerOptions = {
  secretsDir: '/etc/prometheus/alertmanager-secrets',
  slackChannelCritical: '#dwcp-v3-critical',
  slackChannelAlerts: '#dwcp-v3-alerts',
  emailTo: 'dwcp-oncall@example.invalid',
  emailFrom: 'alertmanager@example.invalid',
  smtpSmarthost: 'smtp.example.invalid:587',
  smtpUsername: 'alertmanager',
};

/** Secret files and the environment variables `secrets-from-env.sh` reads them from. */
export const SECRETS = [
  {
    file: 'pagerduty_routing_key',
    env: 'DWCP_PAGERDUTY_ROUTING_KEY',
    what: 'PagerDuty Events API v2 routing (integration) key',
  },
  { file: 'slack_webhook_url', env: 'DWCP_SLACK_WEBHOOK_URL', what: 'Slack incoming webhook URL' },
  { file: 'smtp_password', env: 'DWCP_SMTP_PASSWORD', what: 'SMTP password of the relay user' },
] as const;

/** Pairs (critical, warning) where the critical alert inhibits the warning one with the same labels. */
function twinPairs(alerts: readonly AlertRule[]): { source: string; target: string; equal: string[] }[] {
  const has = (n: string) => alerts.some((a) => a.name === n);
  const pairs: { source: string; target: string; equal: string[] }[] = [
    { source: 'DWCPCriticalErrorRate', target: 'DWCPHighErrorRate', equal: ['cluster', 'node'] },
    { source: 'DWCPSLAViolation', target: 'DWCPMigrationSlow', equal: ['cluster'] },
    { source: 'DWCPv3LatencyP99Critical', target: 'DWCPv3LatencyP95High', equal: ['region'] },
    { source: 'DWCPv3ThroughputCriticalLow', target: 'DWCPv3ThroughputLow', equal: ['region'] },
    { source: 'DWCPv3ErrorRateCritical', target: 'DWCPv3ErrorRateElevated', equal: ['region'] },
    {
      source: 'DWCPv3ConsensusFailure',
      target: 'DWCPv3ConsensusFailureRatioElevated',
      equal: ['region', 'instance'],
    },
  ];
  for (const a of alerts) {
    const m = /^(DWCPSLO.+)BudgetBurnFast$/.exec(a.name);
    if (m) pairs.push({ source: a.name, target: `${m[1]}BudgetBurnSlow`, equal: ['region'] });
  }
  return pairs.filter((p) => has(p.source) && has(p.target));
}

/**
 * Alertmanager configuration as data (render with `renderAlertmanagerConfig`).
 * @param alerts the generated alerts (for the inhibition pairs).
 */
export function alertmanagerConfig(
  alerts: readonly AlertRule[],
  o: AlertmanagerOptions = DEFAULT_ALERTMANAGER_OPTIONS,
): Record<string, unknown> {
  const secret = (f: string) => `${o.secretsDir}/${f}`;
  const slack = (channel: string) => ({
    api_url_file: secret('slack_webhook_url'),
    channel,
    send_resolved: true,
    title:
      '[{{ .Status | toUpper }}{{ if eq .Status "firing" }}:{{ .Alerts.Firing | len }}{{ end }}] {{ .CommonLabels.alertname }}',
    text: '{{ range .Alerts }}*{{ .Annotations.summary }}*\n{{ .Annotations.description }}\nRunbook: {{ .Annotations.runbook_url }}\n{{ end }}',
  });
  return {
    global: {
      resolve_timeout: '5m',
      smtp_smarthost: o.smtpSmarthost,
      smtp_from: o.emailFrom,
      smtp_auth_username: o.smtpUsername,
      smtp_auth_password_file: secret('smtp_password'),
      smtp_require_tls: true,
    },
    route: {
      receiver: 'slack-alerts',
      group_by: ['alertname', 'region', 'cluster', 'component'],
      group_wait: '30s',
      group_interval: '5m',
      repeat_interval: '4h',
      routes: [
        {
          receiver: 'slack-critical',
          matchers: ['severity="critical"'],
          group_wait: '10s',
          repeat_interval: '1h',
          continue: true,
        },
        {
          receiver: 'pagerduty',
          matchers: ['severity="critical"', 'escalation="immediate"'],
          group_wait: '0s',
          group_interval: '1m',
          repeat_interval: '30m',
        },
        {
          receiver: 'pagerduty',
          matchers: ['severity="critical"', 'escalation="high"'],
          group_wait: '10m',
          group_interval: '5m',
          repeat_interval: '1h',
        },
        {
          receiver: 'email-warnings',
          matchers: ['severity="warning"'],
          group_wait: '1m',
          repeat_interval: '12h',
          continue: true,
        },
        {
          receiver: 'slack-alerts',
          matchers: ['severity="warning"'],
          group_wait: '1m',
          repeat_interval: '12h',
        },
        {
          receiver: 'slack-alerts',
          matchers: ['severity="info"'],
          group_wait: '5m',
          group_interval: '30m',
          repeat_interval: '24h',
        },
      ],
    },
    inhibit_rules: [
      {
        source_matchers: ['alertname="DWCPComponentDown"'],
        target_matchers: ['alertname!="DWCPComponentDown"'],
        equal: ['cluster', 'node', 'component'],
      },
      {
        source_matchers: ['alertname="DWCPv3ComponentDown"'],
        target_matchers: ['alertname!="DWCPv3ComponentDown"'],
        equal: ['instance', 'component'],
      },
      ...twinPairs(alerts).map((p) => ({
        source_matchers: [`alertname="${p.source}"`],
        target_matchers: [`alertname="${p.target}"`],
        equal: p.equal,
      })),
    ],
    receivers: [
      {
        name: 'pagerduty',
        pagerduty_configs: [
          {
            routing_key_file: secret('pagerduty_routing_key'),
            send_resolved: true,
            severity: '{{ if eq .CommonLabels.severity "critical" }}critical{{ else }}warning{{ end }}',
            description: '{{ .CommonAnnotations.summary }}',
            links: [{ href: '{{ (index .Alerts 0).Annotations.runbook_url }}', text: 'Runbook' }],
          },
        ],
      },
      { name: 'slack-critical', slack_configs: [slack(o.slackChannelCritical)] },
      { name: 'slack-alerts', slack_configs: [slack(o.slackChannelAlerts)] },
      {
        name: 'email-warnings',
        email_configs: [
          {
            to: o.emailTo,
            send_resolved: true,
            headers: { Subject: '[DWCP {{ .Status }}] {{ .CommonLabels.alertname }}' },
          },
        ],
      },
    ],
  };
}

/** Text of alertmanager/alertmanager.yml. */
export function renderAlertmanagerConfig(
  alerts: readonly AlertRule[],
  o: AlertmanagerOptions = DEFAULT_ALERTMANAGER_OPTIONS,
): string {
  return (
    '# Generated by `dwcp-monitor generate`. Secrets are read from files under ' +
    `${o.secretsDir}; fill them with secrets-from-env.sh.\n` +
    stringify(alertmanagerConfig(alerts, o), { lineWidth: 0 })
  );
}

/** Text of alertmanager/secrets-from-env.sh: writes each secret file from its environment variable. */
export function renderSecretsScript(o: AlertmanagerOptions = DEFAULT_ALERTMANAGER_OPTIONS): string {
  const lines = [
    '#!/bin/sh',
    '# Generated by `dwcp-monitor generate`: writes the Alertmanager secret files from environment variables.',
    '# Usage: DWCP_PAGERDUTY_ROUTING_KEY=... DWCP_SLACK_WEBHOOK_URL=... DWCP_SMTP_PASSWORD=... sh secrets-from-env.sh',
    'set -eu',
    `dir="\${DWCP_ALERTMANAGER_SECRETS_DIR:-${o.secretsDir}}"`,
    'umask 077',
    'mkdir -p "$dir"',
  ];
  for (const s of SECRETS) {
    lines.push(`# ${s.what}`, `: "\${${s.env}:?set ${s.env}}"`, `printf '%s' "$${s.env}" > "$dir/${s.file}"`);
  }
  lines.push('echo "wrote secrets to $dir"', '');
  return lines.join('\n');
}
