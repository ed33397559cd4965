/**
 * The composition root's log wiring: the monitor's own log lines (through {@link monitorLogger} and a
 * {@link SelfLogSink}) are found by GET /api/logs under service `dwcp-monitor`, and error entries pushed on the
 * Loki API become `dwcp_log_error_entries_total{node_id, level}` series in the sample store.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { parseMonitorConfig } from '../../src/config.ts';
import type { LogsResponse } from '../../src/contract/logs.ts';
import { monitorLogger, SelfLogSink } from '../../src/logs/self-log.ts';
import { startMonitor } from '../../src/main.ts';

const dir = mkdtempSync(join(tmpdir(), 'dwcp-main-logs-'));
after(() => rmSync(dir, { recursive: true, force: true }));

/** Polls `check` every 100 ms for at most 10 s. */
async function eventually<T>(check: () => Promise<T | undefined>): Promise<T> {
  for (let i = 0; i < 100; i++) {
    const v = await check();
    if (v !== undefined) return v;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error('condition not met within 10 s');
}

describe('startMonitor: logs', () => {
  it('stores its own log lines and turns pushed error entries into error-count series', async () => {
    const config = parseMonitorConfig({
      listen: { host: '127.0.0.1', port: 0 },
      auth: { mode: 'disabled' },
      host: { enabled: false },
      scrape: { interval: '200ms' },
      storage: { type: 'sqlite', path: join(dir, 'dwcp.db'), layout: 'rows' },
    });
    const selfLog = new SelfLogSink();
    const monitor = await startMonitor({
      config,
      logger: monitorLogger({ level: 'info', selfLog, out: { write: () => true } }),
      selfLog,
      webRoot: dir,
    });
    try {
      const own = await eventually(async () => {
        const r = (await (
          await fetch(`${monitor.url}api/logs?q=monitor%20started&service=dwcp-monitor`)
        ).json()) as LogsResponse;
        return r.entries[0];
      });
      assert.equal(own.level, 'info');
      assert.equal(own.attributes['targets'], '0');

      const ns = `${Date.now()}000000`;
      const push = await fetch(`${monitor.url}loki/api/v1/push`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          streams: [
            {
              stream: { node_id: 'node-7', level: 'error' },
              values: [
                [ns, 'transfer failed'],
                [ns, 'state sync failed'],
              ],
            },
          ],
        }),
      });
      assert.equal(push.status, 204, await push.text());
      const series = await eventually(async () => {
        const s = await monitor.store.findSeries('dwcp_log_error_entries_total', { node_id: 'node-7' }, 10);
        return s.length === 2 ? s : undefined;
      });
      const points = await monitor.store.readPoints(series, Date.now() - 60_000, Date.now() + 1000, 10);
      const errors = points.find((p) => p.series.labels['level'] === 'error');
      assert.equal(errors?.values.at(-1), 2);
    } finally {
      await monitor.stop();
    }
  });
});
