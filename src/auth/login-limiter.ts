/**
 * Failed logins per client address, so that guessing passwords is slow: after `maxFailures` failures within
 * `windowMs` an address is refused until its oldest counted failure leaves the window. The map is bounded: at
 * `maxAddresses` the address seen longest ago is forgotten first (an attacker with that many addresses is
 * beyond what a per-address limit can stop).
 *
 * @see https://cheatsheetseries.owasp.org/cheatsheets/Authentication_Cheat_Sheet.html#login-throttling
 */
import { InvalidInputError } from '../errors.ts';

/** Bounds of {@link LoginLimiter}. */
export interface LoginLimiterOptions {
  /** Failures allowed per address within the window (default 10). */
  readonly maxFailures?: number;
  /** Window of counted failures, ms (default 15 min). */
  readonly windowMs?: number;
  /** Addresses tracked at most (default 10 000). */
  readonly maxAddresses?: number;
}

/** Per-address login failure counter (module comment). */
export class LoginLimiter {
  readonly maxFailures: number;
  readonly windowMs: number;
  readonly maxAddresses: number;
  /** Address → failure times (ms, oldest first); Map order is the order addresses were last touched. */
  private readonly failures = new Map<string, number[]>();

  /** @throws InvalidInputError when a bound is not a positive integer */
  constructor(opts: LoginLimiterOptions = {}) {
    this.maxFailures = opts.maxFailures ?? 10;
    this.windowMs = opts.windowMs ?? 15 * 60_000;
    this.maxAddresses = opts.maxAddresses ?? 10_000;
    for (const [k, v] of [
      ['maxFailures', this.maxFailures],
      ['windowMs', this.windowMs],
      ['maxAddresses', this.maxAddresses],
    ] as const) {
      if (!Number.isSafeInteger(v) || v < 1)
        throw new InvalidInputError(`${k} must be a positive integer, got ${v}`);
    }
  }

  /** Addresses tracked now. */
  get size(): number {
    return this.failures.size;
  }

  /** Seconds until `address` may try again, or 0 when it may now. */
  retryAfterSeconds(address: string, nowMs: number): number {
    const times = this.recent(address, nowMs);
    if (times.length < this.maxFailures) return 0;
    return Math.max(1, Math.ceil((times[times.length - this.maxFailures]! + this.windowMs - nowMs) / 1000));
  }

  /** Counts a failure of `address`. */
  fail(address: string, nowMs: number): void {
    const times = this.recent(address, nowMs);
    times.push(nowMs);
    if (times.length > this.maxFailures) times.splice(0, times.length - this.maxFailures);
    this.failures.delete(address);
    this.failures.set(address, times);
    while (this.failures.size > this.maxAddresses) this.failures.delete(this.failures.keys().next().value!);
  }

  /** Forgets the failures of `address` (after a successful login). */
  succeed(address: string): void {
    this.failures.delete(address);
  }

  private recent(address: string, nowMs: number): number[] {
    const times = (this.failures.get(address) ?? []).filter((t) => t > nowMs - this.windowMs);
    if (times.length === 0) this.failures.delete(address);
    return times;
  }
}
