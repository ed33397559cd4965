/** The demo's printed summary: delays in seconds with two decimals each, percentages, n/a when there is nothing. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { buildDemoReport, type DemoReport } from '../../../src/demo/report.ts';
import { demoSummaryText } from '../../../src/demo/summary-text.ts';
import { demoReportInput } from '../../helpers/demo-report-input.ts';

const emptyReport = (): DemoReport => buildDemoReport(demoReportInput());

test('delays print with two decimals and their unit, whatever precision the report keeps', () => {
  const r = emptyReport();
  const report: DemoReport = {
    ...r,
    evaluation: {
      ...r.evaluation,
      precision: 1,
      recall: 0.875,
      detectionDelaySeconds: { ...r.evaluation.detectionDelaySeconds, p50: 1.9, p95: 4.861 },
    },
    incidents: {
      ...r.incidents,
      notificationDelaySeconds: { ...r.incidents.notificationDelaySeconds, p50: 5, p95: 8.0125 },
    },
  };
  const text = demoSummaryText(report, '/tmp/r.json');
  assert.match(text, /Precision 100\.0 %, recall 87\.5 %, detection delay p50 1\.90 s, p95 4\.86 s\n/);
  assert.match(text, /fault-to-notification p50 5\.00 s, p95 8\.01 s\n/);
  assert.match(text, /Report written to \/tmp\/r\.json\n$/);
});

test('without detections the delays and ratios say n/a, and no report line without a path', () => {
  const text = demoSummaryText(emptyReport());
  assert.match(text, /detection delay p50 n\/a, p95 n\/a\n/);
  assert.match(text, /fault-to-notification p50 n\/a, p95 n\/a\n/);
  assert.doesNotMatch(text, /Report written/);
});
