/**
 * The one error a PromQL query raises, with Prometheus' `errorType` and the HTTP status Prometheus answers it with.
 * @see https://prometheus.io/docs/prometheus/latest/querying/api/#format-overview
 */

/** Prometheus' error types used here: bad input (400), a failed evaluation (422), a timeout (503). */
export type PromErrorType = 'bad_data' | 'execution' | 'timeout';

/** HTTP status of each {@link PromErrorType}, as Prometheus' API answers. */
export const PROM_ERROR_STATUS: Readonly<Record<PromErrorType, number>> = {
  bad_data: 400,
  execution: 422,
  timeout: 503,
};

/** A refused or failed PromQL query. */
export class PromQueryError extends Error {
  readonly errorType: PromErrorType;
  constructor(errorType: PromErrorType, message: string) {
    super(message);
    this.name = 'PromQueryError';
    this.errorType = errorType;
  }
}

/** A construct outside the subset: `bad_data` "not supported by this monitor: <construct>". */
export function unsupported(construct: string): PromQueryError {
  return new PromQueryError('bad_data', `not supported by this monitor: ${construct}`);
}
