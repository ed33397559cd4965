import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { InvalidInputError } from '../../../src/errors.ts';
import type { Family } from '../../../src/collector/family.ts';
import { collectFilesystems, MAX_MOUNTS, parseMounts } from '../../../src/collector/filesystems.ts';
import { parseMeminfo } from '../../../src/collector/proc-meminfo.ts';
import { MAX_DEVICES, parseDiskstats, parseNetDev } from '../../../src/collector/proc-net-disk.ts';
import { parseCpuTimes, parseLoadavg, parseStatCounters } from '../../../src/collector/proc-stat.ts';

const get = (fs: Family[], name: string, labels: Record<string, string> = {}) =>
  fs
    .find((f) => f.name === name)
    ?.samples.find((s) => Object.entries(labels).every(([k, v]) => s.labels[k] === v))?.value;

export const STAT = [
  'cpu  200 10 100 1600 20 0 4 2 6 1',
  'cpu0 100 5 50 800 10 0 2 1 3 1',
  'cpu1 100 5 50 800 10 0 2 1 3 0',
  'intr 123456 1 2 3',
  'ctxt 987654',
  'btime 1700000000',
  'processes 4242',
  'procs_running 3',
  'procs_blocked 1',
  '',
].join('\n');

describe('/proc/stat and /proc/loadavg', () => {
  it('reports per-CPU seconds by mode and guest time, in seconds (USER_HZ 100)', () => {
    const fs = parseCpuTimes(STAT);
    assert.equal(get(fs, 'node_cpu_seconds_total', { cpu: '0', mode: 'user' }), 1);
    assert.equal(get(fs, 'node_cpu_seconds_total', { cpu: '1', mode: 'idle' }), 8);
    assert.equal(get(fs, 'node_cpu_seconds_total', { cpu: '0', mode: 'steal' }), 0.01);
    assert.equal(
      fs.find((f) => f.name === 'node_cpu_seconds_total')!.samples.length,
      16,
      'aggregate cpu line is not a CPU',
    );
    assert.equal(get(fs, 'node_cpu_guest_seconds_total', { cpu: '0', mode: 'nice' }), 0.01);
    assert.throws(() => parseCpuTimes('cpu 1 2 3 4\n'), /no per-CPU/);
    assert.throws(
      () => parseCpuTimes('cpu0 1 2 x 4\n'),
      (e: unknown) => e instanceof InvalidInputError && /cpu0 system/.test(e.message),
    );
  });

  it('reports boot time, context switches, forks, interrupts and process states', () => {
    const fs = parseStatCounters(STAT);
    assert.equal(get(fs, 'node_boot_time_seconds'), 1_700_000_000);
    assert.equal(get(fs, 'node_context_switches_total'), 987_654);
    assert.equal(get(fs, 'node_forks_total'), 4242);
    assert.equal(get(fs, 'node_intr_total'), 123_456);
    assert.equal(get(fs, 'node_procs_running'), 3);
    assert.equal(get(fs, 'node_procs_blocked'), 1);
    assert.throws(() => parseStatCounters('cpu0 1 2 3 4\n'), /no "btime" line/);
  });

  it('reports load averages', () => {
    const fs = parseLoadavg('0.50 1.25 2.00 3/456 7890\n');
    assert.deepEqual([get(fs, 'node_load1'), get(fs, 'node_load5'), get(fs, 'node_load15')], [0.5, 1.25, 2]);
    assert.throws(() => parseLoadavg('x y z\n'), /loadavg 1m/);
  });
});

describe('/proc/meminfo', () => {
  it('names fields as node_exporter does and converts kB to bytes', () => {
    const fs = parseMeminfo(
      'MemTotal:  1000 kB\nMemAvailable: 400 kB\nActive(anon):  10 kB\nHugePages_Total:   2\nSomethingNew:  5 kB\n',
    );
    assert.equal(get(fs, 'node_memory_MemTotal_bytes'), 1_024_000);
    assert.equal(get(fs, 'node_memory_MemAvailable_bytes'), 409_600);
    assert.equal(get(fs, 'node_memory_Active_anon_bytes'), 10_240);
    assert.equal(get(fs, 'node_memory_HugePages_Total'), 2);
    assert.equal(fs.length, 4, 'fields outside the catalog are skipped');
  });

  it('rejects malformed files', () => {
    assert.throws(() => parseMeminfo('MemFree: 1 kB\n'), /MemTotal missing/);
    assert.throws(() => parseMeminfo('MemTotal: 1 MB\n'), /unknown unit/);
    assert.throws(() => parseMeminfo('garbage line\n'), /line 1/);
  });
});

const NETDEV = [
  'Inter-|   Receive                                                |  Transmit',
  ' face |bytes    packets errs drop fifo frame compressed multicast|bytes    packets errs drop fifo colls carrier compressed',
  '    lo:    7260      76    0    0    0     0          0         0     7260      76    0    0    0     0       0          0',
  '  eth0: 1000 10 1 2 3 4 5 6 2000 20 7 8 9 10 11 12',
  '',
].join('\n');

