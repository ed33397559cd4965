import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { findMetric } from '../../../src/catalog/index.ts';
import { ConfigError, InvalidInputError } from '../../../src/errors.ts';
import { FAULT_KINDS, type FaultLabel } from '../../../src/model/anomaly.ts';
import { startCluster, type Cluster } from '../../../src/sim/cluster.ts';
import { movedMetrics, selectorFor } from '../../../src/sim/faults.ts';
import { faultLabel, LabelWriter } from '../../../src/sim/labels.ts';
import { parseScenario } from '../../../src/sim/scenario.ts';

const dir = mkdtempSync(join(tmpdir(), 'dwcp-sim-'));
after(() => rmSync(dir, { recursive: true, force: true }));

describe('fault labels', () => {
  it('every kind has a selector on a catalog metric (or up) and the metrics it moves', () => {
    for (const kind of FAULT_KINDS) {
      const metrics = movedMetrics(kind);
      assert.ok(metrics.length >= 1);
      const sel = selectorFor(kind, 'node-2');
      assert.ok(sel.startsWith(metrics[0]! + '{'), sel);
      if (kind === 'node_down') assert.deepEqual(metrics, ['up']);
      else for (const m of metrics) assert.equal(findMetric(m)?.name, m);
    }
    assert.equal(selectorFor('latency_spike', 'node-2'), 'dwcp_v3_mode_latency_seconds{node_id="node-2"}');
    assert.equal(
      selectorFor('memory_leak', 'node-5'),
      'dwcp_v3_resource_utilization_percent{node="node-5",resource_type="memory"}',
    );
    assert.equal(selectorFor('node_down', 'node-6'), 'up{node="node-6"}');
  });

  it('faultLabel has absolute Unix ms start/end', () => {
    const l = faultLabel(
      { kind: 'throughput_drop', node: 0, startMs: 15_000, durationMs: 8000, magnitude: 0.7 },
      'node-1',
      'us-east',
      1_700_000_000_000,
    );
    assert.deepEqual(l, {
      kind: 'throughput_drop',
      node: 'node-1',
      region: 'us-east',
      selector: 'dwcp_v3_mode_throughput_bytes_per_second{node_id="node-1"}',
      metrics: movedMetrics('throughput_drop'),
      startMs: 1_700_000_015_000,
      endMs: 1_700_000_023_000,
    });
  });

  it('LabelWriter truncates and appends JSON lines; bad paths are ConfigError', () => {
    const path = join(dir, 'w.jsonl');
    const w = new LabelWriter(path);
    const l = faultLabel(
      { kind: 'node_down', node: 0, startMs: 0, durationMs: 1, magnitude: 1 },
      'node-1',
      'r',
      5,
    );
    w.write(l);
    w.write(l);
    assert.equal(w.written, 2);
    assert.equal(readFileSync(path, 'utf8').trim().split('\n').length, 2);
    new LabelWriter(path);
    assert.equal(readFileSync(path, 'utf8'), '');
    assert.throws(() => new LabelWriter(join(dir, 'missing', 'x.jsonl')), ConfigError);
  });
});

