/**
 * The demo's closing summary as printed by `dwcp-monitor demo`: counts, precision and recall in percent, delays in
 * seconds with two decimals (the report JSON keeps milliseconds' precision), then the per-fault table.
 */
import { faultTable } from './fault-table.ts';
import type { DemoReport } from './report.ts';

/** `12.3 %`, or `n/a` when there is nothing to divide. */
const percent = (x: number | null): string => (x === null ? 'n/a' : `${(x * 100).toFixed(1)} %`);

/** `4.86 s`, or `n/a` when no fault was detected. */
const seconds = (x: number | null): string => (x === null ? 'n/a' : `${x.toFixed(2)} s`);

/**
 * The summary lines, each ending in a newline, followed by the fault table and the report's path when written.
 * @param reportPath where the JSON report was written, if it was
 */
export function demoSummaryText(report: DemoReport, reportPath?: string): string {
  const e = report.evaluation;
  const notify = report.incidents.notificationDelaySeconds;
  return (
    `\nTargets up ${report.targets.up}/${report.targets.total}, series ${report.series}, samples ingested ${report.samplesIngested}\n` +
    `Faults injected ${e.faults}, detected ${e.detectedFaults} (${e.detectedWithin5s} within 5 s), ` +
    `missed for too few samples ${e.missedTooFewSamples}; ` +
    `anomalies on the cluster ${report.anomalies.onCluster} (host ${report.anomalies.onHost})\n` +
    `Precision ${percent(e.precision)}, recall ${percent(e.recall)}, ` +
    `detection delay p50 ${seconds(e.detectionDelaySeconds.p50)}, p95 ${seconds(e.detectionDelaySeconds.p95)}\n` +
    `Alerts delivered: ${report.alerts.firingDelivered} firing, ${report.alerts.resolvedDelivered} resolved ` +
    `(${report.alerts.notificationsDelivered} notifications)\n` +
    `Incidents ${report.incidents.total}; faults paged ${report.incidents.pagedFaults}/${e.faults}, merged ${report.incidents.mergedFaults}; ` +
    `fault-to-notification p50 ${seconds(notify.p50)}, p95 ${seconds(notify.p95)}\n` +
    `\n${faultTable(report)}` +
    (reportPath ? `Report written to ${reportPath}\n` : '')
  );
}
