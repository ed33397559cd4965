/**
 * Metrics of the host collector (`dwcp-monitor collect`), named and labelled exactly as Prometheus'
 * node_exporter names them (collectors cpu, stat, loadavg, meminfo, netdev, diskstats, filesystem and the
 * per-collector scrape series) so dashboards and rules written for node_exporter work unchanged; plus the
 * collector's own cycle metrics under `dwcp_collector_*`.
 * @see https://github.com/prometheus/node_exporter/tree/master/collector (cpu_linux.go, stat_linux.go,
 *   loadavg.go, meminfo.go, netdev_common.go, diskstats_linux.go, filesystem_common.go)
 * @see https://www.kernel.org/doc/html/latest/admin-guide/iostats.html (/proc/diskstats fields)
 */
import { exponentialBuckets } from './buckets.ts';
import type { MetricDef, MetricType, Unit } from './types.ts';

const NE = 'Prometheus node_exporter naming (same name, type and labels)';
const OWN = 'host collector self-metrics';

function ne<const N extends string>(
  name: N,
  type: MetricType,
  unit: Unit,
  labels: readonly string[],
  help: string,
): MetricDef<N> {
  return { name, type, help, unit, labels, group: 'node', area: 'host', anomalyKind: 'generic', source: NE };
}

/** node_exporter's meminfo naming: `node_memory_<Field>_bytes` for fields given in kB. */
function mem<const F extends string>(field: F): MetricDef<`node_memory_${F}_bytes`> {
  return ne(`node_memory_${field}_bytes`, 'gauge', 'bytes', [], `Memory information field ${field}_bytes.`);
}

/** node_exporter's meminfo naming for fields without a unit (page counts): `node_memory_<Field>`. */
function memCount<const F extends string>(field: F): MetricDef<`node_memory_${F}`> {
  return ne(`node_memory_${field}`, 'gauge', 'count', [], `Memory information field ${field}.`);
}

function rx<const F extends string>(field: F): MetricDef<`node_network_receive_${F}_total`> {
  return ne(
    `node_network_receive_${field}_total`,
    'counter',
    field === 'bytes' ? 'bytes' : 'count',
    ['device'],
    `Network device statistic receive_${field}.`,
  );
}

function tx<const F extends string>(field: F): MetricDef<`node_network_transmit_${F}_total`> {
  return ne(
    `node_network_transmit_${field}_total`,
    'counter',
    field === 'bytes' ? 'bytes' : 'count',
    ['device'],
    `Network device statistic transmit_${field}.`,
  );
}

const DEV = ['device'] as const;
const FS = ['device', 'fstype', 'mountpoint'] as const;

/** /proc/meminfo fields with a kB unit that the collector exports (other fields are skipped). */
export const MEMINFO_BYTE_FIELDS = [
  'MemTotal',
  'MemFree',
  'MemAvailable',
  'Buffers',
  'Cached',
  'SwapCached',
  'Active',
  'Inactive',
  'Active_anon',
  'Inactive_anon',
  'Active_file',
  'Inactive_file',
  'Unevictable',
  'Mlocked',
  'SwapTotal',
  'SwapFree',
  'Zswap',
  'Zswapped',
  'Dirty',
  'Writeback',
  'AnonPages',
  'Mapped',
  'Shmem',
  'KReclaimable',
  'Slab',
  'SReclaimable',
  'SUnreclaim',
  'KernelStack',
  'PageTables',
  'SecPageTables',
  'NFS_Unstable',
  'Bounce',
  'WritebackTmp',
  'CommitLimit',
  'Committed_AS',
  'VmallocTotal',
  'VmallocUsed',
  'VmallocChunk',
  'Percpu',
  'HardwareCorrupted',
  'AnonHugePages',
  'ShmemHugePages',
  'ShmemPmdMapped',
  'FileHugePages',
  'FilePmdMapped',
  'Hugepagesize',
  'Hugetlb',
  'DirectMap4k',
  'DirectMap2M',
  'DirectMap1G',
  'Balloon',
] as const;

/** /proc/meminfo fields without a unit (page counts) that the collector exports. */
export const MEMINFO_COUNT_FIELDS = [
  'HugePages_Total',
  'HugePages_Free',
  'HugePages_Rsvd',
  'HugePages_Surp',
] as const;

