/** A demo report's input for one idle node over a minute from T0: nothing stored, sent or received. */
import type { DemoReportInput } from '../../src/demo/report.ts';
import { T0 } from './store-fixtures.ts';

/** The empty input, with `overrides` applied (anomalies, labels, coverage, ...). */
export function demoReportInput(overrides: Partial<DemoReportInput> = {}): DemoReportInput {
  return {
    startMs: T0,
    endMs: T0 + 60_000,
    ui: 'http://127.0.0.1:1',
    cluster: { nodes: 1, regions: ['us-east'], rolloutPercent: 0, seed: 1 },
    targets: [],
    series: 0,
    samplesIngested: 0,
    samplesRejected: {},
    anomalies: [],
    labels: [],
    alerts: {
      notificationsDelivered: 0,
      firingDelivered: 0,
      resolvedDelivered: 0,
      duplicatesDelivered: 0,
      queueLeft: 0,
    },
    incidents: [],
    received: [],
    hostTargets: new Set(),
    ...overrides,
  };
}
