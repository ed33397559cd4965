/**
 * The demo's per-fault table (plain text, fixed-width columns): each fault's verdict with the samples the monitor
 * received for its target series and its target's scrapes inside the window, so a miss from scrape gaps reads as
 * overload, not as a detector miss.
 */
import type { DemoReport } from './report.ts';

const HEADER = [
  'fault',
  'node',
  'verdict',
  'delay s',
  'samples',
  'scrapes ok/expected',
  'failed',
  'late/skipped',
];

/** One row per fault of `report` under a header, columns padded to their widest cell; '' when there is no fault. */
export function faultTable(report: Pick<DemoReport, 'faults'>): string {
  if (report.faults.length === 0) return '';
  const rows = report.faults.map((f) => [
    f.kind,
    f.node,
    f.verdict,
    f.detectionDelaySeconds === null ? '-' : f.detectionDelaySeconds.toFixed(1),
    f.samples === null ? 'n/a' : `${f.samples.samples} (need ${f.samples.needed})`,
    f.scrapes === null ? 'n/a' : `${f.scrapes.received - f.scrapes.failed}/${f.scrapes.expected}`,
    f.scrapes === null ? 'n/a' : String(f.scrapes.failed),
    f.scrapes === null ? 'n/a' : String(f.scrapes.lateOrSkipped),
  ]);
  const widths = HEADER.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: readonly string[]) =>
    cells
      .map((c, i) => c.padEnd(widths[i]!))
      .join('  ')
      .trimEnd();
  return [line(HEADER), ...rows.map(line)].join('\n') + '\n';
}
