/**
 * Shared pieces of the Phase 6 production rules ("Production Alert Rules" of the Phase 6 production monitoring
 * spec, thresholds of the original `alerts-production.yml`): the measured expressions, the GO/NO-GO score,
 * fixture labels and the runbook hints several alerts share.
 * @see seed 002 "Production Alert Rules"; NovaCron inventory 2.3
 */
import { getMetric } from '../../catalog/index.ts';
import type { Expr } from '../promql/ast.ts';
import {
  add,
  agg,
  aggBy,
  bin,
  div,
  eq,
  eqOp,
  histogramQuantile,
  num,
  paren,
  rate,
  sumBy,
} from '../promql/build.ts';
import { bucketRef, metricRef } from '../promql/metric.ts';
import { inlineCode } from '../promql/print.ts';
import { FIXTURE_TARGET, gaugeIs } from './fixtures.ts';
import type { InputSeries, RunbookHints } from './types.ts';

/** Source of the production rules. */
export const S2 =
  'Phase 6 production monitoring spec "Production Alert Rules"; original alerts-production.yml';
/** Catalog lookup (short name for the dense rule definitions). */
export const m = getMetric;
/** Aggregation labels: per region, per region and instance. */
export const R = ['region'] as const;
export const RI = ['region', 'instance'] as const;

const latencyBucket = () => bucketRef(m('dwcp_v3_migration_latency_seconds'));
/** The q-quantile of v3 migration switchover downtime (`dwcp_v3_migration_latency_seconds`) per region over 5 minutes. */
export const latencyQ = (q: number): Expr => histogramQuantile(q, latencyBucket(), '5m', R);
/**
 * AMST transmit throughput of each node (bytes/s, by region and instance): the sum over its transports (rdma and
 * tcp are parts of one node's throughput; averaging them halved a datacenter node's).
 */
const nodeThroughputAmst = (): Expr =>
  sumBy(
    RI,
    metricRef(m('dwcp_v3_throughput_bytes_per_second'), eq('component', 'amst'), eq('direction', 'tx')),
  );
/** Average AMST transmit throughput of the nodes per region (bytes/s). */
export const throughputAmst = (): Expr => aggBy('avg', R, nodeThroughputAmst());
/**
 * Average AMST transmit throughput per region (bytes/s) of the nodes in datacenter mode
 * (`dwcp_v3_current_mode{mode="datacenter"} == 1`): the 2.4 GB/s throughput target is the RDMA (datacenter)
 * target; internet and hybrid nodes run over WAN links of far less bandwidth and have no such floor.
 */
export const datacenterThroughputAmst = (): Expr =>
  aggBy(
    'avg',
    R,
    bin(
      'and',
      nodeThroughputAmst(),
      eqOp(metricRef(m('dwcp_v3_current_mode'), eq('mode', 'datacenter')), num(1)),
      {
        matching: { on: RI },
      },
    ),
  );
/** DWCP v3 errors per second per region over a window. */
export const errorsPerSecond = (d: '5m' | '10m'): Expr =>
  sumBy(R, rate(metricRef(m('dwcp_v3_errors_total')), d));
/** The SLA compliance gauge of one SLA type. */
export const sla = (t: string) => metricRef(m('dwcp_v3_sla_compliance'), eq('sla_type', t));

/** Fixture labels of the latency histogram, the throughput gauge and the error counter. */
export const LAT_FX = { source: 'us-east-1', destination: 'eu-west-1', vm_size: '4GB', mode: 'datacenter' };
export const TPUT_FX = { component: 'amst', direction: 'tx', transport: 'rdma' };

/**
 * Input series for a datacenter-mode AMST throughput of v bytes/s in the fixture region: a datacenter node whose
 * v splits 3:1 over rdma and tcp, and an internet-mode node of the same region at 0.1 GB/s that the measure
 * must leave out.
 */
export function datacenterThroughputFixture(v: number): InputSeries[] {
  const other = { ...FIXTURE_TARGET, instance: 'node-2:9400' };
  return [
    ...gaugeIs('dwcp_v3_throughput_bytes_per_second', TPUT_FX)(v * 0.75),
    ...gaugeIs('dwcp_v3_throughput_bytes_per_second', { ...TPUT_FX, transport: 'tcp' })(v * 0.25),
    ...gaugeIs('dwcp_v3_current_mode', { node_id: 'node-1', mode: 'datacenter' })(1),
    ...gaugeIs('dwcp_v3_throughput_bytes_per_second', { ...other, ...TPUT_FX, transport: 'tcp' })(1e8),
    ...gaugeIs('dwcp_v3_current_mode', { ...other, node_id: 'node-2', mode: 'datacenter' })(0),
    ...gaugeIs('dwcp_v3_current_mode', { ...other, node_id: 'node-2', mode: 'internet' })(1),
  ];
}
export const ERR_FX = { component: 'amst', error_type: 'timeout', severity: 'warning' };

/** GO/NO-GO score of the rollout: mean of the worst latency, throughput and error-rate SLA compliance (0..1). */
export const GO_NO_GO: Expr = div(
  paren(add(add(agg('min', sla('latency')), agg('min', sla('throughput'))), agg('min', sla('error_rate')))),
  num(3),
);

export const LATENCY_HINTS: RunbookHints = {
  causes: [
    'WAN congestion or loss on the migration path',
    'a slow component (HDE compression, ACP consensus) in the data path',
    'the v3 build of the current rollout stage',
  ],
  actions: [
    `Find the slow component: ${inlineCode(histogramQuantile(0.99, bucketRef(m('dwcp_v3_component_latency_seconds')), '5m', ['component']))}`,
    'Compare v1 and v3 latency on the Phase 6 dashboard; if only v3 is slow, it is a rollout regression',
  ],
};
/** Hints of the migration downtime alerts (`dwcp_v3_migration_latency_seconds`: the switchover pause the VM sees). */
export const DOWNTIME_HINTS: RunbookHints = {
  causes: [
    'WAN latency or loss on the migration path: the destination resumes the VM only once the last pages have arrived',
    'a large final dirty set: the VM writes memory faster than the link drains it, or throughput or compression dropped',
    'the v3 build of the current rollout stage',
  ],
  actions: [
    `Find the slow region and mode: ${inlineCode(histogramQuantile(0.99, latencyBucket(), '5m', ['region', 'mode']))}`,
    `Compare with the whole-migration time: ${inlineCode(histogramQuantile(0.99, bucketRef(m('dwcp_v3_migration_duration_seconds')), '5m', ['region', 'mode']))}; if only the downtime grew, look at the link latency and the final dirty set, not at the transfer`,
    'Compare v1 and v3 on the Phase 6 dashboard; if only v3 is slow, it is a rollout regression',
  ],
};
export const THROUGHPUT_HINTS: RunbookHints = {
  causes: ['RDMA fallen back to TCP', 'AMST running too few streams', 'link saturated by other traffic'],
  actions: [
    'Break throughput down by transport (rdma/tcp) and node',
    'Check AMST active streams and congestion events',
  ],
};
export const ERROR_HINTS: RunbookHints = {
  causes: [
    'a failing component (see component health)',
    'a bad v3 build in the current rollout stage',
    'network partition between regions',
  ],
  actions: [
    `Break errors down: ${inlineCode(sumBy(['component', 'error_type'], rate(metricRef(m('dwcp_v3_errors_total')), '5m')))}`,
    'Check whether errors started with a rollout step',
  ],
};
