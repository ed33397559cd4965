import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseMonitorConfig } from '../../src/config.ts';
import { MAX_TIMER_MS } from '../../src/model/duration.ts';
import { configError } from '../helpers/config-error.ts';

const hook = (extra: object) => ({
  alerting: { webhooks: [{ name: 'ops', url: 'http://127.0.0.1:9/hook', ...extra }] },
});

describe('configuration: durations bounded to what timers hold', () => {
  it('rejects timer durations over 2^31 − 1 ms, naming the key', () => {
    assert.match(
      configError({ scrape: { timeout: '30d' } }),
      /scrape\.timeout: must be at most 2147483647 ms/,
    );
    assert.match(configError(hook({ timeout: '30d' })), /alerting\.webhooks\.0\.timeout: must be at most/);
    assert.match(
      configError({ detection: { checkpointInterval: '30d' } }),
      /detection\.checkpointInterval: must be at most/,
    );
    assert.match(
      configError({ scrape: { interval: MAX_TIMER_MS + 1 } }),
      /scrape\.interval: must be at most/,
    );
  });

  it('accepts the largest timer delay and longer windows for retention', () => {
    const c = parseMonitorConfig({
      scrape: { timeout: MAX_TIMER_MS },
      storage: { type: 'sqlite', retention: '90d' },
      traces: { retention: '1y' },
    });
    assert.equal(c.scrape.timeout, MAX_TIMER_MS);
    assert.equal(c.storage.retention, 90 * 86_400_000);
    assert.equal(c.traces.retention, 365 * 86_400_000);
    assert.match(
      configError({ storage: { type: 'sqlite', retention: '200y' } }),
      /storage\.retention: must be at most 100y/,
    );
  });

  it('rejects negative and non-finite durations, and zero intervals', () => {
    assert.match(
      configError({ detection: { cooldown: -1000 } }),
      /detection\.cooldown: must be a duration of 0 or more, got -1000/,
    );
    assert.match(configError({ detection: { cooldown: Number.NaN } }), /detection\.cooldown: Invalid input/);
    assert.match(
      configError({ alerting: { outbox: { maxAge: -1 } } }),
      /alerting\.outbox\.maxAge: must be a duration of 0 or more/,
    );
    assert.match(configError({ scrape: { interval: 0 } }), /scrape\.interval: must be at least 1ms/);
    assert.equal(parseMonitorConfig({ detection: { cooldown: 0 } }).detection.cooldown, 0);
  });
});

describe('configuration: URLs', () => {
  it('says an http(s) URL is expected when a target, receiver or origin URL has another scheme or none', () => {
    const want = /must be an absolute http:\/\/ or https:\/\/ URL/;
    assert.match(
      configError({ targets: [{ id: 'n1', url: 'ftp://x' }] }),
      /targets\.0\.url: must be an absolute http/,
    );
    assert.match(configError({ targets: [{ id: 'n1', url: '127.0.0.1:9100/metrics' }] }), want);
    assert.match(configError(hook({ url: 'file:///etc/passwd' })), want);
    assert.match(configError({ listen: { allowedOrigins: ['grafana.example'] } }), want);
  });
});

describe('configuration: credentials', () => {
  it('refuses user:pass@ in target and webhook URLs without echoing the password', () => {
    const targetMsg = configError({
      targets: [{ id: 'n1', url: 'http://admin:hunter2@127.0.0.1:9100/metrics' }],
    });
    assert.match(
      targetMsg,
      /targets\.0\.url: must not contain credentials \(user:password@\); use basicAuth/,
    );
    const hookMsg = configError(hook({ url: 'https://bot:s3cr3t-token@hooks.example/x' }));
    assert.match(hookMsg, /alerting\.webhooks\.0\.url: must not contain credentials/);
    const amMsg = configError({ alerting: { alertmanager: { urls: ['http://u:pw-am@127.0.0.1:9093'] } } });
    for (const [msg, secret] of [
      [targetMsg, 'hunter2'],
      [hookMsg, 's3cr3t-token'],
      [amMsg, 'pw-am'],
    ] as const) {
      assert.ok(!msg.includes(secret), `message echoes the password: ${msg}`);
    }
  });

  it('takes basic auth and bearer tokens as separate fields (inline or file), one kind at a time', () => {
    const c = parseMonitorConfig({
      alerting: {
        webhooks: [
          {
            name: 'a',
            url: 'http://127.0.0.1:9/a',
            basicAuth: { username: 'bot', passwordFile: '/run/secrets/pw' },
          },
        ],
        receivers: [{ type: 'webhook', name: 'b', url: 'http://127.0.0.1:9/b', bearerToken: 'tok' }],
      },
    });
    assert.deepEqual(c.alerting.webhooks[0]?.basicAuth, { username: 'bot', passwordFile: '/run/secrets/pw' });
    const r = c.alerting.receivers[0];
    assert.ok(r?.type === 'webhook');
    assert.equal(r.bearerToken, 'tok');
    assert.match(
      configError(hook({ bearerToken: 't', bearerTokenFile: '/f' })),
      /give at most one of basicAuth, bearerToken and bearerTokenFile/,
    );
    assert.match(
      configError(hook({ basicAuth: { username: 'u' } })),
      /alerting\.webhooks\.0\.basicAuth: give exactly one of password and passwordFile/,
    );
    const both = configError({
      alerting: {
        receivers: [
          {
            type: 'webhook',
            name: 'b',
            url: 'http://127.0.0.1:9/b',
            bearerToken: 't',
            headers: { Authorization: 'x' },
          },
        ],
      },
    });
    assert.match(both, /alerting\.receivers\.0\.headers: an Authorization header cannot be combined/);
  });

  it('takes scrape-target credentials as separate fields, one kind at a time', () => {
    const c = parseMonitorConfig({
      targets: [
        { id: 'a', url: 'http://127.0.0.1:9100/metrics', bearerTokenFile: '/run/secrets/scrape' },
        { id: 'b', url: 'http://127.0.0.1:9101/metrics', basicAuth: { username: 'prom', password: 'pw' } },
      ],
    });
    assert.equal(c.targets[0]?.bearerTokenFile, '/run/secrets/scrape');
    assert.deepEqual(c.targets[1]?.basicAuth, { username: 'prom', password: 'pw' });
    const msg = configError({
      targets: [
        {
          id: 'a',
          url: 'http://127.0.0.1:9100/metrics',
          bearerToken: 'tok-1',
          basicAuth: { username: 'u', password: 'pw-2' },
        },
      ],
    });
    assert.match(msg, /targets\.0: give at most one of basicAuth, bearerToken and bearerTokenFile/);
    assert.ok(!msg.includes('tok-1') && !msg.includes('pw-2'), msg);
  });
});
