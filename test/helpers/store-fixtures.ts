/** Fixtures and types shared by the store contract suite (./store-contract.ts) and the backend-specific store tests. */
import type { Anomaly } from '../../src/model/anomaly.ts';
import type { Sample } from '../../src/model/sample.ts';
import type {
  AnomalyStore,
  DetectorStateRow,
  DetectorStateStore,
  SampleStore,
} from '../../src/store/types.ts';

export const HOUR = 3_600_000;
export const T0 = 1_700_000_000_000;

/** The three stores of one backend instance; `samples.close()` closes the instance. */
export interface StoreUnderTest {
  readonly samples: SampleStore;
  readonly anomalies: AnomalyStore;
  readonly states: DetectorStateStore;
}

/** Opens a fresh, empty instance with a sample retention of one hour (closed by the suite). */
export type ContractOpener = (o?: { allowNonFinite?: boolean }) => Promise<StoreUnderTest>;

export const sample = (name: string, labels: Record<string, string>, value: number, ts: number): Sample => ({
  name,
  labels,
  value,
  timestampMs: ts,
});

export function anomaly(over: Partial<Omit<Anomaly, 'id'>> = {}): Omit<Anomaly, 'id'> {
  return {
    seriesKey: 'dwcp_x{node="n1"}',
    metric: 'dwcp_x',
    labels: { node: 'n1' },
    component: 'amst',
    kind: 'bandwidth',
    startedAtMs: T0,
    detectedAtMs: T0 + 5,
    resolvedAtMs: null,
    observed: 1.5,
    expected: 10,
    lower: 8,
    upper: 12,
    deviation: -4.25,
    confidence: 0.9,
    severity: 'high',
    detector: 'statistical',
    acknowledged: false,
    score: 0.97,
    votes: [],
    ...over,
  };
}

export const stateRow = (
  seriesKey: string,
  state: unknown,
  updatedAtMs = T0,
  over: Partial<DetectorStateRow> = {},
): DetectorStateRow => ({
  seriesKey,
  detector: 'ensemble',
  version: 1,
  state,
  updatedAtMs,
  ...over,
});
