/**
 * Options of `npm run bench:ingest` (bench/ingest-tsdb.ts), read from the environment: the scale (`DWCP_BENCH_SCALE`,
 * `DWCP_BENCH_SERIES`), the query-only run (`DWCP_BENCH_ONLY`), the chunked backends measured
 * (`DWCP_BENCH_BACKENDS`) and PostgreSQL's URL (`DWCP_TEST_PG_URL`).
 */

/** Sizes of the full and the quick (`DWCP_BENCH_SCALE=quick`) run. */
export const SCALES = {
  full: {
    series: 10_000,
    prefillSteps: 1440,
    ingestSteps: 300,
    rowsIngestSteps: 30,
    rowsQuerySeries: 1000,
    bytesSteps: 900,
    queryReps: 10,
    coldReps: 5,
    monthSeries: 1000,
    monthSteps: 30 * 144,
  },
  quick: {
    series: 2000,
    prefillSteps: 240,
    ingestSteps: 60,
    rowsIngestSteps: 10,
    rowsQuerySeries: 200,
    bytesSteps: 240,
    queryReps: 3,
    coldReps: 2,
    monthSeries: 100,
    monthSteps: 30 * 24,
  },
};
/** The scale of this run (`DWCP_BENCH_SERIES` overrides its series). */
export const P = {
  ...SCALES[process.env.DWCP_BENCH_SCALE === 'quick' ? 'quick' : 'full'],
  ...(process.env.DWCP_BENCH_SERIES ? { series: Number(process.env.DWCP_BENCH_SERIES) } : {}),
};
export const ONLY_QUERY = process.env.DWCP_BENCH_ONLY === 'query';
export const BACKENDS = (process.env.DWCP_BENCH_BACKENDS ?? 'sqlite,pg').split(',');
/** Whether a chunked backend is among `DWCP_BENCH_BACKENDS`. */
export const measured = (id: 'chunks-sqlite' | 'chunks-pg'): boolean =>
  BACKENDS.includes(id === 'chunks-sqlite' ? 'sqlite' : 'pg');
export const PG_URL = process.env.DWCP_TEST_PG_URL ?? 'postgres://dwcp:dwcp@127.0.0.1:5432/dwcp_test';