describe('startCluster', () => {
  let now = Date.UTC(2026, 0, 1, 12);
  let cluster: Cluster | undefined;
  after(() => cluster?.stop());

  it('serves every node over real HTTP, injects faults at their times and writes labels', async () => {
    const labelsOut = join(dir, 'labels.jsonl');
    const scenario = parseScenario(
      `faults:
  - { kind: node_down, node: node-2, start: 3s, duration: 3s }
  - { kind: throughput_drop, node: node-1, start: 4s, duration: 2s }
  - { kind: memory_leak, node: node-3, start: 30s, duration: 2s }
`,
      3,
    );
    const c = await startCluster({
      nodes: 3,
      regions: ['us-east', 'eu-west', 'ap-south'],
      portBase: 0,
      scenario,
      seed: 5,
      autoTick: false,
      clock: () => now,
      labelsOut,
      warn: () => {},
    });
    cluster = c;
    assert.deepEqual(
      c.nodes.map((n) => [n.id, n.region, n.mode]),
      [
        ['node-1', 'us-east', 'datacenter'],
        ['node-2', 'eu-west', 'internet'],
        ['node-3', 'ap-south', 'hybrid'],
      ],
    );
    const n2 = c.nodes[1]!;
    const health = await fetch(`${n2.url}/health`);
    assert.equal(((await health.json()) as { service: string }).service, 'dwcp-sim-node-2');
    assert.equal((await fetch(`${n2.url}/ready`)).status, 200);
    assert.match(await (await fetch(`${n2.url}/metrics`)).text(), /dwcp_v3_tcp_streams\{node_id="node-2"\}/);
    const v1 = await (await fetch(`${c.nodes[0]!.url}/metrics`)).text();
    assert.match(v1, /dwcp_amst_streams_active\{cluster="us-east",node="node-1"\}/);

    for (let s = 1; s <= 3; s++) {
      now += 1000;
      c.tick();
    }
    await c.sim[1]!.settled();
    await assert.rejects(fetch(`${n2.url}/health`), 'node-2 is down');
    assert.equal((await fetch(`${c.nodes[0]!.url}/health`)).status, 200, 'other nodes stay up');
    for (let s = 4; s <= 6; s++) {
      now += 1000;
      c.tick();
    }
    await c.sim[1]!.settled();
    const back = await fetch(`${n2.url}/ready`);
    assert.equal(back.status, 200, 'node-2 is back on the same port');

    const lines = readFileSync(labelsOut, 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as FaultLabel);
    assert.equal(lines.length, 2, 'the memory leak at 30 s has not been injected yet');
    assert.deepEqual(lines[0], {
      kind: 'node_down',
      node: 'node-2',
      region: 'eu-west',
      selector: 'up{node="node-2"}',
      metrics: ['up'],
      startMs: c.startMs + 3000,
      endMs: c.startMs + 6000,
    });
    assert.equal(lines[1]!.kind, 'throughput_drop');
    assert.equal(lines[1]!.node, 'node-1');
    assert.deepEqual(c.labels, lines);
    await c.stop();
    await c.stop();
    await assert.rejects(fetch(`${c.nodes[0]!.url}/health`));
  });

  it('uses portBase + i and reports a busy port', async () => {
    const a = await startCluster({ nodes: 1, regions: ['r'], portBase: 0, autoTick: false, warn: () => {} });
    try {
      await assert.rejects(
        startCluster({
          nodes: 2,
          regions: ['r'],
          portBase: a.nodes[0]!.port,
          autoTick: false,
          warn: () => {},
        }),
        /EADDRINUSE/,
      );
    } finally {
      await a.stop();
    }
  });

  it('ticks by itself with autoTick', async () => {
    const c = await startCluster({ nodes: 1, regions: ['r'], portBase: 0, tickMs: 20, warn: () => {} });
    try {
      const deadline = Date.now() + 5000;
      while (c.sim[0]!.tickCount < 4 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
      assert.ok(c.sim[0]!.tickCount >= 4);
    } finally {
      await c.stop();
    }
  });

  it('rejects bad options', async () => {
    const ok = { nodes: 1, regions: ['r'], portBase: 0, autoTick: false };
    await assert.rejects(startCluster({ ...ok, nodes: 0 }), InvalidInputError);
    await assert.rejects(startCluster({ ...ok, nodes: 2.5 }), InvalidInputError);
    await assert.rejects(startCluster({ ...ok, regions: [] }), InvalidInputError);
    await assert.rejects(startCluster({ ...ok, regions: ['a', 'a'] }), /distinct/);
    await assert.rejects(startCluster({ ...ok, regions: ['bad region'] }), InvalidInputError);
    await assert.rejects(startCluster({ ...ok, portBase: 80 }), /port base/);
    await assert.rejects(startCluster({ ...ok, tickMs: 1 }), /tick/);
    await assert.rejects(startCluster({ ...ok, rolloutPercent: 101 }), /rollout/);
    await assert.rejects(
      startCluster({
        ...ok,
        scenario: { faults: [{ kind: 'node_down', node: 3, startMs: 0, durationMs: 1, magnitude: 1 }] },
      }),
      /node index 3/,
    );
  });
});
