import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { InvalidInputError } from '../../../src/errors.ts';
import {
  cpuUtilization,
  createHostCollector,
  parseMeminfo,
  parseNetDev,
  parseProcStat,
} from '../../../src/ingest/host.ts';

const STAT1 = 'cpu  100 0 50 800 50 0 0 0 0 0\ncpu0 100 0 50 800 50 0 0 0 0 0\nintr 1 2 3\n';
const STAT2 = 'cpu  160 0 70 900 70 0 0 0 0 0\ncpu0 160 0 70 900 70 0 0 0 0 0\n';
const MEMINFO =
  'MemTotal:       16000000 kB\nMemFree:         1000000 kB\nMemAvailable:    4000000 kB\nBuffers:          1 kB\n';
const NETDEV = [
  'Inter-|   Receive                                                |  Transmit',
  ' face |bytes    packets errs drop fifo frame compressed multicast|bytes    packets errs drop fifo colls carrier compressed',
  '    lo:    7260      76    0    0    0     0          0         0     7260      76    0    0    0     0       0          0',
  '  eth0: 263990424    8911    0    0    0     0          0         0   771846    6087    0    0    0     0       0          0',
  '  wg0:5 1 0 0 0 0 0 0 9 1 0 0 0 0 0 0',
  '',
].join('\n');

describe('host parsers', () => {
  it('parses /proc/stat and computes utilisation from deltas', () => {
    const a = parseProcStat(STAT1);
    const b = parseProcStat(STAT2);
    assert.deepEqual(a, { busy: 150, total: 1000 });
    assert.deepEqual(b, { busy: 230, total: 1200 });
    assert.equal(cpuUtilization(a, b), 80 / 200);
    assert.equal(cpuUtilization(a, a), undefined, 'no time passed');
    assert.equal(cpuUtilization(b, a), undefined, 'counters went backwards');
  });

  it('rejects malformed /proc/stat', () => {
    assert.throws(() => parseProcStat('intr 1 2\n'), /no aggregate "cpu" line/);
    assert.throws(() => parseProcStat('cpu 1 2 3\n'), /3 fields, expected at least 4/);
    assert.throws(
      () => parseProcStat('cpu 1 2 x 4\n'),
      (e: unknown) => e instanceof InvalidInputError && /field 3/.test(e.message),
    );
  });

  it('parses /proc/meminfo into bytes', () => {
    assert.deepEqual(parseMeminfo(MEMINFO), { totalBytes: 16000000 * 1024, availableBytes: 4000000 * 1024 });
  });

  it('rejects malformed /proc/meminfo', () => {
    assert.throws(() => parseMeminfo('MemTotal: 10 kB\n'), /MemAvailable missing/);
    assert.throws(() => parseMeminfo('MemAvailable: 10 kB\n'), /MemTotal missing/);
    assert.throws(
      () => parseMeminfo('MemTotal: abc kB\nMemAvailable: 1 kB\n'),
      /MemTotal: expected a non-negative integer/,
    );
    assert.throws(() => parseMeminfo('MemTotal: 10 MB\nMemAvailable: 1 kB\n'), /unknown unit "MB"/);
    assert.throws(() => parseMeminfo('MemTotal: 10 kB\nMemAvailable: 11 kB\n'), /exceeds MemTotal/);
  });

  it('parses /proc/net/dev skipping lo, including names without a blank after the colon', () => {
    assert.deepEqual(parseNetDev(NETDEV), [
      { device: 'eth0', rxBytes: 263990424, txBytes: 771846 },
      { device: 'wg0', rxBytes: 5, txBytes: 9 },
    ]);
  });

  it('bounds the number of interfaces', () => {
    const many = NETDEV.split('\n')
      .slice(0, 2)
      .concat(Array.from({ length: 100 }, (_, i) => `eth${i}: 1 0 0 0 0 0 0 0 2 0 0 0 0 0 0 0`))
      .join('\n');
    assert.equal(parseNetDev(many, 10).length, 10);
    assert.equal(parseNetDev(many).length, 64);
  });

  it('rejects malformed /proc/net/dev', () => {
    assert.throws(() => parseNetDev('eth0 1 2 3\n'), /line 1: no "iface:" prefix/);
    assert.throws(() => parseNetDev('eth0: 1 2 3\n'), /3 fields, expected 16/);
    assert.throws(() => parseNetDev('eth0: x 0 0 0 0 0 0 0 2 0 0 0 0 0 0 0\n'), /eth0 rx_bytes/);
    assert.throws(() => parseNetDev(': 1 0 0 0 0 0 0 0 2 0 0 0 0 0 0 0\n'), /empty interface name/);
  });
});

