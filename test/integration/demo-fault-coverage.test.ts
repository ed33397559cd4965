/**
 * The demo report's fault coverage on a real scrape path: the monitor scrapes a target over HTTP on 127.0.0.1 that
 * stalls for a while (every scrape times out). The fault window inside the stall is reported as "too few samples"
 * (a miss the detector could not avoid, visible as such), a window while the target answers is not.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { pino } from 'pino';
import { parseMonitorConfig } from '../../src/config.ts';
import { faultCoverage } from '../../src/demo/fault-coverage.ts';
import { faultVerdict } from '../../src/demo/report.ts';
import { startMonitor, type RunningMonitor } from '../../src/main.ts';
import type { FaultLabel } from '../../src/model/anomaly.ts';

const dir = mkdtempSync(join(tmpdir(), 'dwcp-demo-coverage-'));
const metric = 'dwcp_v3_mode_throughput_bytes_per_second';
let stalled = false;
const hanging = new Set<ServerResponse>();
const server = createServer((req, res) => {
  if (stalled) {
    hanging.add(res); // never answered: the scrape times out
    return;
  }
  res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4' });
  res.end(`# TYPE ${metric} gauge\n${metric}{node_id="node-1",mode="datacenter"} 2.7e9\n`);
});
let monitor: RunningMonitor | undefined;

before(async () => {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  monitor = await startMonitor({
    config: parseMonitorConfig({
      listen: { host: '127.0.0.1', port: 0 },
      auth: { mode: 'disabled' },
      storage: { type: 'sqlite', path: join(dir, 'monitor.db'), retention: '6h' },
      host: { enabled: false },
      scrape: { interval: '250ms', timeout: '200ms' },
      targets: [
        {
          id: 'node-1',
          url: `http://127.0.0.1:${port}/metrics`,
          labels: { node: 'node-1', region: 'us-east' },
        },
      ],
    }),
    logger: pino({ level: 'silent' }),
    webRoot: dir,
  });
});

after(async () => {
  await monitor?.stop();
  for (const res of hanging) res.destroy();
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  rmSync(dir, { recursive: true, force: true });
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function fault(startMs: number, endMs: number): FaultLabel {
  return {
    kind: 'throughput_drop',
    node: 'node-1',
    region: 'us-east',
    selector: `${metric}{node_id="node-1"}`,
    metrics: [metric],
    startMs,
    endMs,
  };
}

test('a fault window while the target stalls is "too few samples"; one while it answers is not', async (t) => {
  await sleep(500);
  const normalStart = Date.now();
  await sleep(2000);
  const normalEnd = Date.now();
  stalled = true;
  await sleep(300); // the scrape in flight when the stall began may still succeed
  const stallStart = Date.now();
  await sleep(2000);
  const stallEnd = Date.now();
  stalled = false;
  await sleep(500);

  const labels = [fault(normalStart, normalEnd), fault(stallStart, stallEnd)];
  const [normal, stall] = await faultCoverage(monitor!.store, labels, {
    confirmSamples: 2,
    scrapeIntervalMs: 250,
    nodeLabel: 'node',
  });
  t.diagnostic(JSON.stringify({ normal, stall }));
  assert.ok(normal!.samples >= 2, JSON.stringify(normal));
  assert.equal(faultVerdict(false, normal), 'missed');
  assert.ok(stall!.samples < 2, JSON.stringify(stall));
  assert.match(faultVerdict(false, stall), /^missed: too few samples \([01] of 2 needed\)$/);
  assert.ok(stall!.scrapes.failed + stall!.scrapes.lateOrSkipped >= 1, JSON.stringify(stall));
  // While the target answers, most scrapes succeed; one may still time out (200 ms) on a loaded machine.
  assert.ok(normal!.scrapes.received > normal!.scrapes.failed, JSON.stringify(normal));
});
