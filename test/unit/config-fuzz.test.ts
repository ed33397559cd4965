/**
 * Property-based fuzzing of the configuration loader: arbitrary YAML-shaped values, and valid configurations
 * with one field replaced by a hostile value. Every input is accepted or refused with a ConfigError naming the
 * field; an accepted configuration holds only timer-safe, non-negative durations; no message echoes a URL
 * password.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { stringify } from 'yaml';
import { parseMonitorConfig, type MonitorConfig } from '../../src/config.ts';
import { ConfigError } from '../../src/errors.ts';
import { MAX_TIMER_MS } from '../../src/model/duration.ts';
import { yamlLocator } from '../../src/model/yaml-locator.ts';
import { Tally, hostileString } from '../helpers/hostile.ts';

const SECRET = 'Pw-9f3c1e';

/** Field paths of the configuration and where they live. */
const PATHS: readonly (readonly string[])[] = [
  ['scrape', 'interval'],
  ['scrape', 'timeout'],
  ['detection', 'cooldown'],
  ['detection', 'checkpointInterval'],
  ['detection', 'seasonalPeriod'],
  ['detection', 'maxSeries'],
  ['detection', 'minConfidence'],
  ['storage', 'retention'],
  ['traces', 'retention'],
  ['listen', 'port'],
  ['listen', 'host'],
  ['listen', 'allowedOrigins'],
  ['slo', 'step'],
  ['alerting', 'outbox', 'maxAge'],
  ['alerting', 'incidents', 'groupWait'],
  ['alerting', 'rules', 'interval'],
  ['reports', 'delay'],
  ['profiling', 'continuous', 'interval'],
  ['health', 'warmup'],
  ['capacity', 'minHistory'],
];

const hostileValue = fc.oneof(
  hostileString,
  fc.constantFrom(
    -1000,
    -1,
    0,
    1,
    MAX_TIMER_MS,
    MAX_TIMER_MS + 1,
    2 ** 53,
    Number.MAX_VALUE,
    Number.NaN,
    Number.POSITIVE_INFINITY,
    0.5,
  ),
  fc.constantFrom(`http://admin:${SECRET}@127.0.0.1:9/x`, [`https://u:${SECRET}@h.example`]),
  fc.jsonValue({ maxDepth: 2 }),
);

function set(path: readonly string[], value: unknown): Record<string, unknown> {
  const root: Record<string, unknown> = { storage: { type: 'sqlite' } };
  let o = root;
  for (const k of path.slice(0, -1)) o = (o[k] ??= {}) as Record<string, unknown>;
  o[path[path.length - 1]!] = value;
  return root;
}

function timerDurations(c: MonitorConfig): number[] {
  return [
    c.scrape.interval,
    c.scrape.timeout,
    c.detection.cooldown,
    c.detection.checkpointInterval,
    c.alerting.incidents.groupWait,
    c.alerting.rules.interval,
  ];
}

describe('fuzz: configuration loader', () => {
  it('one hostile field: accepted with sane durations, or a ConfigError naming the field without the password', (t) => {
    const tally = new Tally();
    fc.assert(
      fc.property(
        fc.constantFrom(...PATHS),
        hostileValue,
        fc.constantFrom('targetUrl', 'field', 'webhookUrl'),
        (path, value, where) => {
          const raw =
            where === 'targetUrl'
              ? { targets: [{ id: 'n', url: value }] }
              : where === 'webhookUrl'
                ? { alerting: { webhooks: [{ url: value, timeout: value }] } }
                : set(path, value);
          const c = tally.run(() => parseMonitorConfig(raw), JSON.stringify(raw) ?? '');
          if (c === undefined) {
            try {
              parseMonitorConfig(raw);
            } catch (e) {
              assert.ok(e instanceof ConfigError);
              assert.ok(!e.message.includes(SECRET), e.message);
              assert.match(e.message, /invalid monitor configuration:\n {2}\S/);
            }
            return;
          }
          for (const ms of timerDurations(c))
            assert.ok(ms >= 0 && ms <= MAX_TIMER_MS, `duration ${ms} out of timer range`);
          assert.ok(c.storage.retention >= 0 && Number.isFinite(c.storage.retention));
        },
      ),
      { numRuns: 2000 },
    );
    t.diagnostic(tally.summary('config loader (one hostile field)'));
    assert.equal(tally.crashes, 0, tally.crashSamples.join('\n'));
  });

  it('arbitrary YAML documents: accepted or a ConfigError, never another exception', (t) => {
    const tally = new Tally();
    fc.assert(
      fc.property(
        fc.oneof(
          fc.jsonValue({ maxDepth: 3 }),
          fc.dictionary(fc.constantFrom(...PATHS.map((p) => p[0]!)), fc.jsonValue({ maxDepth: 2 })),
        ),
        (doc) => {
          const text = stringify(doc);
          tally.run(() => parseMonitorConfig(doc, yamlLocator(text)), text);
        },
      ),
      { numRuns: 1500 },
    );
    t.diagnostic(tally.summary('config loader (arbitrary documents)'));
    assert.equal(tally.crashes, 0, tally.crashSamples.join('\n'));
  });
});
