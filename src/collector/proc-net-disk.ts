/**
 * Parsers of /proc/net/dev (collector `netdev`) and /proc/diskstats (collector `diskstats`) into node_exporter's
 * families. Devices are filtered by node_exporter's default exclude patterns (loopback for netdev; partitions,
 * RAM disks, loop and floppy devices for diskstats). Sectors are 512 bytes and times are milliseconds in the
 * kernel's files, whatever the device. Pure.
 * @see https://www.kernel.org/doc/html/latest/admin-guide/iostats.html
 * @see https://man7.org/linux/man-pages/man5/proc_net.5.html (/proc/net/dev)
 * @see https://github.com/prometheus/node_exporter/blob/master/collector/diskstats_linux.go
 */
import type { MetricName } from '../catalog/index.ts';
import { InvalidInputError } from '../errors.ts';
import { FamilyBuilder, uint, type Family } from './family.ts';

/** node_exporter's default `--collector.netdev.device-exclude` (Debian build 1.5). */
export const NETDEV_EXCLUDE_DEFAULT = /^lo$/;
/** node_exporter's default `--collector.diskstats.device-exclude`. */
export const DISKSTATS_EXCLUDE_DEFAULT = /^(ram|loop|fd|(h|s|v|xv)d[a-z]|nvme\d+n\d+p)\d+$/;
/** Devices reported at most per collector. */
export const MAX_DEVICES = 256;

const RX = ['bytes', 'packets', 'errs', 'drop', 'fifo', 'frame', 'compressed', 'multicast'] as const;
const TX = ['bytes', 'packets', 'errs', 'drop', 'fifo', 'colls', 'carrier', 'compressed'] as const;

/**
 * `node_network_{receive,transmit}_*_total{device}` from /proc/net/dev (two header lines, then
 * `iface: 8 receive fields 8 transmit fields`).
 * @throws InvalidInputError when an interface line has no `:` or fewer than 16 integer fields.
 */
export function parseNetDev(text: string, exclude: RegExp = NETDEV_EXCLUDE_DEFAULT): Family[] {
  const f = new FamilyBuilder();
  for (const n of [
    ...RX.map((x) => `node_network_receive_${x}_total`),
    ...TX.map((x) => `node_network_transmit_${x}_total`),
  ])
    f.declare(n as MetricName);
  const lines = text.split('\n');
  let devices = 0;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    if (line.trim() === '' || line.includes('|')) continue;
    const colon = line.indexOf(':');
    if (colon < 0) throw new InvalidInputError(`/proc/net/dev line ${i + 1}: no "iface:" prefix`);
    const device = line.slice(0, colon).trim();
    const v = line
      .slice(colon + 1)
      .trim()
      .split(/\s+/);
    if (device === '' || v.length < 16)
      throw new InvalidInputError(`/proc/net/dev line ${i + 1}: expected an interface name and 16 fields`);
    if (exclude.test(device)) continue;
    if (++devices > MAX_DEVICES) break;
    RX.forEach((x, k) =>
      f.add(`node_network_receive_${x}_total`, uint(v[k], `/proc/net/dev ${device} receive_${x}`), {
        device,
      }),
    );
    TX.forEach((x, k) =>
      f.add(`node_network_transmit_${x}_total`, uint(v[8 + k], `/proc/net/dev ${device} transmit_${x}`), {
        device,
      }),
    );
  }
  return f.families();
}

const SECTOR_BYTES = 512;

/** Field index (0-based, after major, minor, name) → family and scale. */
const DISK_FIELDS: readonly (readonly [number, MetricName, number])[] = [
  [0, 'node_disk_reads_completed_total', 1],
  [1, 'node_disk_reads_merged_total', 1],
  [2, 'node_disk_read_bytes_total', SECTOR_BYTES],
  [3, 'node_disk_read_time_seconds_total', 0.001],
  [4, 'node_disk_writes_completed_total', 1],
  [5, 'node_disk_writes_merged_total', 1],
  [6, 'node_disk_written_bytes_total', SECTOR_BYTES],
  [7, 'node_disk_write_time_seconds_total', 0.001],
  [8, 'node_disk_io_now', 1],
  [9, 'node_disk_io_time_seconds_total', 0.001],
  [10, 'node_disk_io_time_weighted_seconds_total', 0.001],
  [11, 'node_disk_discards_completed_total', 1],
  [12, 'node_disk_discards_merged_total', 1],
  [13, 'node_disk_discarded_sectors_total', 1],
  [14, 'node_disk_discard_time_seconds_total', 0.001],
  [15, 'node_disk_flush_requests_total', 1],
  [16, 'node_disk_flush_requests_time_seconds_total', 0.001],
];

/**
 * The `node_disk_*{device}` families from /proc/diskstats (`major minor name` + 11, 15 or 17 fields; fields a
 * kernel does not have are not reported).
 * @throws InvalidInputError when a line has fewer than 14 fields or a field is not an integer.
 */
export function parseDiskstats(text: string, exclude: RegExp = DISKSTATS_EXCLUDE_DEFAULT): Family[] {
  const f = new FamilyBuilder();
  for (const [, name] of DISK_FIELDS) f.declare(name);
  const lines = text.split('\n');
  let devices = 0;
  for (let i = 0; i < lines.length; i++) {
    const parts = lines[i]!.trim().split(/\s+/);
    if (parts.length === 1 && parts[0] === '') continue;
    if (parts.length < 14)
      throw new InvalidInputError(
        `/proc/diskstats line ${i + 1}: ${parts.length} fields, expected at least 14`,
      );
    const device = parts[2]!;
    if (exclude.test(device)) continue;
    if (++devices > MAX_DEVICES) break;
    const v = parts.slice(3);
    for (const [k, name, scale] of DISK_FIELDS) {
      if (k < v.length)
        f.add(name, uint(v[k], `/proc/diskstats ${device} field ${k + 1}`) * scale, { device });
    }
  }
  return f.families();
}
