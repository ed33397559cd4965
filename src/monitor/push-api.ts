/**
 * The monitor's side of POST /api/metrics: validated JSON samples (src/contract/push.ts) into the pipeline as
 * the source `push_api` (its own share of the series budget; order, duplicates and the time window checked as
 * for scrapes), with what was stored and refused.
 */
import type { PushRequest, PushResult } from '../contract/push.ts';
import type { Sample } from '../model/sample.ts';
import type { MonitorPipeline } from './pipeline.ts';

/** The budget source (and `target` label of reject counts) of pushed JSON samples. */
export const PUSH_API_SOURCE = 'push_api';

/**
 * A handler for pushed samples: timestamps default to `clock()` (Unix ms) at arrival.
 * @returns received, stored and refused-by-reason counts
 * @throws StoreError when the store fails (nothing of the request is stored)
 */
export function pushHandler(
  pipeline: Pick<MonitorPipeline, 'ingestPushed'>,
  clock: () => number,
): (req: PushRequest) => Promise<PushResult> {
  return async (req) => {
    const now = clock();
    const samples: Sample[] = req.samples.map((s) => ({
      name: s.name,
      labels: { ...s.labels },
      value: s.value,
      timestampMs: s.timestamp ?? now,
    }));
    const step = await pipeline.ingestPushed(PUSH_API_SOURCE, samples);
    const rejected: Record<string, number> = {};
    for (const [r, n] of Object.entries(step.rejected)) if (n) rejected[r] = n;
    return { received: samples.length, stored: step.stored, rejected };
  };
}
