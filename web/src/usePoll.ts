import { useEffect, useState } from 'react';

/** Result of {@link usePoll}: the latest data (kept while a later poll fails) and the latest error. */
export interface PollState<T> {
  readonly data: T | undefined;
  readonly error: string | null;
}

/**
 * Calls `load` now and every `intervalMs` while mounted (only once when `intervalMs` is null; again when `deps` change). Overlapping calls are
 * skipped: a slow API never gets more than one request from this hook at a time.
 */
export function usePoll<T>(
  load: () => Promise<T>,
  intervalMs: number | null,
  deps: readonly unknown[],
): PollState<T> {
  const [state, setState] = useState<PollState<T>>({ data: undefined, error: null });
  useEffect(() => {
    let cancelled = false;
    let busy = false;
    const tick = async (): Promise<void> => {
      if (busy) return;
      busy = true;
      try {
        const data = await load();
        if (!cancelled) setState({ data, error: null });
      } catch (err) {
        if (!cancelled)
          setState((s) => ({ data: s.data, error: err instanceof Error ? err.message : String(err) }));
      } finally {
        busy = false;
      }
    };
    void tick();
    const timer = intervalMs === null ? undefined : setInterval(() => void tick(), intervalMs);
    return () => {
      cancelled = true;
      clearInterval(timer);
    };
  }, [intervalMs, ...deps]);
  return state;
}
