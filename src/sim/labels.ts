/** Ground-truth labels of injected faults, one JSON line each (FaultLabel of src/model/anomaly.ts). */
import { appendFileSync, writeFileSync } from 'node:fs';
import type { FaultLabel } from '../model/anomaly.ts';
import { ConfigError } from '../errors.ts';
import type { ScheduledFault } from './faults.ts';
import { movedMetrics, selectorFor } from './faults.ts';

/**
 * The label of a fault injected on node `nodeId` in `region`, for a simulation that started at
 * `simStartMs` (Unix ms): absolute start/end (end exclusive), selector, and every metric the fault moves.
 */
export function faultLabel(
  fault: ScheduledFault,
  nodeId: string,
  region: string,
  simStartMs: number,
): FaultLabel {
  return {
    kind: fault.kind,
    node: nodeId,
    region,
    selector: selectorFor(fault.kind, nodeId),
    metrics: [...movedMetrics(fault.kind)],
    startMs: simStartMs + fault.startMs,
    endMs: simStartMs + fault.startMs + fault.durationMs,
  };
}

/** Writes labels as JSON lines; the file is truncated when the writer is created. Holds no buffer. */
export class LabelWriter {
  readonly path: string;
  private count = 0;

  /** @throws ConfigError when the file cannot be created. */
  constructor(path: string) {
    this.path = path;
    try {
      writeFileSync(path, '');
    } catch (e) {
      throw new ConfigError(`cannot write labels file ${path}: ${(e as Error).message}`, { cause: e });
    }
  }

  /** Appends one label line (synchronously, so a crash loses nothing already injected). */
  write(label: FaultLabel): void {
    appendFileSync(this.path, JSON.stringify(label) + '\n');
    this.count++;
  }

  /** Lines written so far. */
  get written(): number {
    return this.count;
  }
}
