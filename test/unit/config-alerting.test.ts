/**
 * The `alerting` section of the monitor's configuration (src/config.ts `alertingSectionSchema`, defaults from
 * src/model/alerting-settings.ts): defaults, text durations, and bad input — unknown receivers in the escalation
 * table, duplicate receiver names, PagerDuty routing keys, unknown fields — reported with the path of the field.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { alertingSectionSchema, parseMonitorConfig } from '../../src/config.ts';
import { ConfigError } from '../../src/errors.ts';
import { DEFAULT_INCIDENT_SETTINGS, DEFAULT_OUTBOX_SETTINGS } from '../../src/model/alerting-settings.ts';

/** The problems `parseMonitorConfig` reports for `alerting`, one per line. */
function problemsOf(alerting: unknown): string[] {
  try {
    parseMonitorConfig({ alerting });
  } catch (e) {
    assert.ok(e instanceof ConfigError, String(e));
    return e.message
      .split('\n')
      .slice(1)
      .map((l) => l.trim());
  }
  assert.fail('the configuration was accepted');
}

describe('alerting configuration section', () => {
  it('defaults to no receivers, no rules, the default timings and outbox', () => {
    const c = parseMonitorConfig({}).alerting;
    assert.deepEqual(c.receivers, []);
    assert.deepEqual(c.rules, { files: [], interval: 5_000 });
    assert.deepEqual(c.incidents, DEFAULT_INCIDENT_SETTINGS);
    assert.deepEqual(c.outbox, DEFAULT_OUTBOX_SETTINGS);
    assert.equal(c.alertmanager, undefined);
  });

  it('reads text durations, escalation delays and `never`', () => {
    const c = alertingSectionSchema.parse({
      receivers: [{ name: 'oncall', type: 'pagerduty', routingKeyEnv: 'PD_KEY' }],
      escalation: [{ receiver: 'oncall', warning: '15m', info: 'never' }],
      incidents: { groupWait: '10s', anomalySeverity: { high: 'critical' } },
    });
    assert.deepEqual(c.escalation, [{ receiver: 'oncall', warning: 900_000, info: 'never' }]);
    assert.equal(c.incidents.groupWait, 10_000);
    assert.deepEqual(c.incidents.anomalySeverity, { high: 'critical' });
    const [pd] = c.receivers;
    assert.equal(pd?.type === 'pagerduty' ? pd.url : '', 'https://events.pagerduty.com/v2/enqueue');
  });

  it('names an unknown receiver of the escalation table and the receivers there are', () => {
    const problems = problemsOf({
      webhooks: [{ name: 'hook', url: 'http://127.0.0.1:1/x' }],
      escalation: [{ receiver: 'pager', critical: '0s' }],
    });
    assert.deepEqual(problems, [
      'alerting.escalation.0.receiver: unknown receiver "pager" (receivers: hook)',
    ]);
  });

  it('rejects duplicate receiver names, a PagerDuty receiver without exactly one key, and unknown fields', () => {
    const problems = problemsOf({
      receivers: [
        { name: 'a', type: 'slack', url: 'http://127.0.0.1:1/s' },
        { name: 'pd', type: 'pagerduty', routingKey: 'k', routingKeyEnv: 'K' },
      ],
      webhooks: [{ name: 'a', url: 'http://127.0.0.1:1/w' }],
      incidents: { groupwait: '3s' },
    });
    assert.ok(
      problems.some((p) => p.startsWith('alerting.incidents.groupwait:') && p.includes('unknown key')),
      problems.join('\n'),
    );
    assert.ok(
      problems.includes('alerting.webhooks.0.name: duplicate receiver name "a"'),
      problems.join('\n'),
    );
    assert.ok(
      problems.includes(
        'alerting.receivers.1: a pagerduty receiver needs exactly one of routingKey and routingKeyEnv',
      ),
      problems.join('\n'),
    );
  });

  it('rejects a bad duration, an unknown receiver type and an invalid e-mail address with their paths', () => {
    const problems = problemsOf({
      outbox: { maxAge: '1 day' },
      receivers: [
        { name: 'x', type: 'sms', url: 'http://127.0.0.1:1/' },
        {
          name: 'm',
          type: 'email',
          from: 'not an address',
          to: ['oncall@example.org'],
          smtp: { host: '127.0.0.1' },
        },
      ],
    });
    const paths = problems.map((p) => p.slice(0, p.indexOf(':')));
    assert.ok(paths.includes('alerting.outbox.maxAge'), problems.join('\n'));
    assert.ok(paths.includes('alerting.receivers.0.type'), problems.join('\n'));
    assert.ok(paths.includes('alerting.receivers.1.from'), problems.join('\n'));
  });
});
