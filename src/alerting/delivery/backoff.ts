/**
 * Retry delays: exponential backoff with full jitter. Pure (the random source comes in).
 * @see https://aws.amazon.com/blogs/architecture/exponential-backoff-and-jitter/
 */

/**
 * Full-jitter backoff delay before retry number `attempt` (0-based):
 * random() × min(maxMs, initialMs × 2^attempt).
 * @returns ms in [0, min(maxMs, initialMs × 2^attempt))
 */
export function backoffDelayMs(
  attempt: number,
  initialMs: number,
  maxMs: number,
  random: () => number,
): number {
  const cap = Math.min(maxMs, initialMs * 2 ** Math.min(attempt, 52));
  return random() * cap;
}
