/**
 * Batch jobs through Debian's prometheus-pushgateway: a job pushes its metric to the gateway, the monitor
 * scrapes the gateway with honorLabels (Prometheus' honor_labels) and stores the metric under the pushed job's
 * own `job` and `instance`, not the gateway's.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { pino } from 'pino';
import { parseMonitorConfig } from '../../src/config.ts';
import { startMonitor, type RunningMonitor } from '../../src/main.ts';
import { requireBinary } from '../helpers/binaries.ts';
import { freePort, pollUntil, startServerProcess, type ServerProcess } from '../helpers/server-process.ts';

const bin = requireBinary('prometheus-pushgateway');

describe(
  'monitor scraping a real Pushgateway with honorLabels',
  { skip: bin ? false : 'prometheus-pushgateway not found (outside CI)' },
  () => {
    const dir = mkdtempSync(join(tmpdir(), 'dwcp-pgw-scrape-'));
    let gw: ServerProcess | undefined;
    let monitor: RunningMonitor | undefined;
    let gwUrl = '';

    before(async () => {
      const port = await freePort();
      gwUrl = `http://127.0.0.1:${port}`;
      gw = await startServerProcess(
        'pushgateway',
        bin!,
        [`--web.listen-address=127.0.0.1:${port}`, `--persistence.file=${join(dir, 'pgw.db')}`],
        `${gwUrl}/-/ready`,
      );
      monitor = await startMonitor({
        config: parseMonitorConfig({
          listen: { host: '127.0.0.1', port: 0 },
          host: { enabled: false },
          detection: { enabled: false },
          storage: { type: 'sqlite', path: join(dir, 'monitor.db'), layout: 'rows' },
          scrape: { interval: '500ms', timeout: '1s' },
          targets: [
            { id: 'pushgateway', url: `${gwUrl}/metrics`, honorLabels: true, labels: { job: 'pushgateway' } },
          ],
        }),
        logger: pino({ level: 'silent' }),
        webRoot: dir,
      });
    });
    after(async () => {
      await monitor?.stop();
      await gw?.stop();
      rmSync(dir, { recursive: true, force: true });
    });

    it("a pushed batch-job metric is stored with the job's own labels", async () => {
      const push = await fetch(`${gwUrl}/metrics/job/nightly-backup/instance/db-1`, {
        method: 'PUT',
        headers: { 'content-type': 'text/plain; version=0.0.4' },
        body: '# TYPE dwcp_batch_rows_processed gauge\ndwcp_batch_rows_processed{table="vms"} 1234\n',
      });
      assert.equal(push.status, 200, await push.text());
      const series = await pollUntil(
        'the pushed series in the monitor',
        async () => {
          const s = await monitor!.store.findSeries('dwcp_batch_rows_processed', {}, 10);
          return s.length > 0 ? s : undefined;
        },
        15_000,
        200,
      );
      assert.deepEqual(
        series.map((s) => s.labels),
        [{ job: 'nightly-backup', instance: 'db-1', table: 'vms' }],
      );
      const [points] = await monitor!.store.readPoints(series, Date.now() - 60_000, Date.now() + 1000, 10);
      assert.equal(points?.values.at(-1), 1234);
      const up = await monitor!.store.findSeries('up', { job: 'pushgateway' }, 10);
      assert.equal(up.length, 1, "the gateway's own up series keeps the target's job");
    });
  },
);
