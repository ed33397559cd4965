import { useEffect, useState } from 'react';
import { exemplarSeriesOf, fetchExemplars, type ExemplarPoint } from './exemplars.ts';

/**
 * The exemplars of `metric`'s duration family in [startMs, endMs], read again whenever the window moves (a
 * dashboard's live update): undefined for a metric that is not a duration family, for a caller who may not read
 * exemplars, or while the first answer is pending; a failed read keeps the last points.
 */
export function useExemplars(
  metric: string | null,
  startMs: number,
  endMs: number,
): readonly ExemplarPoint[] | undefined {
  const [points, setPoints] = useState<readonly ExemplarPoint[] | undefined>(undefined);
  const wanted = metric !== null && exemplarSeriesOf(metric) !== null;
  useEffect(() => {
    if (!wanted || metric === null) {
      setPoints(undefined);
      return;
    }
    let cancelled = false;
    fetchExemplars(metric, startMs, endMs).then(
      (p) => {
        if (!cancelled) setPoints(p ?? undefined);
      },
      () => undefined,
    );
    return () => {
      cancelled = true;
    };
  }, [wanted, metric, startMs, endMs]);
  return points;
}
