/**
 * The monitor's profiling, report and summary endpoints on a running monitor (real SQLite store, real V8
 * profiler): /debug/pprof with its 400 and 429 answers, stored profiles with flame graph and comparison,
 * on-demand reports with range errors, /api/system/metrics, /metrics/summary and the runtime metrics on /metrics.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { after, before, describe, it } from 'node:test';
import { pino } from 'pino';
import { Profile } from 'pprof-format';
import { parseMonitorConfig } from '../../src/config.ts';
import { startMonitor, type RunningMonitor } from '../../src/main.ts';
import { RESPONSE_SCHEMAS } from '../../src/server/response-check.ts';

/** Asserts a success body matches the API contract of its route (numeric path segments are the `:id`). */
function assertContract(method: string, path: string, status: number, body: unknown): void {
  if (status >= 400) return;
  const route = `${method} ${path.split('?')[0]!.replace(/\/\d+(?=\/|$)/g, '/:id')}`;
  const schema = RESPONSE_SCHEMAS[route];
  assert.ok(schema, `no contract schema for ${route}`);
  const r = schema.safeParse(body);
  assert.ok(r.success, `${route} does not match the contract: ${r.success ? '' : r.error.message}`);
}

describe('profiling, reports and summaries on a running monitor', () => {
  const dir = mkdtempSync(join(tmpdir(), 'dwcp-ops-'));
  let monitor: RunningMonitor;
  let base = '';
  const json = async (path: string, init?: RequestInit) => {
    const r = await fetch(base + path, init);
    const body = (await r.json()) as { status: string; data: never; error?: string; errorType?: string };
    assertContract(init?.method ?? 'GET', path, r.status, body);
    return { status: r.status, body };
  };
  const post = (path: string, body: unknown) =>
    json(path, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });

  before(async () => {
    monitor = await startMonitor({
      config: parseMonitorConfig({
        listen: { host: '127.0.0.1', port: 0 },
        auth: { mode: 'disabled' },
        storage: { type: 'sqlite', path: join(dir, 'm.db') },
        host: { enabled: false },
        reports: { schedule: { hourly: false, daily: false, weekly: false } },
      }),
      logger: pino({ level: 'silent' }),
    });
    base = monitor.url.replace(/\/$/, '');
  });
  after(async () => {
    await monitor?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('answers GET /health with the monitor state only, as it needs no credentials', async () => {
    const r = await fetch(`${base}/health`);
    assert.equal(r.status, 200);
    const body = (await r.json()) as Record<string, unknown>;
    assert.deepEqual(Object.keys(body).sort(), ['status', 'uptimeSeconds']);
    assert.equal(body['status'], 'healthy');
  });

  it('serves pprof CPU and heap profiles, 400 for bad seconds and 429 while a CPU profile runs', async () => {
    const bad = await json('/debug/pprof/profile?seconds=0');
    assert.equal(bad.status, 400);
    assert.match(bad.body.error!, /seconds: must be between 1 and 300/);
    assert.equal((await json('/debug/pprof/profile?seconds=abc')).status, 400);
    // Two profiles asked for at once: whichever the server takes first runs, the other is refused while it runs
    // (a request sent a fixed time after the first could be taken first on a loaded machine).
    const path = '/debug/pprof/profile?seconds=1';
    const both = await Promise.all([fetch(base + path), fetch(base + path)]);
    assert.deepEqual(both.map((r) => r.status).sort(), [200, 429]);
    const res = both.find((r) => r.status === 200)!;
    const busy = (await both.find((r) => r.status === 429)!.json()) as { errorType?: string };
    assertContract('GET', path, 429, busy);
    assert.equal(busy.errorType, 'DWCP_LIMIT_EXCEEDED');
    const p = Profile.decode(gunzipSync(new Uint8Array(await res.arrayBuffer())));
    assert.equal(p.stringTable.strings[Number(p.sampleType[1]!.type)], 'cpu');
    const heap = await fetch(`${base}/debug/pprof/heap`);
    assert.equal(heap.status, 200);
    const h = Profile.decode(gunzipSync(new Uint8Array(await heap.arrayBuffer())));
    assert.equal(h.stringTable.strings[Number(h.sampleType[1]!.type)], 'inuse_space');
    const metrics = await (await fetch(`${base}/metrics`)).text();
    assert.match(metrics, /dwcp_profiles_captured_total\{kind="cpu",trigger="on_demand"\} 1/);
    assert.match(metrics, /dwcp_profiles_rejected_total\{reason="busy"\} 1/);
    assert.match(metrics, /# TYPE dwcp_runtime_gc_pause_seconds histogram/);
  });

  it('puts the sample store state on /metrics (head series of the chunks layout, read every 5 s)', async () => {
    const pushed = await post('/api/metrics', {
      samples: [{ name: 'dwcp_ops_probe', labels: {}, value: 1 }],
    });
    assert.equal(pushed.status, 200, JSON.stringify(pushed.body));
    const headSeries = async (): Promise<number> => {
      const text = await (await fetch(`${base}/metrics`)).text();
      const line = text.split('\n').find((l) => l.startsWith('dwcp_monitor_store_head_series '));
      return Number(line?.split(' ')[1] ?? Number.NaN);
    };
    let seen = await headSeries();
    for (let i = 0; i < 30 && !(seen >= 1); i++) {
      await new Promise((r) => setTimeout(r, 500));
      seen = await headSeries();
    }
    assert.ok(seen >= 1, `dwcp_monitor_store_head_series is ${seen} 15 s after a push`);
  });

  it('stores on-demand profiles, draws flame graphs and compares two profiles', async () => {
    const a = await post('/api/profiles', { kind: 'cpu', seconds: 1 });
    assert.equal(a.status, 201, JSON.stringify(a.body));
    const b = await post('/api/profiles', { kind: 'cpu', seconds: 1 });
    const h = await post('/api/profiles', { kind: 'heap' });
    assert.equal(h.status, 201);
    const ids = [a, b, h].map((x) => (x.body.data as { id: number }).id);
    const list = await json('/api/profiles?kind=cpu');
    assert.deepEqual(
      (list.body.data as { id: number }[]).map((x) => x.id),
      [ids[1], ids[0]],
    );
    const fg = await json(`/api/profiles/${ids[2]}/flamegraph`);
    assert.equal(fg.status, 200);
    const data = fg.body.data as { sampleType: { type: string }; total: number; root: { total: number } };
    assert.equal(data.sampleType.type, 'inuse_space');
    assert.equal(data.root.total, data.total);
    const cmp = await json(`/api/profiles/compare?base=${ids[0]}&target=${ids[1]}&top=5`);
    assert.equal(cmp.status, 200, JSON.stringify(cmp.body));
    const c = cmp.body.data as { gained: unknown[]; lost: unknown[]; sampleType: { type: string } };
    assert.equal(c.sampleType.type, 'cpu');
    assert.ok(c.gained.length <= 5 && c.lost.length <= 5);
    const mixed = await json(`/api/profiles/compare?base=${ids[0]}&target=${ids[2]}`);
    assert.equal(mixed.status, 400);
    assert.match(mixed.body.error!, /cannot compare/);
    const dl = await fetch(`${base}/api/profiles/${ids[0]}`);
    assert.equal(dl.headers.get('content-type'), 'application/octet-stream');
    assert.ok(Profile.decode(gunzipSync(new Uint8Array(await dl.arrayBuffer()))).sample.length >= 0);
    assert.equal((await json('/api/profiles/999999/flamegraph')).status, 404);
    assert.equal((await post('/api/profiles', { kind: 'mutex' })).status, 400);
  });

  it('generates reports on demand, lists and serves them; empty and reversed ranges are 400', async () => {
    const now = Date.now();
    const from = new Date(now - 3_600_000).toISOString();
    const to = new Date(now - 60_000).toISOString();
    const r = await post('/api/reports', { from, to, formats: ['md', 'html'] });
    assert.equal(r.status, 201, JSON.stringify(r.body));
    const created = r.body.data as { id: number; format: string; kind: string }[];
    assert.deepEqual(created.map((x) => x.format).sort(), ['html', 'md']);
    assert.ok(created.every((x) => x.kind === 'custom'));
    const listed = await json('/api/reports?kind=custom');
    assert.equal((listed.body.data as unknown[]).length, 2);
    const md = await fetch(`${base}/api/reports/${created.find((x) => x.format === 'md')!.id}`);
    assert.match(md.headers.get('content-type')!, /text\/markdown/);
    assert.match(await md.text(), /## SLO compliance and error budgets/);
    const reversed = await post('/api/reports', { from: to, to: from });
    assert.equal(reversed.status, 400);
    assert.match(reversed.body.error!, /reversed/);
    const empty = await post('/api/reports', { from, to: from });
    assert.equal(empty.status, 400);
    assert.match(empty.body.error!, /empty/);
    assert.equal((await post('/api/reports', { from: 'yesterday', to })).status, 400);
    assert.equal((await json('/api/reports/424242')).status, 404);
  });

  it('answers GET /api/system/metrics and GET /metrics/summary', async () => {
    const s = await json('/api/system/metrics');
    assert.equal(s.status, 200);
    const d = s.body.data as {
      process: { residentMemoryBytes: number; pid: number };
      runtime: { windowMs: number };
      host: { cpus: number };
      pipeline: { targets: number };
      profiler: { storedProfiles: number };
    };
    assert.equal(d.process.pid, process.pid);
    assert.ok(d.process.residentMemoryBytes > 0);
    assert.equal(d.runtime.windowMs, 10_000);
    assert.ok(d.host.cpus >= 1);
    assert.equal(d.pipeline.targets, 0);
    assert.equal(d.profiler.storedProfiles, 3);
    const m = await json('/metrics/summary?window=10m');
    assert.equal(m.status, 200);
    const md = m.body.data as { windowSeconds: number; migrationLatency: { p99Seconds: number | null } };
    assert.equal(md.windowSeconds, 600);
    assert.equal(md.migrationLatency.p99Seconds, null, 'no data stored: null, not 0');
    assert.equal((await json('/metrics/summary?window=1s')).status, 400);
  });
  it('report --url asks the running monitor for a report and writes its document', async () => {
    const cli = (...args: string[]) =>
      new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
        execFile(
          process.execPath,
          ['--import', 'tsx', 'src/cli/index.ts', 'report', ...args],
          { encoding: 'utf8', timeout: 120_000 },
          (err, stdout, stderr) =>
            resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr }),
        );
      });
    const md = await cli('--url', base, '--from', 'now-1h', '--format', 'md');
    assert.equal(md.code, 0, md.stderr);
    assert.match(md.stdout, /^# DWCP report\n/);
    const stored = await json('/api/reports?kind=custom');
    assert.equal((stored.body.data as { format: string }[])[0]?.format, 'md');
    const wrong = await cli('--url', base, '--from', 'now-1h', '--store');
    assert.equal(wrong.code, 2, wrong.stderr);
    assert.match(wrong.stderr, /leave out --config, --store and --chromium/);
    const down = await cli('--url', 'http://127.0.0.1:1', '--from', 'now-1h');
    assert.equal(down.code, 1, down.stderr);
    assert.match(down.stderr, /cannot reach the monitor at http:\/\/127\.0\.0\.1:1/);
  });
});
