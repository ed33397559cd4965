/**
 * PromQL durations (`5m`, `1h30m`, `250ms`, `2d`) through the product's one duration grammar
 * (src/model/duration.ts), with PromQL's errors.
 * @see https://prometheus.io/docs/prometheus/latest/querying/basics/#float-literals-and-time-durations
 */
import { parseDuration } from '../../model/duration.ts';
import { PromQueryError } from './errors.ts';

/**
 * A PromQL range duration in ms.
 * @throws PromQueryError `bad_data` when `text` is not a duration or is 0
 */
export function parsePromDuration(text: string): number {
  let ms: number;
  try {
    ms = parseDuration(text);
  } catch (e) {
    throw new PromQueryError('bad_data', (e as Error).message);
  }
  if (ms <= 0) throw new PromQueryError('bad_data', `range must be greater than 0: ${JSON.stringify(text)}`);
  return ms;
}