export const NODE_EXPORTER_METRICS = [
  // cpu
  ne('node_cpu_seconds_total', 'counter', 'seconds', ['cpu', 'mode'], 'Seconds the CPUs spent in each mode.'),
  ne(
    'node_cpu_guest_seconds_total',
    'counter',
    'seconds',
    ['cpu', 'mode'],
    'Seconds the CPUs spent in guests (VMs) for each mode.',
  ),
  // stat
  ne('node_boot_time_seconds', 'gauge', 'seconds', [], 'Node boot time, in unixtime.'),
  ne('node_context_switches_total', 'counter', 'count', [], 'Total number of context switches.'),
  ne('node_forks_total', 'counter', 'count', [], 'Total number of forks.'),
  ne('node_intr_total', 'counter', 'count', [], 'Total number of interrupts serviced.'),
  ne('node_procs_running', 'gauge', 'count', [], 'Number of processes in runnable state.'),
  ne('node_procs_blocked', 'gauge', 'count', [], 'Number of processes blocked waiting for I/O to complete.'),
  // loadavg
  ne('node_load1', 'gauge', 'count', [], '1m load average.'),
  ne('node_load5', 'gauge', 'count', [], '5m load average.'),
  ne('node_load15', 'gauge', 'count', [], '15m load average.'),
  // meminfo
  ...MEMINFO_BYTE_FIELDS.map(mem),
  ...MEMINFO_COUNT_FIELDS.map(memCount),
  // netdev
  rx('bytes'),
  rx('packets'),
  rx('errs'),
  rx('drop'),
  rx('fifo'),
  rx('frame'),
  rx('compressed'),
  rx('multicast'),
  tx('bytes'),
  tx('packets'),
  tx('errs'),
  tx('drop'),
  tx('fifo'),
  tx('colls'),
  tx('carrier'),
  tx('compressed'),
  // diskstats
  ne(
    'node_disk_reads_completed_total',
    'counter',
    'count',
    DEV,
    'The total number of reads completed successfully.',
  ),
  ne('node_disk_reads_merged_total', 'counter', 'count', DEV, 'The total number of reads merged.'),
  ne('node_disk_read_bytes_total', 'counter', 'bytes', DEV, 'The total number of bytes read successfully.'),
  ne(
    'node_disk_read_time_seconds_total',
    'counter',
    'seconds',
    DEV,
    'The total number of seconds spent by all reads.',
  ),
  ne(
    'node_disk_writes_completed_total',
    'counter',
    'count',
    DEV,
    'The total number of writes completed successfully.',
  ),
  ne('node_disk_writes_merged_total', 'counter', 'count', DEV, 'The number of writes merged.'),
  ne(
    'node_disk_written_bytes_total',
    'counter',
    'bytes',
    DEV,
    'The total number of bytes written successfully.',
  ),
  ne(
    'node_disk_write_time_seconds_total',
    'counter',
    'seconds',
    DEV,
    'This is the total number of seconds spent by all writes.',
  ),
  ne('node_disk_io_now', 'gauge', 'count', DEV, 'The number of I/Os currently in progress.'),
  ne('node_disk_io_time_seconds_total', 'counter', 'seconds', DEV, 'Total seconds spent doing I/Os.'),
  ne(
    'node_disk_io_time_weighted_seconds_total',
    'counter',
    'seconds',
    DEV,
    'The weighted # of seconds spent doing I/Os.',
  ),
  ne(
    'node_disk_discards_completed_total',
    'counter',
    'count',
    DEV,
    'The total number of discards completed successfully.',
  ),
  ne('node_disk_discards_merged_total', 'counter', 'count', DEV, 'The total number of discards merged.'),
  ne(
    'node_disk_discarded_sectors_total',
    'counter',
    'count',
    DEV,
    'The total number of sectors discarded successfully.',
  ),
  ne(
    'node_disk_discard_time_seconds_total',
    'counter',
    'seconds',
    DEV,
    'This is the total number of seconds spent by all discards.',
  ),
  ne(
    'node_disk_flush_requests_total',
    'counter',
    'count',
    DEV,
    'The total number of flush requests completed successfully',
  ),
  ne(
    'node_disk_flush_requests_time_seconds_total',
    'counter',
    'seconds',
    DEV,
    'This is the total number of seconds spent by all flush requests.',
  ),
  // filesystem
  ne('node_filesystem_size_bytes', 'gauge', 'bytes', FS, 'Filesystem size in bytes.'),
  ne('node_filesystem_free_bytes', 'gauge', 'bytes', FS, 'Filesystem free space in bytes.'),
  ne(
    'node_filesystem_avail_bytes',
    'gauge',
    'bytes',
    FS,
    'Filesystem space available to non-root users in bytes.',
  ),
  ne('node_filesystem_files', 'gauge', 'count', FS, 'Filesystem total file nodes.'),
  ne('node_filesystem_files_free', 'gauge', 'count', FS, 'Filesystem total free file nodes.'),
  ne('node_filesystem_readonly', 'gauge', 'state', FS, 'Filesystem read-only status.'),
  ne(
    'node_filesystem_device_error',
    'gauge',
    'state',
    FS,
    'Whether an error occurred while getting statistics for the given device.',
  ),
  // per-collector scrape series
  ne(
    'node_scrape_collector_duration_seconds',
    'gauge',
    'seconds',
    ['collector'],
    'node_exporter: Duration of a collector scrape.',
  ),
  ne(
    'node_scrape_collector_success',
    'gauge',
    'state',
    ['collector'],
    'node_exporter: Whether a collector succeeded.',
  ),
  // own
  {
    name: 'dwcp_collector_cycle_duration_seconds',
    type: 'histogram',
    help: 'Duration of one host collection cycle (every collector, then the metric update).',
    unit: 'seconds',
    labels: [],
    buckets: exponentialBuckets(0.0005, 2, 14),
    group: 'node',
    area: 'host',
    anomalyKind: 'latency',
    source: OWN,
  },
  {
    name: 'dwcp_collector_errors_total',
    type: 'counter',
    help: 'Collector runs that failed, by collector (a source could not be read or parsed).',
    unit: 'count',
    labels: ['collector'],
    group: 'node',
    area: 'host',
    anomalyKind: 'generic',
    source: OWN,
  },
  {
    name: 'dwcp_collector_pushes_total',
    type: 'counter',
    help: 'Pushes to the Pushgateway by result (success, error).',
    unit: 'count',
    labels: ['result'],
    group: 'node',
    area: 'host',
    anomalyKind: 'generic',
    source: OWN,
  },
] as const satisfies readonly MetricDef[];

/** Names of the node_exporter-compatible metrics (literal union). */
export type NodeExporterMetricName = (typeof NODE_EXPORTER_METRICS)[number]['name'];