describe('createHostCollector', () => {
  const dir = mkdtempSync(join(tmpdir(), 'dwcp-proc-'));
  after(() => rmSync(dir, { recursive: true, force: true }));
  mkdirSync(join(dir, 'net'));
  writeFileSync(join(dir, 'stat'), STAT1);
  writeFileSync(join(dir, 'meminfo'), MEMINFO);
  writeFileSync(join(dir, 'net', 'dev'), NETDEV);

  it('collects memory, filesystem and network, and CPU from the second collect on', () => {
    const c = createHostCollector({ procRoot: dir });
    const first = c.collect(1000);
    assert.equal(
      first.find((s) => s.name === 'dwcp_host_cpu_utilization_ratio'),
      undefined,
    );
    assert.equal(first.find((s) => s.name === 'dwcp_host_memory_used_bytes')!.value, 12000000 * 1024);
    assert.equal(first.find((s) => s.name === 'dwcp_host_memory_utilization_ratio')!.value, 0.75);
    const size = first.find((s) => s.name === 'dwcp_host_filesystem_size_bytes')!;
    const free = first.find((s) => s.name === 'dwcp_host_filesystem_free_bytes')!;
    assert.deepEqual(size.labels, { mountpoint: '/' });
    assert.ok(size.value > 0 && free.value >= 0 && free.value <= size.value);
    const rx = first.filter((s) => s.name === 'dwcp_host_network_receive_bytes_total');
    assert.deepEqual(
      rx.map((s) => [s.labels['device'], s.value]),
      [
        ['eth0', 263990424],
        ['wg0', 5],
      ],
    );
    assert.ok(first.every((s) => s.timestampMs === 1000));
    assert.deepEqual(c.lastErrors, []);
    writeFileSync(join(dir, 'stat'), STAT2);
    const second = c.collect(2000);
    assert.equal(second.find((s) => s.name === 'dwcp_host_cpu_utilization_ratio')!.value, 0.4);
  });

  it('reports a broken source and keeps the others; throws when all fail', () => {
    writeFileSync(join(dir, 'meminfo'), 'garbage\n');
    const c = createHostCollector({ procRoot: dir });
    const s = c.collect(1);
    assert.equal(
      s.find((x) => x.name === 'dwcp_host_memory_used_bytes'),
      undefined,
    );
    assert.ok(s.some((x) => x.name === 'dwcp_host_network_receive_bytes_total'));
    assert.equal(c.lastErrors.length, 1);
    assert.match(c.lastErrors[0]!, /^memory: .*MemTotal missing/);
    const none = createHostCollector({ procRoot: join(dir, 'missing'), mountpoints: [join(dir, 'missing')] });
    assert.throws(
      () => none.collect(1),
      (e: unknown) => e instanceof InvalidInputError && /every source failed/.test(e.message),
    );
    assert.throws(
      () => createHostCollector({ mountpoints: Array.from({ length: 33 }, () => '/') }),
      /at most 32 mountpoints/,
    );
  });

  it('reads the real /proc of this machine', () => {
    const c = createHostCollector();
    c.collect(Date.now());
    const s = c.collect(Date.now());
    assert.ok(s.some((x) => x.name === 'dwcp_host_memory_used_bytes' && x.value > 0));
    assert.deepEqual(c.lastErrors, []);
  });
});
