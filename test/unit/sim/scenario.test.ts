import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { ConfigError } from '../../../src/errors.ts';
import { FAULT_KINDS } from '../../../src/model/anomaly.ts';
import { DEFAULT_MAGNITUDE, isActive } from '../../../src/sim/faults.ts';
import { loadScenario, parseScenario } from '../../../src/sim/scenario.ts';

const bad = (yaml: string, re: RegExp, nodes = 6): void => {
  assert.throws(
    () => parseScenario(yaml, nodes, 'test.yaml'),
    (e: unknown) => e instanceof ConfigError && re.test(e.message),
    re.source,
  );
};

describe('parseScenario', () => {
  it('parses node names and indexes, durations and default magnitudes', () => {
    const s = parseScenario(
      `faults:
  - { kind: latency_spike, node: node-3, start: 15s, duration: 1m30s, magnitude: 4 }
  - { kind: memory_leak, node: 0, start: 500ms, duration: 8s }
`,
      6,
    );
    assert.deepEqual(s.faults, [
      { kind: 'latency_spike', node: 2, startMs: 15_000, durationMs: 90_000, magnitude: 4 },
      {
        kind: 'memory_leak',
        node: 0,
        startMs: 500,
        durationMs: 8000,
        magnitude: DEFAULT_MAGNITUDE.memory_leak,
      },
    ]);
  });

  it('accepts an empty file', () => {
    assert.deepEqual(parseScenario('', 3).faults, []);
  });

  it('names the path of unknown kinds', () =>
    bad(
      'faults:\n  - { kind: meteor, node: node-1, start: 1s, duration: 1s }\n',
      /faults\[0\]\.kind: unknown fault kind "meteor" \(known: latency_spike/,
    ));
  it('names the path of bad durations', () =>
    bad(
      'faults:\n  - { kind: node_down, node: node-1, start: soon, duration: 1s }\n',
      /faults\[0\]\.start: invalid duration "soon"/,
    ));
  it('rejects zero durations', () =>
    bad(
      'faults:\n  - { kind: node_down, node: node-1, start: 1s, duration: 0s }\n',
      /faults\[0\]\.duration: must be > 0/,
    ));
  it('names missing fields', () =>
    bad('faults:\n  - { kind: node_down, node: node-1, start: 1s }\n', /faults\[0\]\.duration/));
  it('rejects unknown fields', () =>
    bad(
      'faults:\n  - { kind: node_down, node: node-1, start: 1s, duration: 2s, colour: red }\n',
      /faults\[0\].*colour/,
    ));
  it('rejects nodes out of range', () => {
    bad(
      'faults:\n  - { kind: node_down, node: node-7, start: 1s, duration: 1s }\n',
      /faults\[0\]\.node: node "node-7" is out of range \(the cluster has 6 nodes/,
    );
    bad('faults:\n  - { kind: node_down, node: 6, start: 1s, duration: 1s }\n', /out of range/);
    bad('faults:\n  - { kind: node_down, node: node-0, start: 1s, duration: 1s }\n', /out of range/);
    bad('faults:\n  - { kind: node_down, node: eu-1, start: 1s, duration: 1s }\n', /node must be "node-<n>"/);
    bad('faults:\n  - { kind: node_down, node: 1.5, start: 1s, duration: 1s }\n', /integer/);
  });
  it('rejects magnitudes out of range', () => {
    bad(
      'faults:\n  - { kind: throughput_drop, node: 1, start: 1s, duration: 1s, magnitude: 1.5 }\n',
      /faults\[0\]\.magnitude: throughput_drop/,
    );
    bad(
      'faults:\n  - { kind: latency_spike, node: 1, start: 1s, duration: 1s, magnitude: 0.5 }\n',
      /slow-down factor/,
    );
    bad(
      'faults:\n  - { kind: memory_leak, node: 1, start: 1s, duration: 1s, magnitude: -2 }\n',
      /magnitude: must be a number > 0/,
    );
  });
  it('rejects invalid YAML and wrong shapes', () => {
    bad('faults: [ { kind: ', /invalid YAML/);
    bad('faults: 3\n', /faults: /);
    bad('- a\n- b\n', /\(root\)/);
    bad('nodes: 3\n', /nodes/);
  });
  it('loadScenario reports unreadable files', () => {
    assert.throws(
      () => loadScenario('/nonexistent/x.yaml', 6),
      (e: unknown) => e instanceof ConfigError && /cannot read scenario file/.test(e.message),
    );
  });
});

describe('scenarios/default.yaml', () => {
  const s = loadScenario(new URL('../../../scenarios/default.yaml', import.meta.url).pathname, 6);
  it('has one fault of each kind, each 5-10 s, after a 2 min warm-up, ending by 180 s', () => {
    assert.deepEqual(s.faults.map((f) => f.kind).sort(), [...FAULT_KINDS].sort());
    for (const f of s.faults) {
      assert.ok(f.startMs >= 120_000, `${f.kind} starts at ${f.startMs}`);
      assert.ok(f.durationMs >= 5000 && f.durationMs <= 10_000, `${f.kind} lasts ${f.durationMs}`);
      assert.ok(f.startMs + f.durationMs <= 180_000, `${f.kind} ends after 180 s`);
    }
  });
  it('overlaps in time only on different nodes', () => {
    for (const a of s.faults) {
      for (const b of s.faults) {
        if (a === b || a.node !== b.node) continue;
        for (let t = 0; t < 180_000; t += 250)
          assert.ok(
            !(isActive(a, t) && isActive(b, t)),
            `${a.kind} and ${b.kind} overlap on node ${a.node + 1}`,
          );
      }
    }
  });
  it('is readable as text', () =>
    assert.match(
      readFileSync(new URL('../../../scenarios/default.yaml', import.meta.url), 'utf8'),
      /faults:/,
    ));
});
