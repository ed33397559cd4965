import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { loadRuleFiles } from '../../../../src/alerting/rules/loader.ts';
import { parseRuleFile } from '../../../../src/alerting/rules/parse.ts';
import { parseDuration } from '../../../../src/model/duration.ts';
import { FileValidationError } from '../../../../src/errors.ts';

const opts = { parseDuration };
const dir = mkdtempSync(join(tmpdir(), 'dwcp-rules-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const GOOD = `groups:
  - name: latency
    rules:
      - alert: HighModeLatency
        severity: critical
        for: 30s
        labels: { team: network }
        annotations: { summary: 'latency {{ $value }} s on {{ $labels.node }}' }
        condition:
          all:
            - threshold: { metric: dwcp_v3_packet_loss_ratio, match: { mode: internet }, op: '>', value: 0.5 }
            - not: { anomaly: { component: amst, min_severity: high } }
      - alert: ThroughputFalling
        condition:
          rate_of_change: { metric: dwcp_amst_bytes_sent_total, match: ['node=~"node-[12]"'], window: 1m, function: rate, op: '<', value: 1000 }
      - alert: NodeSilent
        severity: info
        condition:
          absence: { metric: up, window: 30s }
`;

test('a valid file parses into groups with typed conditions, durations in ms and default severity', () => {
  const [g] = parseRuleFile(GOOD, 'good.yaml', opts);
  assert.equal(g!.name, 'latency');
  assert.equal(g!.rules.length, 3);
  const [a, b, c] = g!.rules;
  assert.equal(a!.forMs, 30_000);
  assert.equal(a!.severity, 'critical');
  assert.deepEqual(a!.labels, { team: 'network' });
  assert.equal(a!.condition.type, 'all');
  if (a!.condition.type !== 'all') return;
  assert.deepEqual(a!.condition.on, ['node']);
  assert.equal(a!.condition.conditions[1]!.type, 'not');
  assert.equal(b!.severity, 'warning');
  assert.equal(b!.condition.type, 'rate_of_change');
  if (b!.condition.type === 'rate_of_change') {
    assert.equal(b!.condition.windowMs, 60_000);
    assert.deepEqual(b!.condition.selector.matchers, [
      { name: 'node', value: 'node-[12]', isRegex: true, isEqual: true },
    ]);
  }
  assert.equal(c!.condition.type, 'absence');
});

test('every problem is reported with its line and column, sorted by place', () => {
  const bad = `groups:
  - name: g
    rules:
      - alert: Bad
        severity: urgent
        for: 30 seconds
        condition:
          threshold: { metric: dwcp_no_such_metric, op: '>>', value: x }
        annotations: { summary: '{{ $foo }}' }
        extra: 1
`;
  let err: FileValidationError | undefined;
  try {
    parseRuleFile(bad, 'bad.yaml', opts);
  } catch (e) {
    err = e as FileValidationError;
  }
  assert.ok(err instanceof FileValidationError);
  const at = (path: string) => err!.problems.find((p) => p.path === path);
  assert.deepEqual(
    [at('groups[0].rules[0].severity')?.line, at('groups[0].rules[0].severity')?.column],
    [5, 19],
  );
  assert.deepEqual([at('groups[0].rules[0].for')?.line, at('groups[0].rules[0].for')?.column], [6, 14]);
  assert.match(
    at('groups[0].rules[0].condition.threshold.metric')!.message,
    /unknown metric "dwcp_no_such_metric"/,
  );
  assert.equal(at('groups[0].rules[0].condition.threshold.op')?.line, 8);
  assert.equal(at('groups[0].rules[0].condition.threshold.value')?.line, 8);
  assert.match(at('groups[0].rules[0].annotations.summary')!.message, /unsupported template/);
  assert.equal(at('groups[0].rules[0].extra')?.line, 10);
  const lines = err.problems.map((p) => p.line!);
  assert.deepEqual(
    lines,
    [...lines].sort((x, y) => x - y),
  );
  assert.match(
    err.message,
    /bad\.yaml:5:19: groups\[0\]\.rules\[0\]\.severity: must be one of info, warning, critical/,
  );
});

test('YAML syntax errors, bad regexes, duplicates, missing conditions and two condition types are reported', () => {
  assert.throws(
    () => parseRuleFile('groups:\n  - name: [\n', 's.yaml', opts),
    (e: FileValidationError) => e.problems[0]!.line === 3 && /YAML/.test(e.problems[0]!.message),
  );
  assert.throws(
    () =>
      parseRuleFile(
        `groups:\n  - name: h\n    rules:\n      - alert: H\n        condition: { threshold: { metric: dwcp_v3_mode_latency_seconds, op: '>', value: 1 } }\n`,
        'h.yaml',
        opts,
      ),
    /is a histogram: select dwcp_v3_mode_latency_seconds_sum/,
  );
  const regex = `groups:\n  - name: g\n    rules:\n      - alert: A\n        condition: { threshold: { metric: up, match: ['node=~"("'], op: '<', value: 1 } }\n`;
  assert.throws(
    () => parseRuleFile(regex, 'r.yaml', opts),
    (e: FileValidationError) => e.problems.some((p) => /regular expression/.test(p.message) && p.line === 5),
  );
  const dup = `groups:\n  - name: g\n    rules: []\n  - name: g\n    rules:\n      - alert: A\n      - alert: B\n        condition: { threshold: { metric: up, op: '<', value: 1 }, absence: { metric: up, window: 1m } }\n`;
  assert.throws(
    () => parseRuleFile(dup, 'd.yaml', opts),
    (e: FileValidationError) => {
      const msgs = e.problems.map((p) => `${p.line}:${p.message}`);
      return (
        msgs.some((m) => /^4:duplicate group name/.test(m)) &&
        msgs.some((m) => /condition is required/.test(m)) &&
        msgs.some((m) => /give exactly one condition type/.test(m))
      );
    },
  );
});

test('loading several files is all or nothing, with problems of every file', () => {
  const good = join(dir, 'good.yaml');
  const bad = join(dir, 'bad.yaml');
  writeFileSync(good, GOOD);
  writeFileSync(
    bad,
    'groups:\n  - name: other\n    rules:\n      - alert: X\n        condition: { threshold: { metric: up, op: "<", value: nope } }\n',
  );
  assert.equal(loadRuleFiles([good], opts).groups.length, 1);
  assert.throws(
    () => loadRuleFiles([good, bad, join(dir, 'missing.yaml')], opts),
    (e: FileValidationError) => {
      return (
        e.problems.some((p) => p.file === bad && p.line === 5) &&
        e.problems.some((p) => p.file.endsWith('missing.yaml') && /cannot read/.test(p.message))
      );
    },
  );
  assert.throws(() => loadRuleFiles([good, good], opts), /also defined|duplicate/);
});
