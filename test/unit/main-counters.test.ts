/** `serve` keeps the counters of stored state across a restart (saved at shutdown, restored at start). */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { pino } from 'pino';
import type { Counter } from 'prom-client';
import { parseMonitorConfig } from '../../src/config.ts';
import { startMonitor } from '../../src/main.ts';

describe('startMonitor: counters across a restart', () => {
  const dir = mkdtempSync(join(tmpdir(), 'dwcp-main-counters-'));
  after(() => rmSync(dir, { recursive: true, force: true }));
  const config = parseMonitorConfig({
    listen: { host: '127.0.0.1', port: 0 },
    storage: { type: 'sqlite', path: join(dir, 'monitor.db') },
    host: { enabled: false },
  });

  it('continues dwcp_monitor_alerts_sent_total after a restart; dwcp_monitor_samples_ingested_total starts again', async () => {
    const first = await startMonitor({ config, logger: pino({ level: 'silent' }) });
    try {
      (first.registry.getSingleMetric('dwcp_monitor_alerts_sent_total') as Counter<string>).inc(
        { receiver: 'pager' },
        3,
      );
      (first.registry.getSingleMetric('dwcp_monitor_samples_ingested_total') as Counter<string>).inc(50);
    } finally {
      await first.stop();
    }
    const second = await startMonitor({ config, logger: pino({ level: 'silent' }) });
    try {
      const text = await second.registry.metrics();
      assert.match(text, /^dwcp_monitor_alerts_sent_total\{receiver="pager"\} 3$/m);
      const ingested = /^dwcp_monitor_samples_ingested_total (\S+)$/m.exec(text);
      assert.ok(ingested, 'the ingest counter is exposed');
      assert.ok(Number(ingested[1]) < 50, `a counter of this run's work starts again (got ${ingested[1]})`);
    } finally {
      await second.stop();
    }
  });
});
