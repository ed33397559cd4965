/**
 * Log-derived metrics (src/logs/log-metrics.ts): error and fatal entries counted per node, the node bound, and
 * the counters run through the monitor's pipeline with the default detection settings — a simulated fault
 * that makes one node log errors opens an error-rate anomaly on that node's series, a healthy run opens none.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { InvalidInputError } from '../../../src/errors.ts';
import { LogErrorCounts } from '../../../src/logs/log-metrics.ts';
import type { LogLevel, LogRecord } from '../../../src/logs/record.ts';
import type { Anomaly } from '../../../src/model/anomaly.ts';
import { DEFAULT_DETECTION_SETTINGS } from '../../../src/model/detection-settings.ts';
import { buildPipeline } from '../../../src/monitor/build-pipeline.ts';
import { Prng } from '../../../src/sim/prng.ts';

const T0 = Date.UTC(2026, 0, 1);

function rec(nodeId: string, level: LogLevel, timeUs = T0 * 1000): LogRecord {
  return {
    timeUs,
    level,
    service: 'dwcp-node',
    nodeId,
    region: 'r1',
    component: 'migration',
    traceId: '',
    spanId: '',
    body: 'x',
    attributes: {},
  };
}

describe('LogErrorCounts', () => {
  it('counts error and fatal entries per node and gives every seen node both counters', () => {
    const c = new LogErrorCounts();
    c.observe([rec('a', 'info'), rec('a', 'error'), rec('a', 'error'), rec('b', 'fatal'), rec('c', 'warn')]);
    const byKey = new Map(c.samples(T0).map((s) => [`${s.labels['node_id']}/${s.labels['level']}`, s]));
    assert.deepEqual(
      [...byKey].map(([k, s]) => [k, s.value]),
      [
        ['a/error', 2],
        ['a/fatal', 0],
        ['b/error', 0],
        ['b/fatal', 1],
        ['c/error', 0],
        ['c/fatal', 0],
      ],
    );
    for (const s of byKey.values()) {
      assert.equal(s.name, 'dwcp_log_error_entries_total');
      assert.equal(s.timestampMs, T0);
    }
  });

  it('tracks at most maxNodes nodes and counts the entries of the others as overflow', () => {
    const c = new LogErrorCounts({ maxNodes: 2 });
    c.observe([rec('a', 'error'), rec('b', 'error'), rec('c', 'error'), rec('d', 'info'), rec('a', 'error')]);
    assert.equal(c.nodes, 2);
    assert.equal(c.overflow, 2);
    assert.equal(c.samples(T0).length, 4);
    assert.equal(
      c.samples(T0).find((s) => s.labels['node_id'] === 'a' && s.labels['level'] === 'error')?.value,
      2,
    );
  });

  it('refuses a bad node bound', () => {
    for (const maxNodes of [0, -1, 1.5, Number.NaN])
      assert.throws(() => new LogErrorCounts({ maxNodes }), InvalidInputError);
  });
});

/**
 * 8 nodes log at 1 s steps for `seconds`: about 40 entries/s each with a healthy share of errors (1 %, so a few
 * errors now and then); from `faultAtS` on, `faultNode` logs 30 errors/s on top (a failing migration path). The
 * counters go through the pipeline every second, as `serve` pushes them.
 */
async function run(seconds: number, fault?: { node: string; atS: number }): Promise<Omit<Anomaly, 'id'>[]> {
  const opened: Omit<Anomaly, 'id'>[] = [];
  const { pipeline } = buildPipeline({
    detection: DEFAULT_DETECTION_SETTINGS,
    store: null,
    clock: () => now,
    sink: { handle: async (o) => void opened.push(...o.opened.map((x) => x.anomaly)) },
  });
  const counts = new LogErrorCounts();
  const r = new Prng(11);
  let now = T0;
  for (let s = 0; s < seconds; s++) {
    now = T0 + s * 1000;
    const batch: LogRecord[] = [];
    for (let n = 1; n <= 8; n++) {
      const node = `node-${n}`;
      for (let i = 0; i < 40; i++)
        batch.push(rec(node, r.chance(0.01) ? 'error' : r.chance(0.1) ? 'warn' : 'info', now * 1000));
      if (fault && node === fault.node && s >= fault.atS)
        for (let i = 0; i < 30; i++) batch.push(rec(node, 'error', now * 1000));
    }
    counts.observe(batch);
    await pipeline.ingestPushed('logs', counts.samples(now));
  }
  return opened;
}

describe('error-log rate feeding detection', () => {
  it('a healthy run opens no anomaly on the error-log rates', async () => {
    const opened = await run(900);
    assert.deepEqual(
      opened.map((a) => `${a.metric} ${JSON.stringify(a.labels)}`),
      [],
    );
  });

  it('a fault that makes one node log errors opens an error-rate anomaly on that node only', async () => {
    const opened = await run(900, { node: 'node-3', atS: 700 });
    assert.ok(opened.length > 0, 'no anomaly opened');
    for (const a of opened) {
      assert.equal(a.metric, 'dwcp_log_error_entries_total');
      assert.equal(a.kind, 'error_rate');
      assert.deepEqual(a.labels, { node_id: 'node-3', level: 'error' });
      assert.ok(a.startedAtMs >= T0 + 700_000, `opened before the fault at ${a.startedAtMs - T0} ms`);
    }
    assert.ok(
      opened[0]!.startedAtMs <= T0 + 720_000,
      `detected ${(opened[0]!.startedAtMs - T0) / 1000 - 700} s after the fault`,
    );
  });
});
