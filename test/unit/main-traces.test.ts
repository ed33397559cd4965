/**
 * The composition root's trace wiring: a monitor started from a configuration serves POST /v1/traces and the
 * trace queries from a span store beside its sample store, and `traces.enabled: false` turns them off.
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
  return parseMonitorConfig({ listen: { host: '127.0.0.1', port: 0 }, host: { enabled: false }, detection: { enabled: false }, storage: { type: 'sqlite', path: join(dir, name, 'dwcp.db'), layout: 'rows' }, traces });
}

describe('startMonitor: traces', () => {
  it('receives OTLP spans on /v1/traces into traces.db beside the sample store and serves them', async () => {
    const monitor = await startMonitor({ config: config('on'), logger: pino({ level: 'silent' }), webRoot: dir });
    try {
      const t = hexId(0x42, 32);
      const res = await fetch(`${monitor.url}v1/traces`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(otlpJson([{ traceId: t, spanId: hexId(1, 16), name: 'dwcp.migration', startMs: Date.now() - 5000, durationMs: 1000 }])),
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

  it('traces.enabled: false leaves the routes out', async () => {
    const monitor = await startMonitor({ config: config('off', { enabled: false }), logger: pino({ level: 'silent' }), webRoot: dir });
    try {
      const res = await fetch(`${monitor.url}v1/traces`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
      assert.equal(res.status, 404);
    } finally {
      await monitor.stop();
    }
  });
});
