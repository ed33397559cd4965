/**
 * The demo's fault coverage: samples of a fault's target series and its target's scrapes inside the fault window,
 * read back from a sample store, and the verdict that tells a miss from too few samples from a detector miss.
 */
import assert from 'node:assert/strict';
import { demoReportInput } from '../../helpers/demo-report-input.ts';
import { describe, it } from 'node:test';
import { faultCoverage, parseFaultSelector } from '../../../src/demo/fault-coverage.ts';
import { faultTable } from '../../../src/demo/fault-table.ts';
import { buildDemoReport, faultVerdict } from '../../../src/demo/report.ts';
import type { FaultLabel } from '../../../src/model/anomaly.ts';
import type { Sample } from '../../../src/model/sample.ts';
import { MemorySampleStore } from '../../../src/store/memory/sample-store.ts';

const T0 = 1_800_000_000_000;
const target = { job: 'dwcp', instance: '127.0.0.1:9101', region: 'us-east', node: 'node-1' };

function label(
  kind: FaultLabel['kind'],
  selector: string,
  metric: string,
  startS: number,
  endS: number,
  node = 'node-1',
): FaultLabel {
  return {
    kind,
    node,
    region: 'us-east',
    selector,
    metrics: [metric],
    startMs: T0 + startS * 1000,
    endMs: T0 + endS * 1000,
  };
}

/**
 * 60 scrapes at 1 s of one target; during `stalled` seconds the target hangs, so each scrape times out and only
 * the synthetic `up` = 0 is stored; during `skipped` seconds the monitor skipped the scrapes (nothing stored).
 */
async function scrapedStore(
  stalled: [number, number],
  skipped: [number, number],
): Promise<MemorySampleStore> {
  const store = new MemorySampleStore();
  const batch: Sample[] = [];
  for (let s = 0; s < 60; s++) {
    const t = T0 + s * 1000;
    if (s >= skipped[0] && s < skipped[1]) continue;
    const ok = !(s >= stalled[0] && s < stalled[1]);
    batch.push({ name: 'up', labels: target, value: ok ? 1 : 0, timestampMs: t });
    if (!ok) continue;
    const l = { ...target, node_id: 'node-1' };
    batch.push({
      name: 'dwcp_v3_mode_throughput_bytes_per_second',
      labels: { ...l, mode: 'datacenter' },
      value: 2.7e9,
      timestampMs: t,
    });
    batch.push({ name: 'dwcp_v3_byzantine_detections_total', labels: l, value: s * 2, timestampMs: t });
    batch.push({ name: 'dwcp_v3_migration_duration_seconds_count', labels: l, value: s, timestampMs: t });
    batch.push({ name: 'dwcp_v3_migration_duration_seconds_sum', labels: l, value: s * 4, timestampMs: t });
  }
  await store.append(batch);
  return store;
}

const OPTS = { confirmSamples: 2, scrapeIntervalMs: 1000, nodeLabel: 'node' };

describe('demo fault coverage', () => {
  it('parses the selectors the simulator writes', () => {
    assert.deepEqual(parseFaultSelector('up{node="node-6"}'), { name: 'up', match: { node: 'node-6' } });
    assert.deepEqual(
      parseFaultSelector('dwcp_v3_resource_utilization_percent{node="node-4",resource_type="memory"}'),
      { name: 'dwcp_v3_resource_utilization_percent', match: { node: 'node-4', resource_type: 'memory' } },
    );
    assert.deepEqual(parseFaultSelector('up'), { name: 'up', match: {} });
    assert.equal(parseFaultSelector('up{node=~"n.*"}'), null);
  });

  it('a window whose scrapes stalled is "too few samples"; a normal window is judged a plain miss', async () => {
    const store = await scrapedStore([30, 38], [100, 100]);
    const throughput = 'dwcp_v3_mode_throughput_bytes_per_second';
    const sel = `${throughput}{node_id="node-1"}`;
    const labels = [
      label('throughput_drop', sel, throughput, 10, 18),
      label('throughput_drop', sel, throughput, 30, 38),
    ];
    const [normal, stalled] = await faultCoverage(store, labels, OPTS);
    assert.deepEqual(normal, {
      series: sel,
      samples: 8,
      needed: 2,
      scrapes: { expected: 8, received: 8, failed: 0, lateOrSkipped: 0 },
    });
    assert.deepEqual(stalled, {
      series: sel,
      samples: 0,
      needed: 2,
      scrapes: { expected: 8, received: 8, failed: 8, lateOrSkipped: 0 },
    });
    assert.equal(faultVerdict(false, normal), 'missed');
    assert.equal(faultVerdict(false, stalled), 'missed: too few samples (0 of 2 needed)');
    assert.equal(faultVerdict(true, stalled), 'detected');

    const report = buildDemoReport(
      demoReportInput({ startMs: T0, endMs: T0 + 60_000, labels, coverage: [normal!, stalled!] }),
    );
    assert.deepEqual(
      report.faults.map((f) => f.verdict),
      ['missed', 'missed: too few samples (0 of 2 needed)'],
    );
    assert.equal(report.evaluation.missedTooFewSamples, 1);
    assert.deepEqual(report.faults[1]!.scrapes, stalled!.scrapes);
    const table = faultTable(report).split('\n');
    assert.match(
      table[0]!,
      /^fault +node +verdict +delay s +samples +scrapes ok\/expected +failed +late\/skipped$/,
    );
    assert.match(table[1]!, /^throughput_drop +node-1 +missed +- +8 \(need 2\) +8\/8 +0 +0$/);
    assert.match(
      table[2]!,
      /^throughput_drop +node-1 +missed: too few samples \(0 of 2 needed\) +- +0 \(need 2\) +0\/8 +8 +0$/,
    );
  });

  it('counts skipped scrapes as late or skipped, counters as rates and histograms as means of 3 observations', async () => {
    const store = await scrapedStore([100, 100], [31, 37]);
    const byz = 'dwcp_v3_byzantine_detections_total';
    const mig = 'dwcp_v3_migration_duration_seconds';
    const labels = [
      label('byzantine_events', `${byz}{node_id="node-1"}`, byz, 30, 38),
      label('v3_regression', `${mig}{node_id="node-1"}`, mig, 32, 38),
      label('v3_regression', `${mig}{node_id="node-1"}`, mig, 10, 19),
    ];
    const [counter, hist, histNormal] = await faultCoverage(store, labels, OPTS);
    // Scrapes at 30 and 37 only: two counter samples, each with an earlier one.
    assert.equal(counter!.samples, 2);
    assert.deepEqual(counter!.scrapes, { expected: 8, received: 2, failed: 0, lateOrSkipped: 6 });
    // _count rises by 1 per scrape: a mean every 3 observations (…, 27, 30), then 37 (7 carried over the gap): one in [32, 38).
    assert.equal(hist!.samples, 1);
    assert.equal(faultVerdict(false, hist), 'missed: too few samples (1 of 2 needed)');
    assert.equal(histNormal!.samples, 3);
    assert.equal(faultVerdict(false, histNormal), 'missed');
  });

  it('a selector without stored series has 0 samples', async () => {
    const store = await scrapedStore([100, 100], [100, 100]);
    const [c] = await faultCoverage(
      store,
      [label('node_down', 'up{node="node-9"}', 'up', 10, 17, 'node-9')],
      OPTS,
    );
    assert.equal(c!.samples, 0);
    assert.deepEqual(c!.scrapes, { expected: 7, received: 0, failed: 0, lateOrSkipped: 7 });
  });
});
