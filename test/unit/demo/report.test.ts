/** The demo report's anomaly items: when each anomaly resolved and why (null while open, or when it came back). */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { buildDemoReport, type DemoReportInput } from '../../../src/demo/report.ts';
import { demoReportInput } from '../../helpers/demo-report-input.ts';
import { anomaly, T0 } from '../../helpers/store-fixtures.ts';

const input = (anomalies: DemoReportInput['anomalies']): DemoReportInput => demoReportInput({ anomalies });

test('report items carry resolvedAt and resolution: open, back inside the band, resolved with a reason', () => {
  const report = buildDemoReport(
    input([
      { ...anomaly(), id: 1 },
      { ...anomaly({ resolvedAtMs: T0 + 30_000 }), id: 2 },
      { ...anomaly({ resolvedAtMs: T0 + 45_000, resolution: 'new level accepted' }), id: 3 },
    ]),
  );
  const picked = report.anomalies.items.map(({ id, resolvedAt, resolution }) => ({
    id,
    resolvedAt,
    resolution,
  }));
  assert.deepEqual(picked, [
    { id: 1, resolvedAt: null, resolution: null },
    { id: 2, resolvedAt: new Date(T0 + 30_000).toISOString(), resolution: null },
    { id: 3, resolvedAt: new Date(T0 + 45_000).toISOString(), resolution: 'new level accepted' },
  ]);
  // The item shape, as written to the report JSON.
  assert.deepEqual(Object.keys(report.anomalies.items[0]!), [
    'id',
    'metric',
    'node',
    'region',
    'severity',
    'confidence',
    'observed',
    'expected',
    'startedAt',
    'detectedAt',
    'resolvedAt',
    'resolution',
    'matchedFault',
  ]);
});
