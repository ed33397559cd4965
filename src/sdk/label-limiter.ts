/**
 * Bounded distinct label values (OpenTelemetry metrics SDK cardinality-limit style): the first `limit`
 * distinct values pass through, every later new value maps to `"overflow"`, and a warning is emitted once.
 */
import { InvalidInputError } from '../errors.ts';

/** The value new label values fold into once the limit is reached. */
export const OVERFLOW_LABEL_VALUE = 'overflow';

/** Default number of distinct `stream_id` values kept per process (catalog decision on dwcp_amst_bytes_*). */
export const DEFAULT_STREAM_ID_LIMIT = 64;

export interface LabelLimiterOptions {
  /** Label name, used in the warning text. */
  readonly label: string;
  /** Maximum distinct values passed through (>= 1); default 64. */
  readonly limit?: number;
  /** Called once, the first time a value overflows; default `console.warn`. */
  readonly warn?: (message: string) => void;
}

/** Maps label values to themselves while fewer than `limit` distinct values were seen, else to "overflow". */
export class LabelLimiter {
  readonly label: string;
  readonly limit: number;
  private readonly seen = new Set<string>();
  private readonly warn: (message: string) => void;
  private warned = false;
  private overflowCount = 0;

  /** @throws InvalidInputError when `limit` is not an integer >= 1. */
  constructor(options: LabelLimiterOptions) {
    const limit = options.limit ?? DEFAULT_STREAM_ID_LIMIT;
    if (!Number.isInteger(limit) || limit < 1) {
      throw new InvalidInputError(`label limit for ${options.label} must be an integer >= 1, got ${limit}`);
    }
    this.label = options.label;
    this.limit = limit;
    this.warn = options.warn ?? ((m) => console.warn(m));
  }

  /** The label value to export for `value`: `value` itself when admitted, `"overflow"` otherwise. */
  map(value: string): string {
    if (this.seen.has(value)) return value;
    if (this.seen.size < this.limit) {
      this.seen.add(value);
      return value;
    }
    this.overflowCount++;
    if (!this.warned) {
      this.warned = true;
      this.warn(
        `label ${this.label}: more than ${this.limit} distinct values; further values are exported as "${OVERFLOW_LABEL_VALUE}"`,
      );
    }
    return OVERFLOW_LABEL_VALUE;
  }

  /** Distinct values admitted so far (never more than `limit`). */
  get size(): number {
    return this.seen.size;
  }

  /** How many calls mapped to "overflow". */
  get overflowed(): number {
    return this.overflowCount;
  }
}
