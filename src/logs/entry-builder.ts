/**
 * Per-entry validation shared by the OTLP and Loki decoders: timestamp range, line size, invalid UTF-8, the
 * request's entry cap; valid entries become {@link LogRecord}s (not yet masked), invalid ones are counted by
 * reason with the first few messages kept for the response.
 */
import { isUtf8 } from 'node:buffer';
import type { LogEntryRejectReason, LogLimits } from './limits.ts';
import type { LogLevel, LogRecord } from './record.ts';

/** Entries of one request that passed validation, and what was rejected. */
export interface DecodedEntries {
  readonly records: LogRecord[];
  readonly rejected: ReadonlyMap<LogEntryRejectReason, number>;
  readonly rejectedCount: number;
  /** The first few rejection messages, for the response. */
  readonly messages: readonly string[];
}

/** The fields of one entry before validation. */
export interface EntryFields {
  /** Unix µs, NaN when it did not parse. */
  readonly timeUs: number;
  readonly level: LogLevel;
  readonly service: string;
  readonly nodeId: string;
  readonly region: string;
  readonly component: string;
  readonly traceId: string;
  readonly spanId: string;
  readonly body: string;
  readonly attributes: Record<string, string>;
}

const MAX_MESSAGES = 5;
const REPLACEMENT = '\uFFFD';
const HEX32 = /^[0-9a-f]{32}$/;
const HEX16 = /^[0-9a-f]{16}$/;

/**
 * Collects the entries of one request.
 * `utf8Source`: the decoded body bytes, used to tell a U+FFFD written by the sender (its UTF-8 bytes are in the
 * body) from one the decoder put in place of invalid bytes; `undefined` when the body is known to be valid UTF-8.
 */
export class EntryCollector {
  readonly records: LogRecord[] = [];
  readonly rejected = new Map<LogEntryRejectReason, number>();
  rejectedCount = 0;
  readonly messages: string[] = [];
  private readonly minUs: number;
  private readonly maxUs: number;
  private readonly limits: LogLimits;
  private readonly utf8Source: Buffer | undefined;
  /** The attributes object of the last entry added, and the copy kept of it (shared by the entries passing it). */
  private lastSource: Readonly<Record<string, string>> | undefined;
  private lastAttributes: Record<string, string> = {};

  constructor(limits: LogLimits, nowMs: number, utf8Source: Buffer | undefined) {
    this.limits = limits;
    this.minUs = (nowMs - limits.maxAgeMs) * 1000;
    this.maxUs = (nowMs + limits.maxFutureMs) * 1000;
    this.utf8Source = utf8Source;
  }

  /**
   * Counts a rejected entry. `what` names it in messages, followed by ` entry <index>` when an index is given
   * (built only for the first few messages, so valid entries never build their name).
   */
  reject(reason: LogEntryRejectReason, what: string, n = 1, index?: number): void {
    this.rejected.set(reason, (this.rejected.get(reason) ?? 0) + n);
    this.rejectedCount += n;
    if (this.messages.length < MAX_MESSAGES)
      this.messages.push(
        `${index === undefined ? what : `${what} entry ${index}`}: ${reason.replace(/_/g, ' ')}`,
      );
  }

  /** A string attribute value cut to the limit. */
  text(v: string): string {
    return v.length > this.limits.maxValueLength ? v.slice(0, this.limits.maxValueLength) : v;
  }

  /**
   * Validates one entry and keeps it, or counts why not. `what` names it in messages (e.g. `stream 2 entry 5`:
   * `what` = `stream 2` and `index` = 5, or the whole name in `what`).
   */
  add(f: EntryFields, what: string, index?: number): void {
    if (this.records.length >= this.limits.maxEntriesPerRequest)
      return this.reject('too_many_entries', what, 1, index);
    if (!Number.isFinite(f.timeUs) || f.timeUs <= 0) return this.reject('invalid_timestamp', what, 1, index);
    if (f.timeUs > this.maxUs) return this.reject('future_timestamp', what, 1, index);
    if (f.timeUs < this.minUs) return this.reject('too_old', what, 1, index);
    // UTF-8 takes 1 to 3 bytes per UTF-16 unit: the byte count is only needed between the two bounds
    const max = this.limits.maxLineBytes;
    if (f.body.length > max || (f.body.length * 3 > max && Buffer.byteLength(f.body, 'utf8') > max))
      return this.reject('entry_too_large', what, 1, index);
    if (this.hasInvalidUtf8(f.body)) return this.reject('invalid_utf8', what, 1, index);
    // entries of one stream without metadata of their own pass the stream's attributes object: one copy for all
    if (f.attributes !== this.lastSource) {
      this.lastSource = f.attributes;
      this.lastAttributes = this.attributesOf(f.attributes);
    }
    const attributes = this.lastAttributes;
    this.records.push({
      timeUs: Math.floor(f.timeUs),
      level: f.level,
      service: this.text(f.service),
      nodeId: this.text(f.nodeId),
      region: this.text(f.region),
      component: this.text(f.component),
      traceId: HEX32.test(f.traceId) && !/^0+$/.test(f.traceId) ? f.traceId : '',
      spanId: HEX16.test(f.spanId) && !/^0+$/.test(f.spanId) ? f.spanId : '',
      body: f.body,
      attributes,
    });
  }

  /** The collected result. */
  result(): DecodedEntries {
    return {
      records: this.records,
      rejected: this.rejected,
      rejectedCount: this.rejectedCount,
      messages: this.messages,
    };
  }

  /** The attributes kept of an entry: at most `maxAttributes`, values cut to `maxValueLength`. */
  private attributesOf(source: Readonly<Record<string, string>>): Record<string, string> {
    const attributes: Record<string, string> = {};
    let n = 0;
    for (const k in source) {
      if (!Object.hasOwn(source, k)) continue;
      if (n++ >= this.limits.maxAttributes) break;
      attributes[k] = this.text(source[k]!);
    }
    return attributes;
  }

  private hasInvalidUtf8(s: string): boolean {
    if (this.utf8Source === undefined || !s.includes(REPLACEMENT)) return false;
    return !this.utf8Source.includes(Buffer.from(s, 'utf8'));
  }
}

/** The bytes of `body` when they are not valid UTF-8 (so decoded strings may hold replacements), else undefined. */
export function invalidUtf8Source(body: Buffer): Buffer | undefined {
  return isUtf8(body) ? undefined : body;
}
