/**
 * The false signals of a healthy soak, per surface, and the goals they are held to:
 * - 0 pages: anomalies of severity high or critical, SLO burn-rate alerts of severity `page`, and alerts of the
 *   generated Prometheus rules with `severity="critical"`;
 * - 0 scale-out advice from the capacity planner;
 * - all regions healthy: no read of the regional health with a region `degraded` or `unhealthy`, and every region
 *   scored `healthy` at the last read;
 * - at most 1 low-severity anomaly per 100 series-hours analysed, and no anomaly of severity medium.
 * Everything else a healthy cluster should not show (SLO `violated` states and ticket burns, rollout NO-GO,
 * notifications, Prometheus warnings) is counted and reported next to the goals. Pure.
 */
import type { FiredAlert } from './promtool.ts';
import type { SurfaceTally } from './surfaces.ts';

/** One row of the soak table: what a surface showed. */
export interface SurfaceRow {
  readonly surface: string;
  readonly signal: string;
  readonly count: number;
  readonly unit: string;
  /** Whether a non-zero count is a false signal on a healthy cluster. */
  readonly falseSignal: boolean;
}

/** One goal and whether the run met it. */
export interface GoalCheck {
  readonly goal: string;
  readonly measured: number;
  readonly limit: number;
  readonly unit: string;
  readonly met: boolean;
}

/** What the goals are computed from. */
export interface SoakFigures {
  readonly tally: SurfaceTally;
  readonly seriesHours: number;
  /** Alerts of the generated rules (null: the rules were not evaluated). */
  readonly promAlerts: readonly FiredAlert[] | null;
}

const sumValues = (m: Readonly<Record<string, number>>): number =>
  Object.values(m).reduce((a, b) => a + b, 0);

/** Alerts of the generated rules with this severity (label sets), and their firing evaluations. */
export function promAlertsOf(
  alerts: readonly FiredAlert[],
  severity: string,
): { alerts: number; evaluations: number } {
  const xs = alerts.filter((a) => a.labels.severity === severity);
  return { alerts: xs.length, evaluations: xs.reduce((n, a) => n + a.firingEvaluations, 0) };
}

