import assert from 'node:assert/strict';
import { gunzipSync } from 'node:zlib';
import { after, describe, it } from 'node:test';
import { Profile } from 'pprof-format';
import { Registry } from 'prom-client';
import { InvalidInputError, LimitExceededError } from '../../../src/errors.ts';
import { parseProfileSeconds, pprofRoutes } from '../../../src/profiles/pprof-routes.ts';
import { RuntimeProfiler } from '../../../src/profiles/runtime-profiler.ts';
import { startMetricsServer } from '../../../src/sdk/metrics-server.ts';

/** Burns CPU in a function with a name the profile must show. */
function dwcpBusyLoop(ms: number): number {
  const end = Date.now() + ms;
  let x = 0;
  while (Date.now() < end) for (let i = 0; i < 1e4; i++) x += Math.sqrt(i);
  return x;
}

describe('runtime profiler (V8 inspector → pprof)', () => {
  const profiler = new RuntimeProfiler({ cpuIntervalMicros: 500 });
  after(() => profiler.close());

  it('takes a CPU profile that the pprof library reads back, with the busy function in it', async () => {
    const timer = setInterval(() => dwcpBusyLoop(40), 50);
    const p = await profiler.cpu(1).finally(() => clearInterval(timer));
    assert.equal(p.kind, 'cpu');
    assert.ok(p.durationMs >= 900, `${p.durationMs} ms`);
    const decoded = Profile.decode(gunzipSync(p.pprof));
    const names = decoded.function.map((f) => decoded.stringTable.strings[Number(f.name)]);
    assert.ok(names.includes('dwcpBusyLoop'), `functions: ${names.slice(0, 30).join(', ')}`);
    const cpuTotal = decoded.sample.reduce((a, s) => a + Number(s.value[1]), 0);
    assert.ok(cpuTotal > 0);
  });

  it('refuses a second CPU profile while one runs (429) and bad lengths (400)', async () => {
    const first = profiler.cpu(1);
    await assert.rejects(profiler.cpu(1), LimitExceededError);
    assert.equal(profiler.cpuBusy, true);
    await first;
    assert.equal(profiler.cpuBusy, false);
    for (const s of [0, -1, 1.5, 301, Number.NaN]) await assert.rejects(profiler.cpu(s), InvalidInputError);
  });

  it('stops early on abort and returns the partial profile', async () => {
    const ac = new AbortController();
    const t0 = Date.now();
    setTimeout(() => ac.abort(), 200);
    const p = await profiler.cpu(30, ac.signal);
    assert.ok(Date.now() - t0 < 5000);
    assert.ok(p.pprof.length > 0);
  });

  it('takes a heap profile of live objects', async () => {
    const keep: object[] = [];
    for (let i = 0; i < 50_000; i++) keep.push({ i, s: `value-${i}` });
    const p = await profiler.heap();
    const decoded = Profile.decode(gunzipSync(p.pprof));
    const types = decoded.sampleType.map((t) => decoded.stringTable.strings[Number(t.type)]);
    assert.deepEqual(types, ['inuse_objects', 'inuse_space']);
    assert.ok(decoded.sample.length > 0);
    assert.equal(keep.length, 50_000);
  });
});

describe('/debug/pprof routes on the SDK metrics server', () => {
  it('parses seconds like net/http/pprof: default 30, integers 1..300', () => {
    assert.equal(parseProfileSeconds(null), 30);
    assert.equal(parseProfileSeconds('5'), 5);
    for (const bad of ['0', '301', 'abc', '1.5', '-2', ''])
      assert.throws(() => parseProfileSeconds(bad), /seconds must be an integer 1\.\.300/);
  });

  it('serves profiles, 400 for bad seconds and 429 while a CPU profile runs', async () => {
    const profiler = new RuntimeProfiler();
    let captured = 0;
    const server = await startMetricsServer({
      registry: new Registry(),
      port: 0,
      service: 'test',
      routes: pprofRoutes(profiler, () => captured++),
    });
    try {
      const bad = await fetch(`${server.url}/debug/pprof/profile?seconds=abc`);
      assert.equal(bad.status, 400);
      assert.match(((await bad.json()) as { error: string }).error, /seconds must be an integer/);
      // Two profiles asked for at once: whichever the server takes first runs, the other is refused while it
      // runs (a request sent a fixed time after the first could be taken first on a loaded machine).
      const both = await Promise.all([1, 2].map(() => fetch(`${server.url}/debug/pprof/profile?seconds=1`)));
      assert.deepEqual(both.map((r) => r.status).sort(), [200, 429]);
      const busy = both.find((r) => r.status === 429)!;
      assert.equal(busy.headers.get('retry-after'), '5');
      await busy.arrayBuffer();
      const ok = both.find((r) => r.status === 200)!;
      assert.equal(ok.headers.get('content-type'), 'application/octet-stream');
      const body = new Uint8Array(await ok.arrayBuffer());
      assert.equal(Profile.decode(gunzipSync(body)).sampleType.length, 2);
      const heap = await fetch(`${server.url}/debug/pprof/heap`);
      assert.equal(heap.status, 200);
      await heap.arrayBuffer();
      assert.equal(captured, 2);
    } finally {
      await server.close();
      await profiler.close();
    }
  });
});
