/**
 * Rate limiting of repeated warning log lines: at most one line per key per interval, and the line says how
 * many occurrences were held back since the previous one. Pure (the caller passes the time), bounded.
 * @see Google SRE book, "Monitoring Distributed Systems" (alerting on symptoms without flooding)
 */

/** Default interval between two warnings of one key, ms. */
export const DEFAULT_WARN_INTERVAL_MS = 60_000;

/** Decides which occurrences of a repeated warning are logged. */
export class WarnGate {
  private readonly last = new Map<string, { atMs: number; held: number }>();

  /**
   * @param intervalMs minimum time between two logged warnings of one key (ms, ≥ 0)
   * @param maxKeys keys remembered at most; beyond it the least recently logged key is forgotten
   */
  constructor(
    private readonly intervalMs = DEFAULT_WARN_INTERVAL_MS,
    private readonly maxKeys = 1000,
  ) {}

  /**
   * Records one occurrence of `key` at `nowMs`.
   * @returns the number of occurrences held back since the last logged one when this one should be logged,
   *   or undefined when it should be held back
   */
  pass(key: string, nowMs: number): number | undefined {
    const s = this.last.get(key);
    if (s !== undefined && nowMs - s.atMs < this.intervalMs) {
      s.held++;
      return undefined;
    }
    const held = s?.held ?? 0;
    this.last.delete(key);
    if (this.last.size >= this.maxKeys) this.last.delete(this.last.keys().next().value!);
    this.last.set(key, { atMs: nowMs, held: 0 });
    return held;
  }

  /** Keys currently remembered (at most `maxKeys`). */
  get size(): number {
    return this.last.size;
  }
}