/** The soak table rows (see the module comment). */
export function surfaceRows(f: SoakFigures): SurfaceRow[] {
  const t = f.tally;
  const a = t.anomalies.bySeverity;
  const rows: SurfaceRow[] = [
    {
      surface: 'anomalies',
      signal: 'severity critical',
      count: a.critical,
      unit: 'anomalies',
      falseSignal: true,
    },
    { surface: 'anomalies', signal: 'severity high', count: a.high, unit: 'anomalies', falseSignal: true },
    {
      surface: 'anomalies',
      signal: 'severity medium',
      count: a.medium,
      unit: 'anomalies',
      falseSignal: true,
    },
    { surface: 'anomalies', signal: 'severity low', count: a.low, unit: 'anomalies', falseSignal: true },
    {
      surface: 'notifications',
      signal: 'webhook payloads queued',
      count: t.notifications.payloads,
      unit: 'payloads',
      falseSignal: true,
    },
    {
      surface: 'notifications',
      signal: 'firing alerts in them',
      count: t.notifications.firingAlerts,
      unit: 'alerts',
      falseSignal: true,
    },
    {
      surface: 'SLO',
      signal: 'page burn-rate alert firing',
      count: t.slo.pageBurn,
      unit: `SLO reads (of ${t.slo.evaluations})`,
      falseSignal: true,
    },
    {
      surface: 'SLO',
      signal: 'ticket burn-rate alert firing',
      count: t.slo.ticketBurn,
      unit: `SLO reads (of ${t.slo.evaluations})`,
      falseSignal: true,
    },
    {
      surface: 'SLO',
      signal: 'status violated',
      count: t.slo.byStatus.violated ?? 0,
      unit: `SLO reads (of ${t.slo.evaluations})`,
      falseSignal: true,
    },
    {
      surface: 'capacity',
      signal: 'scale-out recommended',
      count: sumValues(t.capacity.scaleOutBySeries),
      unit: `series reads (of ${t.capacity.evaluations})`,
      falseSignal: true,
    },
    {
      surface: 'regions',
      signal: 'status degraded',
      count: t.regions.byStatus.degraded ?? 0,
      unit: `region reads (of ${t.regions.evaluations})`,
      falseSignal: true,
    },
    {
      surface: 'regions',
      signal: 'status unhealthy',
      count: t.regions.byStatus.unhealthy ?? 0,
      unit: `region reads (of ${t.regions.evaluations})`,
      falseSignal: true,
    },
    {
      surface: 'regions',
      signal: 'not scored (missing data)',
      count: t.regions.byStatus['not-scored'] ?? 0,
      unit: `region reads (of ${t.regions.evaluations})`,
      falseSignal: false,
    },
    {
      surface: 'rollout',
      signal: 'NO-GO',
      count: t.rollout.byDecision['NO-GO'] ?? 0,
      unit: `reads (of ${t.rollout.evaluations})`,
      falseSignal: true,
    },
    {
      surface: 'rollout',
      signal: 'CAUTION',
      count: t.rollout.byDecision.CAUTION ?? 0,
      unit: `reads (of ${t.rollout.evaluations})`,
      falseSignal: false,
    },
  ];
  if (f.promAlerts !== null) {
    for (const sev of ['critical', 'warning', 'info']) {
      const p = promAlertsOf(f.promAlerts, sev);
      rows.push({
        surface: 'Prometheus rules',
        signal: `severity ${sev} alerts fired`,
        count: p.alerts,
        unit: `alerts (${p.evaluations} firing evaluations)`,
        falseSignal: true,
      });
    }
  }
  return rows;
}

/**
 * The goals (see the module comment). Without Prometheus alerts (`promAlerts` null) the page goal counts the
 * monitor's surfaces only.
 */
export function soakGoals(f: SoakFigures): GoalCheck[] {
  const t = f.tally;
  const a = t.anomalies.bySeverity;
  const promCritical = f.promAlerts === null ? 0 : promAlertsOf(f.promAlerts, 'critical').alerts;
  const pages = a.high + a.critical + t.slo.pageBurn + promCritical;
  const notHealthy = (t.regions.byStatus.degraded ?? 0) + (t.regions.byStatus.unhealthy ?? 0);
  const last = Object.values(t.regions.last);
  const lastNotHealthy = last.length === 0 ? 1 : last.filter((s) => s !== 'healthy').length;
  const lowPer100 = f.seriesHours > 0 ? (100 * a.low) / f.seriesHours : Number.POSITIVE_INFINITY;
  return [
    {
      goal: 'pages (anomalies high/critical, SLO page burns, critical rule alerts)',
      measured: pages,
      limit: 0,
      unit: 'pages',
      met: pages === 0,
    },
    {
      goal: 'scale-out advice',
      measured: sumValues(t.capacity.scaleOutBySeries),
      limit: 0,
      unit: 'series reads',
      met: sumValues(t.capacity.scaleOutBySeries) === 0,
    },
    {
      goal: 'region reads degraded or unhealthy',
      measured: notHealthy,
      limit: 0,
      unit: 'region reads',
      met: notHealthy === 0,
    },
    {
      goal: 'regions not healthy at the last read',
      measured: lastNotHealthy,
      limit: 0,
      unit: 'regions',
      met: lastNotHealthy === 0,
    },
    {
      goal: 'anomalies of severity medium',
      measured: a.medium,
      limit: 0,
      unit: 'anomalies',
      met: a.medium === 0,
    },
    {
      goal: 'low-severity anomalies per 100 series-hours',
      measured: lowPer100,
      limit: 1,
      unit: 'per 100 series-hours',
      met: lowPer100 <= 1,
    },
  ];
}
