/**
 * The range-query caches of the chunks layout on a started monitor's live `/metrics`: with rollups in the store,
 * `GET /api/metrics/query` at a 1-minute step fills the cache of decoded rollup rows (misses, then hits, bytes
 * held) and the result cache (computed steps, then served steps, bytes held).
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { pino } from 'pino';
import { parseMonitorConfig } from '../../src/config.ts';
import { startMonitor } from '../../src/main.ts';
import { openChunkedSqliteStore } from '../../src/store/tsdb/open.ts';

const MIN = 60_000;
const HOUR = 3_600_000;

/** The value of one sample line of the exposition text (0 when absent). */
function sampleValue(text: string, line: string): number {
  const esc = line.replace(/[{}"=\\]/g, (c) => `\\${c}`);
  const m = new RegExp(`^${esc} (\\S+)$`, 'm').exec(text);
  return m ? Number(m[1]) : 0;
}

describe('startMonitor: query cache metrics on /metrics', () => {
  const dir = mkdtempSync(join(tmpdir(), 'dwcp-main-query-cache-'));
  after(() => rmSync(dir, { recursive: true, force: true }));
  const path = join(dir, 'monitor.db');

  it('counts rollup rows (miss, hit), bytes and result-cache steps of range queries', async () => {
    // Three hours of samples ending an hour ago, rolled up (the watermark past them).
    const now = Date.now();
    const from = Math.floor((now - 4 * HOUR) / HOUR) * HOUR;
    const pre = await openChunkedSqliteStore({ path, walDir: `${path}.wal` });
    try {
      for (let t = from; t < from + 3 * HOUR; t += 15_000)
        await pre.append(
          ['a', 'b'].map((node) => ({
            name: 'dwcp_amst_streams_active',
            labels: { node_id: node },
            value: (t / 15_000) % 97,
            timestampMs: t,
          })),
        );
      await pre.applyRetention(from + 3 * HOUR + 10 * MIN);
      assert.ok((pre.samples.rollups.watermark ?? 0) >= from + 3 * HOUR, 'the hours are rolled up');
    } finally {
      await pre.close();
    }
    const config = parseMonitorConfig({
      listen: { host: '127.0.0.1', port: 0 },
      storage: { type: 'sqlite', path, layout: 'chunks' },
      host: { enabled: false },
      auth: { mode: 'disabled' },
    });
    const mon = await startMonitor({ config, logger: pino({ level: 'silent' }) });
    try {
      const q = new URLSearchParams({
        name: 'dwcp_amst_streams_active',
        start: new Date(from).toISOString(),
        end: new Date(from + 3 * HOUR).toISOString(),
        step: '60s',
      });
      const metrics = async (): Promise<string> => {
        const r = await fetch(new URL('/metrics', mon.url));
        assert.equal(r.status, 200);
        return r.text();
      };
      const query = async (): Promise<void> => {
        const r = await fetch(new URL(`/api/metrics/query?${q}`, mon.url));
        assert.equal(r.status, 200, await r.clone().text());
        const body = (await r.json()) as { data: { series: { values: number[] }[] } };
        assert.ok(body.data.series[0]!.values.length > 100, 'the query returns the rolled-up steps');
      };
      await query();
      const first = await metrics();
      assert.ok(sampleValue(first, 'dwcp_monitor_query_cache_rows_total{result="miss"}') >= 2);
      assert.ok(sampleValue(first, 'dwcp_monitor_query_cache_bytes') > 0);
      assert.ok(sampleValue(first, 'dwcp_monitor_query_result_cache_steps_total{result="miss"}') > 100);
      assert.equal(sampleValue(first, 'dwcp_monitor_query_result_cache_steps_total{result="hit"}'), 0);
      assert.ok(sampleValue(first, 'dwcp_monitor_query_result_cache_bytes') > 0);
      // Repeated: the aggregated steps come from the result cache.
      await query();
      const second = await metrics();
      assert.ok(sampleValue(second, 'dwcp_monitor_query_result_cache_steps_total{result="hit"}') > 100);
      // Moved by a minute: the first steps are recomputed from the cached rows (hits).
      q.set('start', new Date(from + MIN).toISOString());
      q.set('end', new Date(from + 3 * HOUR + MIN).toISOString());
      await query();
      const third = await metrics();
      assert.ok(sampleValue(third, 'dwcp_monitor_query_cache_rows_total{result="hit"}') >= 1);
    } finally {
      await mon.stop();
    }
  });
});
