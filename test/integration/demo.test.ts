/**
 * End to end: simulated cluster -> scrape -> store -> detect -> incidents -> notify (real HTTP everywhere on 127.0.0.1),
 * scored against the simulator's ground-truth labels, as `dwcp-monitor demo` does.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { runDemo } from '../../src/demo/run.ts';
import { openSqliteTraceStore } from '../../src/traces/store/open.ts';
import type { DemoReport } from '../../src/demo/report.ts';

const dir = mkdtempSync(join(tmpdir(), 'dwcp-demo-'));
after(() => rmSync(dir, { recursive: true, force: true }));

test('the demo detects every injected fault within 5 s, delivers alerts and writes its report', async () => {
  const reportPath = join(dir, 'report.json');
  const progress: number[] = [];
  const report = await runDemo({
    durationMs: 134_000,
    reportPath,
    nodes: 3,
    regions: ['us-east', 'eu-west', 'ap-south'],
    scenarioPath: 'test/fixtures/scenario-short.yaml',
    seed: 3,
    rolloutPercent: 25,
    port: 0,
    dataDir: dir,
    daySeconds: 1800,
    onProgress: (p) => progress.push(p.stats.samplesIngested),
  });
  const onDisk = JSON.parse(readFileSync(reportPath, 'utf8')) as DemoReport;
  assert.deepEqual(onDisk.evaluation, report.evaluation);

  assert.equal(report.targets.total, 4, 'three nodes and the host');
  assert.equal(report.targets.up, 4, JSON.stringify(report.targets.list));
  assert.ok(report.samplesIngested > 10_000, `samples ingested ${report.samplesIngested}`);
  assert.ok(report.series > 1000, `series ${report.series}`);
  assert.ok(progress.length >= 20 && progress.at(-1)! > progress[0]!, 'progress was reported and grew');

  assert.equal(report.evaluation.faults, 3);
  for (const f of report.faults) {
    assert.ok(f.detected, `${f.kind} on ${f.node} was not detected`);
    assert.ok(f.detectionDelaySeconds! <= 5, `${f.kind} detected after ${f.detectionDelaySeconds} s`);
  }
  assert.equal(report.evaluation.recall, 1);
  assert.ok(
    report.evaluation.precision !== null &&
      report.evaluation.precision > 0 &&
      report.evaluation.precision <= 1,
  );
  assert.ok(report.evaluation.matchedDetections >= 3);

  // One notification per incident, not per anomaly: every fault was paged through an incident covering it,
  // no two faults share an incident, and the receiver got no more firing notifications than anomalies.
  assert.equal(
    report.incidents.pagedFaults,
    report.evaluation.faults,
    JSON.stringify(report.incidents.faults),
  );
  assert.equal(report.incidents.mergedFaults, 0, JSON.stringify(report.incidents.items));
  assert.ok(
    report.alerts.firingDelivered >= 1 && report.alerts.firingDelivered <= report.anomalies.onCluster,
    JSON.stringify(report.alerts),
  );
  assert.equal(report.alerts.duplicatesDelivered, 0);
  for (const i of report.incidents.items.filter((x) => x.matchedFaults.length > 0))
    assert.ok(i.rootCause !== null, JSON.stringify(i));
  assert.equal(report.alerts.queueLeft, 0);
  const down = report.anomalies.items.find((a) => a.metric === 'up');
  assert.ok(down, 'node_down produced a target-down anomaly');
  assert.equal(down.severity, 'critical');
  // with port 0 too, the nodes' migration traces reach the monitor (the port is chosen before the nodes start)
  const traces = await openSqliteTraceStore(join(dir, 'traces.db'), { retentionMs: 86_400_000 });
  try {
    const found = await traces.search({ tags: {}, startUs: 0, endUs: Date.now() * 1000, limit: 10 });
    assert.ok(found.traces.length > 0, 'no migration trace was stored');
  } finally {
    await traces.close();
  }
});
