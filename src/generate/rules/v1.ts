/**
 * DWCP v1 rule groups (names and intervals of the original rule files): recording rules in
 * `v1-recording.ts`, alerts in `v1-alerts-health.ts` and `v1-alerts-performance.ts`.
 */
import type { AlertRule, RuleGroup } from './types.ts';
import { V1_HEALTH_ALERTS } from './v1-alerts-health.ts';
import { V1_PERFORMANCE_ALERTS } from './v1-alerts-performance.ts';
import { V1_RECORDING, V1_SLA_RECORDING } from './v1-recording.ts';

/** The 17 alerts of the original `dwcp-alerts.yml`, the v1 spec's six among them. */
export const V1_ALERTS: readonly AlertRule[] = [...V1_HEALTH_ALERTS, ...V1_PERFORMANCE_ALERTS];

/** The v1 rule groups (intervals of the original file). */
export const V1_GROUPS: readonly RuleGroup[] = [
  { name: 'dwcp_aggregations', file: 'dwcp-v1-recording.yml', interval: '30s', rules: V1_RECORDING },
  { name: 'dwcp_sla_tracking', file: 'dwcp-v1-recording.yml', interval: '1m', rules: V1_SLA_RECORDING },
  {
    name: 'dwcp_errors',
    file: 'dwcp-v1-alerts.yml',
    interval: '30s',
    rules: V1_ALERTS.filter((a) => a.component === 'amst' && a.name.includes('ErrorRate')),
  },
  {
    name: 'dwcp_availability',
    file: 'dwcp-v1-alerts.yml',
    interval: '30s',
    rules: V1_ALERTS.filter((a) => a.component === 'system'),
  },
  {
    name: 'dwcp_compression',
    file: 'dwcp-v1-alerts.yml',
    interval: '1m',
    rules: V1_ALERTS.filter((a) => a.component === 'hde'),
  },
  {
    name: 'dwcp_performance',
    file: 'dwcp-v1-alerts.yml',
    interval: '1m',
    rules: V1_ALERTS.filter(
      (a) => (a.component === 'amst' && !a.name.includes('ErrorRate')) || a.name === 'DWCPMigrationSlow',
    ),
  },
  {
    name: 'dwcp_federation',
    file: 'dwcp-v1-alerts.yml',
    interval: '1m',
    rules: V1_ALERTS.filter((a) => a.component === 'federation'),
  },
  {
    name: 'dwcp_sla',
    file: 'dwcp-v1-alerts.yml',
    interval: '1m',
    rules: V1_ALERTS.filter((a) => a.name === 'DWCPSLAViolation'),
  },
];
