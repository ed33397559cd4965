import assert from 'node:assert/strict';
import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { Registry } from 'prom-client';
import { HostCollector } from '../../../src/collector/host-collector.ts';
import { CollectorService } from '../../../src/collector/service.ts';
import { InvalidInputError } from '../../../src/errors.ts';
import { STAT } from './parsers.test.ts';

/** A fake proc root with every file the collectors read. */
function fakeProc(dir: string): string {
  const proc = join(dir, 'proc');
  mkdirSync(join(proc, 'net'), { recursive: true });
  mkdirSync(join(proc, '1'), { recursive: true });
  writeFileSync(join(proc, 'stat'), STAT);
  writeFileSync(join(proc, 'loadavg'), '0.10 0.20 0.30 1/100 200\n');
  writeFileSync(join(proc, 'meminfo'), 'MemTotal: 2048 kB\nMemFree: 1024 kB\nMemAvailable: 1536 kB\n');
  writeFileSync(join(proc, 'net', 'dev'), 'h|\nh|\n  eth0: 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16\n');
  writeFileSync(join(proc, 'diskstats'), ' 254 0 vda 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15\n');
  writeFileSync(join(proc, '1', 'mounts'), `/dev/fake ${dir} ext4 rw 0 0\n`);
  return proc;
}

const value = (text: string, series: string): number | undefined => {
  const line = text.split('\n').find((l) => l.startsWith(series + ' '));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
};

describe('collector service on a fake proc root', () => {
  const dir = mkdtempSync(join(tmpdir(), 'dwcp-proc-'));
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('serves node_exporter families, per-collector success and its cycle time', async () => {
    const proc = fakeProc(join(dir, 'ok'));
    const registry = new Registry();
    const svc = new CollectorService({ collector: new HostCollector({ procRoot: proc }), registry });
    const r = await svc.runCycle();
    assert.ok(
      r.outcomes.every((o) => o.success),
      JSON.stringify(r.outcomes),
    );
    const text = await registry.metrics();
    assert.equal(value(text, 'node_memory_MemAvailable_bytes'), 1536 * 1024);
    assert.equal(value(text, 'node_network_receive_bytes_total{device="eth0"}'), 1);
    assert.equal(value(text, 'node_disk_read_bytes_total{device="vda"}'), 3 * 512);
    assert.equal(value(text, 'node_load15'), 0.3);
    assert.equal(value(text, 'node_scrape_collector_success{collector="filesystem"}'), 1);
    assert.ok(
      (value(
        text,
        `node_filesystem_size_bytes{device="/dev/fake",fstype="ext4",mountpoint="${join(dir, 'ok')}"}`,
      ) ?? 0) > 0,
    );
    assert.equal(value(text, 'dwcp_collector_cycle_duration_seconds_count'), 1);
    assert.match(text, /# TYPE node_cpu_seconds_total counter/);
  });

  it('fails only the collector whose file is unreadable, logs it once, keeps running and recovers', async () => {
    const base = join(dir, 'broken');
    const proc = fakeProc(base);
    rmSync(join(proc, 'meminfo'));
    mkdirSync(join(proc, 'diskstats.d'));
    rmSync(join(proc, 'diskstats'));
    mkdirSync(join(proc, 'diskstats')); // a directory where a file should be: EISDIR
    const logs: string[] = [];
    const registry = new Registry();
    const svc = new CollectorService({
      collector: new HostCollector({ procRoot: proc }),
      registry,
      log: (l, m) => logs.push(`${l} ${m}`),
    });
    for (let i = 0; i < 3; i++) await svc.runCycle();
    const text = await registry.metrics();
    assert.equal(value(text, 'node_scrape_collector_success{collector="meminfo"}'), 0);
    assert.equal(value(text, 'node_scrape_collector_success{collector="diskstats"}'), 0);
    assert.equal(value(text, 'node_scrape_collector_success{collector="cpu"}'), 1);
    assert.equal(value(text, 'dwcp_collector_errors_total{collector="meminfo"}'), 3);
    assert.equal(
      value(text, 'node_memory_MemTotal_bytes'),
      undefined,
      'a failed collector exports no stale values',
    );
    assert.ok(
      value(text, 'node_cpu_seconds_total{cpu="0",mode="user"}') !== undefined,
      'the other collectors still report',
    );
    assert.deepEqual(
      logs.filter((l) => l.includes('meminfo')),
      [
        `warn collector meminfo failed: cannot read ${join(proc, 'meminfo')}: ENOENT ENOENT: no such file or directory, open '${join(proc, 'meminfo')}'`,
      ],
    );
    assert.match(
      logs.find((l) => l.includes('diskstats'))!,
      /cannot read .*diskstats: EISDIR/,
    );
    cpSync(join(dir, 'ok', 'proc', 'meminfo'), join(proc, 'meminfo'));
    await svc.runCycle();
    assert.ok(logs.includes('info collector meminfo recovered'));
    assert.equal(value(await registry.metrics(), 'node_memory_MemTotal_bytes'), 2048 * 1024);
  });

  it('drops series of devices that vanished', async () => {
    const proc = fakeProc(join(dir, 'vanish'));
    const registry = new Registry();
    const svc = new CollectorService({
      collector: new HostCollector({ procRoot: proc, collectors: ['netdev'] }),
      registry,
    });
    writeFileSync(
      join(proc, 'net', 'dev'),
      'h|\nh|\n  eth0: 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16\n  eth1: 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16\n',
    );
    await svc.runCycle();
    assert.match(await registry.metrics(), /device="eth1"/);
    writeFileSync(join(proc, 'net', 'dev'), 'h|\nh|\n  eth0: 5 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16\n');
    await svc.runCycle();
    const text = await registry.metrics();
    assert.doesNotMatch(text, /device="eth1"/);
    assert.equal(
      value(text, 'node_network_receive_bytes_total{device="eth0"}'),
      5,
      'counters mirror the kernel value',
    );
  });

  it('checks its options', () => {
    assert.throws(
      () => new HostCollector({ collectors: ['cpu', 'gpu' as 'cpu'] }),
      /unknown collector "gpu"/,
    );
    assert.throws(() => new HostCollector({ collectors: [] }), InvalidInputError);
    assert.throws(
      () =>
        new CollectorService({ collector: new HostCollector(), registry: new Registry(), intervalMs: 10 }),
      /100 ms/,
    );
    assert.throws(
      () =>
        new CollectorService({
          collector: new HostCollector(),
          registry: new Registry(),
          push: { url: 'http://127.0.0.1:1', job: 'j', grouping: {}, intervalMs: 10 },
        }),
      /push interval/,
    );
  });
});
