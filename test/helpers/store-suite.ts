/**
 * The scaffolding every store suite shares (the sample/anomaly store contract, the SQL-only suite, and the auth,
 * dashboard, trace and log store contracts; each runs on SQLite and PostgreSQL): a backend that opens fresh
 * stores or gives a reason to skip, stores closed after the suite, tests skipped with that reason.
 */
import { after, before, it } from 'node:test';

/** Registers one test of the suite (skipped with the backend's reason when it has one). */
export type ContractTest = (name: string, fn: () => Promise<void>) => void;

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
export function backendHarness<O, S, B extends SuiteBackend<O, S>>(
  setup: () => Promise<B>,
  close: (s: S) => Promise<void>,
): BackendHarness<O, S, B> {
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
