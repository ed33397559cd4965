/**
 * The warning log line that says the monitor is overloaded: scrapes skipped because the monitor could not serve
 * them in time (src/ingest/http-scrape.ts), rate-limited to one line per interval with what was skipped since the
 * last line, so a saturated monitor does not also flood its log.
 */
import type { MonitorLog } from './log.ts';

/** One line per minute at most. */
export const OVERLOAD_WARNING_INTERVAL_MS = 60_000;

/**
 * A callback for the scraper's `onOverload`: logs a warning at the first skipped scrape and then at most once per
 * `intervalMs`, with the number of scrapes skipped since the last line, the targets (up to 10) and the worst
 * lateness in ms. Memory: at most 10 target ids.
 */
export function overloadWarner(
  log: MonitorLog,
  clock: () => number,
  intervalMs = OVERLOAD_WARNING_INTERVAL_MS,
): (target: { readonly id: string }, lateMs: number) => void {
  let lastLogMs = Number.NEGATIVE_INFINITY;
  let skipped = 0;
  let worstLateMs = 0;
  const targets = new Set<string>();
  return (target, lateMs) => {
    skipped++;
    worstLateMs = Math.max(worstLateMs, lateMs);
    if (targets.size < 10) targets.add(target.id);
    const now = clock();
    if (now - lastLogMs < intervalMs) return;
    log.warn(
      { skipped, targets: [...targets], worstLateMs: Math.round(worstLateMs) },
      'monitor overloaded: scrapes skipped because the monitor could not serve them in time (not counted as target failures)',
    );
    lastLogMs = now;
    skipped = 0;
    worstLateMs = 0;
    targets.clear();
  };
}
