/** Fixtures and types shared by the store contract suite (./store-contract.ts) and the backend-specific store tests. */
import { after, before, it } from 'node:test';
import type { Anomaly } from '../../src/model/anomaly.ts';
import type { Sample } from '../../src/model/sample.ts';
import type { AnomalyStore, DetectorStateRow, DetectorStateStore, SampleStore } from '../../src/store/types.ts';

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

/** Registers one test of the suite (skipped with the backend's reason when it has one). */
export type ContractTest = (name: string, fn: () => Promise<void>) => void;

export const sample = (name: string, labels: Record<string, string>, value: number, ts: number): Sample => ({ name, labels, value, timestampMs: ts });

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

export const stateRow = (seriesKey: string, state: unknown, updatedAtMs = T0, over: Partial<DetectorStateRow> = {}): DetectorStateRow => ({
  seriesKey,
  detector: 'ensemble',
  version: 1,
  state,
  updatedAtMs,
  ...over,
});

/** What a backend gives a store suite: an opener, or a reason to skip (an unreachable server outside CI). */
export interface SuiteBackend<O, S> {
  readonly open: (o: O) => Promise<S>;
  readonly skip?: string;
  readonly cleanup?: () => void | Promise<void>;
}

/** The pieces a store suite registers its tests with (see {@link backendHarness}). */
export interface BackendHarness<O, S, B> {
  /** Opens a store through the backend and remembers it for closing. */
  readonly open: (o: O) => Promise<S>;
  /** Registers a test, skipped with the backend's reason when it has one. */
  readonly test: ContractTest;
  /** The backend `setup` returned (inside tests only). */
  readonly backend: () => B;
}

/**
 * Call inside a `describe`: runs `setup` once in `before`; in `after` closes every store opened through the
 * harness with `close` (closing is idempotent), then runs the backend's `cleanup`.
 */
export function backendHarness<O, S, B extends SuiteBackend<O, S>>(setup: () => Promise<B>, close: (s: S) => Promise<void>): BackendHarness<O, S, B> {
  let b: B | undefined;
  const opened: S[] = [];
  before(async () => {
    b = await setup();
  });
  after(async () => {
    for (const st of opened) await close(st);
    await b?.cleanup?.();
  });
  const backend = (): B => {
    if (b === undefined) throw new Error('the store backend is set up in before()');
    return b;
  };
  return {
    open: async (o) => {
      const st = await backend().open(o);
      opened.push(st);
      return st;
    },
    test: (name, fn) =>
      it(name, async (t) => {
        if (b?.skip !== undefined) return t.skip(b.skip);
        await fn();
      }),
    backend,
  };
}
