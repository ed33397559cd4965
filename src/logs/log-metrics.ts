/**
 * Log-derived metrics: the error-log count per node, `dwcp_log_error_entries_total{node_id, level}` (levels error
 * and fatal), counted from the entries the log store accepted. {@link LogErrorCounts.samples} gives every known
 * node's counters (0 until its first error, so a node's series exists before its errors start) as samples the
 * monitor's pipeline ingests like pushed samples: the series tracker turns the counter into a per-second rate
 * and the detector judges it as an error rate (rises are bad).
 *
 * Bounded: at most `maxNodes` nodes are tracked; entries of further nodes are counted in
 * {@link LogErrorCounts.overflow} and make no series.
 * @see https://prometheus.io/docs/practices/naming/ (counter `_total`)
 */
import { getMetric } from '../catalog/index.ts';
import { InvalidInputError } from '../errors.ts';
import type { Sample } from '../model/sample.ts';
import type { LogLevel, LogRecord } from './record.ts';

/** The levels counted. */
export const ERROR_LEVELS = ['error', 'fatal'] as const satisfies readonly LogLevel[];

const METRIC = getMetric('dwcp_log_error_entries_total').name;

/** Error and fatal entry counts per node of the stored logs. */
export class LogErrorCounts {
  private readonly byNode = new Map<string, { error: number; fatal: number }>();
  private readonly maxNodes: number;
  private overflowed = 0;

  /** @throws InvalidInputError when `maxNodes` is not a positive integer */
  constructor(opts: { readonly maxNodes?: number } = {}) {
    this.maxNodes = opts.maxNodes ?? 10_000;
    if (!(Number.isSafeInteger(this.maxNodes) && this.maxNodes > 0))
      throw new InvalidInputError(`maxNodes must be a positive integer, got ${this.maxNodes}`);
  }

  /** Nodes tracked. */
  get nodes(): number {
    return this.byNode.size;
  }

  /** Entries of nodes beyond `maxNodes` (not counted in any series). */
  get overflow(): number {
    return this.overflowed;
  }

  /** Counts stored entries: every node seen gets its counters; error and fatal entries increment them. */
  observe(records: readonly LogRecord[]): void {
    for (const r of records) {
      let c = this.byNode.get(r.nodeId);
      if (c === undefined) {
        if (this.byNode.size >= this.maxNodes) {
          this.overflowed++;
          continue;
        }
        this.byNode.set(r.nodeId, (c = { error: 0, fatal: 0 }));
      }
      if (r.level === 'error') c.error++;
      else if (r.level === 'fatal') c.fatal++;
    }
  }

  /** The counters of every tracked node at `nowMs` (Unix ms): two samples per node. */
  samples(nowMs: number): Sample[] {
    const out: Sample[] = [];
    for (const [nodeId, c] of this.byNode)
      for (const level of ERROR_LEVELS)
        out.push({ name: METRIC, labels: { node_id: nodeId, level }, value: c[level], timestampMs: nowMs });
    return out;
  }
}