describe('/proc/net/dev and /proc/diskstats', () => {
  it('reports every receive and transmit field per device, without loopback', () => {
    const fs = parseNetDev(NETDEV);
    assert.equal(get(fs, 'node_network_receive_bytes_total', { device: 'eth0' }), 1000);
    assert.equal(get(fs, 'node_network_receive_multicast_total', { device: 'eth0' }), 6);
    assert.equal(get(fs, 'node_network_transmit_colls_total', { device: 'eth0' }), 10);
    assert.equal(get(fs, 'node_network_transmit_compressed_total', { device: 'eth0' }), 12);
    assert.equal(get(fs, 'node_network_receive_bytes_total', { device: 'lo' }), undefined);
    assert.equal(fs.length, 16);
    assert.throws(() => parseNetDev('eth0 1 2 3\n'), /no "iface:"/);
  });

  it('reports disk I/O in bytes and seconds, skipping partitions and loop devices', () => {
    const text = [
      ' 254       0 vda 100 5 2000 300 50 6 4000 700 2 900 1000 7 8 9 10 11 12',
      ' 254       1 vda1 1 1 1 1 1 1 1 1 1 1 1 1 1 1 1 1 1',
      '   7       0 loop0 1 1 1 1 1 1 1 1 1 1 1',
      '   8       0 sdb 1 2 3 4 5 6 7 8 9 10 11',
      '',
    ].join('\n');
    const fs = parseDiskstats(text);
    assert.equal(get(fs, 'node_disk_reads_completed_total', { device: 'vda' }), 100);
    assert.equal(get(fs, 'node_disk_read_bytes_total', { device: 'vda' }), 2000 * 512);
    assert.equal(get(fs, 'node_disk_read_time_seconds_total', { device: 'vda' }), 0.3);
    assert.equal(get(fs, 'node_disk_written_bytes_total', { device: 'vda' }), 4000 * 512);
    assert.equal(get(fs, 'node_disk_io_now', { device: 'vda' }), 2);
    assert.equal(get(fs, 'node_disk_flush_requests_time_seconds_total', { device: 'vda' }), 0.012);
    assert.equal(get(fs, 'node_disk_reads_completed_total', { device: 'vda1' }), undefined);
    assert.equal(get(fs, 'node_disk_reads_completed_total', { device: 'loop0' }), undefined);
    assert.equal(
      get(fs, 'node_disk_discards_completed_total', { device: 'sdb' }),
      undefined,
      'an 11-field kernel has no discard fields',
    );
    assert.throws(() => parseDiskstats('8 0 sda 1 2 3\n'), /expected at least 14/);
  });

  it('keeps at most MAX_DEVICES devices', () => {
    const lines = Array.from(
      { length: MAX_DEVICES + 50 },
      (_, i) => `  if${i}: 1 1 1 1 1 1 1 1 1 1 1 1 1 1 1 1`,
    );
    const fs = parseNetDev(lines.join('\n'));
    assert.equal(fs.find((f) => f.name === 'node_network_receive_bytes_total')!.samples.length, MAX_DEVICES);
  });
});

describe('filesystems', () => {
  const MOUNTS = [
    'proc /proc proc rw 0 0',
    '/dev/vda / ext4 rw,relatime 0 0',
    '/dev/vdb /data\\040disk xfs ro,relatime 0 0',
    'overlay /var/lib/x overlay rw 0 0',
    'tmpfs /run tmpfs rw 0 0',
    '/dev/vda / ext4 rw 0 0',
    '',
  ].join('\n');

  it('keeps real filesystems once per mount point and decodes octal escapes', () => {
    assert.deepEqual(parseMounts(MOUNTS), [
      { device: '/dev/vda', mountpoint: '/', fstype: 'ext4', readonly: false },
      { device: '/dev/vdb', mountpoint: '/data disk', fstype: 'xfs', readonly: true },
    ]);
    const many = Array.from({ length: MAX_MOUNTS + 10 }, (_, i) => `/dev/x /m${i} ext4 rw 0 0`).join('\n');
    assert.equal(parseMounts(many).length, MAX_MOUNTS);
    assert.throws(() => parseMounts('only two\n'), /expected at least 4/);
  });

  it('reports sizes per mount and a device error for a failing or hung statfs', async () => {
    const mounts = parseMounts(MOUNTS);
    const r = await collectFilesystems(mounts, {
      timeoutMs: 50,
      statfs: async (p) => {
        if (p === '/') return { bsize: 4096, blocks: 100, bfree: 50, bavail: 40, files: 1000, ffree: 900 };
        return new Promise(() => undefined); // hangs like a dead NFS mount
      },
    });
    const root = { mountpoint: '/', device: '/dev/vda', fstype: 'ext4' };
    assert.equal(get(r.families, 'node_filesystem_size_bytes', root), 409_600);
    assert.equal(get(r.families, 'node_filesystem_avail_bytes', root), 163_840);
    assert.equal(get(r.families, 'node_filesystem_files_free', root), 900);
    assert.equal(get(r.families, 'node_filesystem_readonly', root), 0);
    assert.equal(get(r.families, 'node_filesystem_device_error', { mountpoint: '/data disk' }), 1);
    assert.equal(get(r.families, 'node_filesystem_size_bytes', { mountpoint: '/data disk' }), undefined);
    assert.match(r.errors.join(), /\/data disk: statfs timed out after 50 ms/);
  });
});
