/**
 * The monitor's own logs in its own log store: a pino destination stream ({@link SelfLogSink.write} takes each
 * JSON line pino writes) that turns lines into {@link LogRecord}s (service `dwcp-monitor`, node_id = the host
 * name pino writes, `component` field, level from pino's number, `trace_id`/`span_id` from the active span) and
 * keeps them in a bounded queue; {@link SelfLogSink.flush} masks and stores what is queued in one batch.
 *
 * Bounds and recursion: the queue holds at most `maxQueued` records; lines beyond it are dropped and counted.
 * The sink itself never logs: a failed store is counted (`store_error`, the batch dropped), so a log store that
 * fails and logs its failure cannot feed itself through this sink; a line written while a flush is storing joins
 * the next flush, never the running one.
 * @see https://getpino.io/#/docs/api?id=pinomultistreamstreamsarray-opts-gt-multistreamres
 */
import { hostname } from 'node:os';
import { trace } from '@opentelemetry/api';
import { Counter, type Registry } from 'prom-client';
import { pino, type Logger, type LoggerOptions } from 'pino';
import { getMetric } from '../catalog/index.ts';
import { InvalidInputError } from '../errors.ts';
import { levelOfPino, type LogRecord } from './record.ts';

/** The `service` label of the monitor's own entries. */
export const MONITOR_SERVICE = 'dwcp-monitor';

/** Why a line of the monitor's own log was not stored. */
export type SelfLogDropReason = 'queue_full' | 'malformed' | 'store_error' | 'stream_limit';

/** Options of {@link SelfLogSink}. */
export interface SelfLogOptions {
  /** Records queued at most between flushes (default 10 000). */
  readonly maxQueued?: number;
  /** Longest line and attribute value kept, characters (longer ones are cut; default 4096). */
  readonly maxValueLength?: number;
}

/** Where flushed records go, and how they are masked first. */
export interface SelfLogTarget {
  insertLogs(records: readonly LogRecord[]): Promise<number>;
  /** Masks PII in a record (the receivers' masking). */
  mask(r: LogRecord): LogRecord;
}

/** Fields of a pino line that become labels or ids rather than attributes. */
const RESERVED = new Set([
  'level',
  'time',
  'msg',
  'service',
  'hostname',
  'component',
  'region',
  'trace_id',
  'span_id',
]);
const HEX32 = /^[0-9a-f]{32}$/;
const HEX16 = /^[0-9a-f]{16}$/;

/** The monitor's own log lines, queued for its log store. */
export class SelfLogSink {
  private queue: LogRecord[] = [];
  private target: SelfLogTarget | undefined;
  private readonly maxQueued: number;
  private readonly maxValue: number;
  private readonly drops: Record<SelfLogDropReason, number> = {
    queue_full: 0,
    malformed: 0,
    store_error: 0,
    stream_limit: 0,
  };
  private counter: Counter | undefined;

  /** @throws InvalidInputError when `maxQueued` or `maxValueLength` is not a positive integer */
  constructor(opts: SelfLogOptions = {}) {
    this.maxQueued = opts.maxQueued ?? 10_000;
    this.maxValue = opts.maxValueLength ?? 4096;
    for (const [k, v] of [
      ['maxQueued', this.maxQueued],
      ['maxValueLength', this.maxValue],
    ] as const)
      if (!(Number.isSafeInteger(v) && v > 0))
        throw new InvalidInputError(`self log ${k} must be a positive integer, got ${v}`);
  }

  /** Records waiting for the next flush. */
  get queued(): number {
    return this.queue.length;
  }

  /** Lines not stored so far, by reason. */
  get dropped(): Readonly<Record<SelfLogDropReason, number>> {
    return { ...this.drops };
  }

  /**
   * Sets where {@link flush} stores (the log store once it is open; lines are queued before it is set) and the
   * registry of `dwcp_monitor_self_log_entries_dropped_total` (drops so far are added to it).
   */
  attach(target: SelfLogTarget, registry?: Registry): void {
    this.target = target;
    if (registry === undefined) return;
    const def = getMetric('dwcp_monitor_self_log_entries_dropped_total');
    const existing = registry.getSingleMetric(def.name);
    this.counter =
      existing instanceof Counter
        ? existing
        : new Counter({ name: def.name, help: def.help, labelNames: [...def.labels], registers: [registry] });
    for (const [reason, n] of Object.entries(this.drops)) if (n > 0) this.counter.inc({ reason }, n);
  }

