/**
 * The composition root's trace wiring: a monitor started from a configuration serves POST /v1/traces and the
 * trace queries from a span store beside its sample store, feeds per-operation span series into the pipeline, and
 * `traces.enabled: false` turns them off.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { pino } from 'pino';
import { parseMonitorConfig } from '../../src/config.ts';
import { startMonitor } from '../../src/main.ts';
import { hexId, otlpJson } from '../helpers/otlp.ts';

const dir = mkdtempSync(join(tmpdir(), 'dwcp-main-'));
after(() => rmSync(dir, { recursive: true, force: true }));

function config(name: string, traces: Record<string, unknown> = {}) {
  return parseMonitorConfig({
    listen: { host: '127.0.0.1', port: 0 },
    auth: { mode: 'disabled' },
    host: { enabled: false },
    detection: { enabled: false },
    storage: { type: 'sqlite', path: join(dir, name, 'dwcp.db'), layout: 'rows' },
    traces,
  });
}

describe('startMonitor: traces', () => {
  it('receives OTLP spans on /v1/traces into traces.db beside the sample store and serves them', async () => {
    const monitor = await startMonitor({
      config: config('on'),
      logger: pino({ level: 'silent' }),
      webRoot: dir,
    });
    try {
      const t = hexId(0x42, 32);
      const res = await fetch(`${monitor.url}v1/traces`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(
          otlpJson([
            {
              traceId: t,
              spanId: hexId(1, 16),
              name: 'dwcp.migration',
              startMs: Date.now() - 5000,
              durationMs: 1000,
            },
          ]),
        ),
      });
      assert.equal(res.status, 200, await res.clone().text());
      const got = await fetch(`${monitor.url}api/traces/${t}`);
      assert.equal(got.status, 200);
      assert.equal(((await got.json()) as { data: { spans: unknown[] }[] }).data[0]!.spans.length, 1);
      assert.ok(existsSync(join(dir, 'on', 'traces.db')));
    } finally {
      await monitor.stop();
    }
  });

  it('traces.tailSampling: error traces are stored after the decision wait, unsampled healthy ones are not', async () => {
    const monitor = await startMonitor({
      config: config('tail', {
        tailSampling: { enabled: true, decisionWait: '1ms', probability: 1e-9, adaptive: false },
      }),
      logger: pino({ level: 'silent' }),
      webRoot: dir,
    });
    try {
      const healthy = hexId(0x51, 32);
      const failed = hexId(0x52, 32);
      const start = Date.now() - 5000;
      const res = await fetch(`${monitor.url}v1/traces`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(
          otlpJson([
            {
              traceId: healthy,
              spanId: hexId(1, 16),
              name: 'dwcp.migration',
              startMs: start,
              durationMs: 1000,
            },
            {
              traceId: failed,
              spanId: hexId(1, 16),
              name: 'dwcp.migration',
              startMs: start,
              durationMs: 1000,
              status: { code: 2, message: 'failed' },
            },
          ]),
        ),
      });
      assert.equal(res.status, 200, await res.clone().text());
      let status = 404;
      for (let i = 0; i < 50 && status === 404; i++) {
        await new Promise((r) => setTimeout(r, 100));
        status = (await fetch(`${monitor.url}api/traces/${failed}`)).status;
      }
      assert.equal(status, 200, 'the error trace is stored by the periodic flush');
      assert.equal((await fetch(`${monitor.url}api/traces/${healthy}`)).status, 404);
      const metrics = await (await fetch(`${monitor.url}metrics`)).text();
      assert.match(metrics, /dwcp_monitor_trace_sampling_traces_total\{policy="not_sampled"\} 1/);
    } finally {
      await monitor.stop();
    }
  });

  it("feeds each operation's error ratio and latency percentiles into the pipeline as sample series", async () => {
    const cfg = parseMonitorConfig({
      listen: { host: '127.0.0.1', port: 0 },
      auth: { mode: 'disabled' },
      host: { enabled: false },
      scrape: { interval: '200ms' },
      storage: { type: 'sqlite', path: join(dir, 'series', 'dwcp.db'), layout: 'rows' },
    });
    const monitor = await startMonitor({ config: cfg, logger: pino({ level: 'silent' }), webRoot: dir });
    try {
      const start = Date.now() - 5000;
      // 20 calls (the minimum before an operation gets values), 5 of them failed.
      const spans = Array.from({ length: 20 }, (_, i) => ({
        traceId: hexId(0x100 + i, 32),
        spanId: hexId(1, 16),
        name: 'amst.transfer',
        startMs: start,
        durationMs: 100 + i,
        ...(i < 5 ? { status: { code: 2, message: 'failed' } } : {}),
      }));
      const res = await fetch(`${monitor.url}v1/traces`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(otlpJson(spans)),
      });
      assert.equal(res.status, 200, await res.clone().text());
      let series: Awaited<ReturnType<typeof monitor.store.findSeries>> = [];
      for (let i = 0; i < 50 && series.length === 0; i++) {
        await new Promise((r) => setTimeout(r, 100));
        series = await monitor.store.findSeries(
          'dwcp_span_error_ratio',
          { service_name: 'dwcp-node', span_name: 'amst.transfer' },
          10,
        );
      }
      assert.equal(series.length, 1, 'the error ratio series is stored');
      const points = await monitor.store.readPoints(series, Date.now() - 60_000, Date.now() + 1000, 10);
      assert.equal(points[0]?.values[0], 0.25);
      const latency = await monitor.store.findSeries(
        'dwcp_span_latency_seconds',
        { span_name: 'amst.transfer' },
        10,
      );
      assert.deepEqual(latency.map((x) => x.labels['quantile']).sort(), ['0.95', '0.99']);
    } finally {
      await monitor.stop();
    }
  });

  it('traces.enabled: false leaves the routes out', async () => {
    const monitor = await startMonitor({
      config: config('off', { enabled: false }),
      logger: pino({ level: 'silent' }),
      webRoot: dir,
    });
    try {
      const res = await fetch(`${monitor.url}v1/traces`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: '{}',
      });
      assert.equal(res.status, 404);
    } finally {
      await monitor.stop();
    }
  });
});
