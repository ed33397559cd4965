/**
 * Metrics of the built-in host collector (`src/ingest/host.ts`, read from /proc and statfs, modelled on
 * node_exporter) and the synthetic series the scraper adds to every scrape, as Prometheus does
 * (https://prometheus.io/docs/concepts/jobs_instances/#automatically-generated-labels-and-time-series).
 */
import type { BadDirection, MetricDef } from './types.ts';

const HOST = 'host collector (/proc/stat, /proc/meminfo, statfs, /proc/net/dev; node_exporter naming)';
const PROM = 'Prometheus synthetic scrape series (jobs_instances docs)';

/** A host interface's traffic. */
const NIC_BOTH: BadDirection = {
  direction: 'both',
  why: "a host interface's traffic: a rise may be saturation or a flood, a drop lost traffic; the host alone does not say which",
};

export const HOST_METRICS = [
  {
    name: 'dwcp_host_cpu_utilization_ratio',
    type: 'gauge',
    help: 'Share of CPU time (all CPUs) not idle or iowait between two collects (0..1).',
    unit: 'ratio',
    labels: [],
    group: 'host',
    area: 'host',
    anomalyKind: 'generic',
    source: HOST,
  },
  {
    name: 'dwcp_host_memory_used_bytes',
    type: 'gauge',
    help: 'Memory in use: MemTotal - MemAvailable.',
    unit: 'bytes',
    labels: [],
    group: 'host',
    area: 'host',
    anomalyKind: 'generic',
    source: HOST,
  },
  {
    name: 'dwcp_host_memory_utilization_ratio',
    type: 'gauge',
    help: 'Memory in use as a share of MemTotal (0..1).',
    unit: 'ratio',
    labels: [],
    group: 'host',
    area: 'host',
    anomalyKind: 'generic',
    source: HOST,
  },
  {
    name: 'dwcp_host_filesystem_size_bytes',
    type: 'gauge',
    help: 'Size of the filesystem holding the mount point.',
    unit: 'bytes',
    labels: ['mountpoint'],
    group: 'host',
    area: 'host',
    anomalyKind: 'generic',
    source: HOST,
  },
  {
    name: 'dwcp_host_filesystem_free_bytes',
    type: 'gauge',
    help: 'Free bytes of the filesystem holding the mount point (including root-reserved blocks).',
    unit: 'bytes',
    labels: ['mountpoint'],
    group: 'host',
    area: 'host',
    anomalyKind: 'generic',
    source: HOST,
  },
  {
    name: 'dwcp_host_network_receive_bytes_total',
    type: 'counter',
    help: 'Bytes received per network interface (loopback excluded).',
    unit: 'bytes',
    labels: ['device'],
    group: 'host',
    area: 'host',
    anomalyKind: 'bandwidth',
    source: HOST,
    badDirection: NIC_BOTH,
  },
  {
    name: 'dwcp_host_network_transmit_bytes_total',
    type: 'counter',
    help: 'Bytes transmitted per network interface (loopback excluded).',
    unit: 'bytes',
    labels: ['device'],
    group: 'host',
    area: 'host',
    anomalyKind: 'bandwidth',
    source: HOST,
    badDirection: NIC_BOTH,
  },
  {
    name: 'up',
    type: 'gauge',
    help: 'Synthetic per scrape: 1 when the target was scraped successfully, 0 otherwise.',
    unit: 'state',
    labels: ['job', 'instance'],
    group: 'host',
    area: 'monitor',
    anomalyKind: 'generic',
    source: PROM,
    decision:
      'Prometheus convention, no dwcp_ prefix: the scraper adds it to every batch so tools and rules written for Prometheus work unchanged.',
    range: { min: 0, max: 1 },
    criticality: {
      level: 'critical',
      why: 'the target answers no scrape: every metric of the node is lost and the node may be down',
    },
  },
  {
    name: 'scrape_duration_seconds',
    type: 'gauge',
    help: 'Synthetic per scrape: duration of the scrape (fetch + parse).',
    unit: 'seconds',
    labels: ['job', 'instance'],
    group: 'host',
    area: 'monitor',
    anomalyKind: 'generic',
    source: PROM,
    decision: 'Prometheus convention, no dwcp_ prefix (see up).',
  },
  {
    name: 'scrape_samples_scraped',
    type: 'gauge',
    help: 'Synthetic per scrape: samples the target exposed (0 when the scrape failed).',
    unit: 'count',
    labels: ['job', 'instance'],
    group: 'host',
    area: 'monitor',
    anomalyKind: 'generic',
    source: PROM,
    decision: 'Prometheus convention, no dwcp_ prefix (see up).',
  },
] as const satisfies readonly MetricDef[];

/** Names of the host metrics (literal union). */
export type HostMetricName = (typeof HOST_METRICS)[number]['name'];