  /** pino's destination interface: one JSON line (with or without its newline). Never throws. */
  write(line: string): void {
    const r = this.toRecord(line);
    if (r === undefined) return this.drop('malformed', 1);
    if (this.queue.length >= this.maxQueued) return this.drop('queue_full', 1);
    this.queue.push(r);
  }

  /**
   * Masks and stores the queued records in one batch (nothing when no target is attached).
   * @returns records stored; a store failure drops the batch and counts it (`store_error`), it does not throw;
   *   lines the store refused for its stream limit are counted (`stream_limit`)
   */
  async flush(): Promise<number> {
    const target = this.target;
    if (target === undefined || this.queue.length === 0) return 0;
    const batch = this.queue;
    this.queue = [];
    try {
      const stored = await target.insertLogs(batch.map((r) => target.mask(r)));
      // the store refuses lines of a new label set once it holds its maximum of streams
      if (stored < batch.length) this.drop('stream_limit', batch.length - stored);
      return stored;
    } catch {
      this.drop('store_error', batch.length);
      return 0;
    }
  }

  private drop(reason: SelfLogDropReason, n: number): void {
    this.drops[reason] += n;
    this.counter?.inc({ reason }, n);
  }

  private toRecord(line: string): LogRecord | undefined {
    let o: unknown;
    try {
      o = JSON.parse(line);
    } catch {
      return undefined;
    }
    if (typeof o !== 'object' || o === null || Array.isArray(o)) return undefined;
    const f = o as Record<string, unknown>;
    const level = typeof f['level'] === 'number' ? levelOfPino(f['level']) : undefined;
    const time = f['time'];
    if (level === undefined || typeof time !== 'number' || !Number.isFinite(time) || time <= 0)
      return undefined;
    const attributes: Record<string, string> = {};
    for (const [k, v] of Object.entries(f)) {
      if (RESERVED.has(k) || v === undefined) continue;
      attributes[k] = this.cut(typeof v === 'string' ? v : JSON.stringify(v));
    }
    const text = (k: string): string => (typeof f[k] === 'string' ? this.cut(f[k]) : '');
    const traceId = text('trace_id');
    const spanId = text('span_id');
    return {
      timeUs: Math.floor(time * 1000),
      level,
      service: text('service') || MONITOR_SERVICE,
      nodeId: text('hostname'),
      region: text('region'),
      component: text('component'),
      traceId: HEX32.test(traceId) ? traceId : '',
      spanId: HEX16.test(spanId) ? spanId : '',
      body: text('msg'),
      attributes,
    };
  }

  private cut(s: string): string {
    return s.length > this.maxValue ? s.slice(0, this.maxValue) : s;
  }
}

/** `{trace_id, span_id}` of the active OpenTelemetry span, or `{}` outside one (pino `mixin`). */
export function activeSpanFields(): { trace_id?: string; span_id?: string } {
  const ctx = trace.getActiveSpan()?.spanContext();
  return ctx !== undefined && trace.isSpanContextValid(ctx)
    ? { trace_id: ctx.traceId, span_id: ctx.spanId }
    : {};
}

/**
 * The monitor's pino logger: JSON lines to `out` (stdout by default) and, when `selfLog` is given, the same lines
 * to it; every line carries `service: dwcp-monitor`, the host name and the active span's ids.
 */
export function monitorLogger(
  opts: Pick<LoggerOptions, 'redact'> & {
    readonly level: string;
    readonly selfLog?: SelfLogSink;
    readonly out?: { write(s: string): unknown };
  },
): Logger {
  const base: LoggerOptions = {
    level: opts.level,
    base: { service: MONITOR_SERVICE, pid: process.pid, hostname: hostname() },
    mixin: activeSpanFields,
    ...(opts.redact !== undefined ? { redact: opts.redact } : {}),
  };
  const out = opts.out ?? process.stdout;
  if (opts.selfLog === undefined) return opts.out === undefined ? pino(base) : pino(base, out);
  const level = opts.level as pino.Level;
  return pino(
    base,
    pino.multistream([
      { level, stream: out },
      { level, stream: opts.selfLog },
    ]),
  );
}
