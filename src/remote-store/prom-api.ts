/**
 * A small client of the Prometheus HTTP query API as VictoriaMetrics (single-node, or vmselect under
 * `/select/<tenant>/prometheus`) serves it: instant queries, range queries, series and label values. Values
 * arrive as strings ("1.5", "+Inf", "NaN"), times as Unix seconds with millisecond decimals; both are turned into
 * numbers and Unix ms here. Answers are checked for the fields read (a malformed answer is a StoreError).
 * @see https://prometheus.io/docs/prometheus/latest/querying/api/
 * @see https://docs.victoriametrics.com/url-examples/
 */
import { StoreError } from '../errors.ts';
import type { Labels } from '../model/sample.ts';
import { redactAuthorization } from './redact.ts';

/** One series of a matrix result: its labels (with `__name__`) and points in time order. */
export interface MatrixSeries {
  readonly metric: Labels;
  readonly timestampsMs: number[];
  readonly values: number[];
}

/** Options of {@link PromApiClient}. */
export interface PromApiOptions {
  /** The API root: `http://host:8428` (single-node) or `http://vmselect:8481/select/0/prometheus` (cluster). */
  readonly baseUrl: string;
  /** Timeout of one request, ms. */
  readonly timeoutMs: number;
  /** The `Authorization` header value of each request (basic auth or a bearer token), asked before every request. */
  readonly authorization?: () => Promise<string | undefined>;
}

/** Unix ms as the API's seconds with millisecond decimals. */
export const apiTime = (ms: number): string => (ms / 1000).toFixed(3);

/** A PromQL string literal (double-quoted, escaped). */
export const promString = (v: string): string => JSON.stringify(v);

/** A PromQL series selector matching `name` and every label of `match` exactly. */
export function selector(name: string, match: Labels): string {
  return labelMatchers({ __name__: name, ...match });
}

/** A PromQL series selector matching every label of `match` exactly (`__name__` first, then by name). */
export function labelMatchers(match: Labels): string {
  const keys = Object.keys(match).sort((a, b) =>
    a === '__name__' ? -1 : b === '__name__' ? 1 : a < b ? -1 : a > b ? 1 : 0,
  );
  return `{${keys.map((k) => `${k}=${promString(match[k]!)}`).join(',')}}`;
}

const SPECIAL: Readonly<Record<string, number>> = {
  '+Inf': Infinity,
  Inf: Infinity,
  '-Inf': -Infinity,
  NaN: Number.NaN,
};

/** A sample value as the API writes it: a decimal, or `+Inf`, `-Inf`, `NaN` (Go's spelling, which `Number` does not read). */
export function parseSampleValue(v: unknown): number {
  if (typeof v !== 'string')
    throw new StoreError(`query API returned a non-string sample value ${JSON.stringify(v)}`);
  const special = SPECIAL[v];
  if (special !== undefined) return special;
  const n = Number(v);
  if (v.trim() === '' || Number.isNaN(n))
    throw new StoreError(
      `query API returned the sample value ${JSON.stringify(v.slice(0, 40))}, not a number`,
    );
  return n;
}

function isRecord(x: unknown): x is Record<string, unknown> {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}

function labelsOf(x: unknown): Labels {
  if (!isRecord(x)) throw new StoreError('query API returned a series without labels');
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(x)) if (typeof v === 'string') out[k] = v;
  return out;
}

/** Client of one Prometheus-compatible query API. */
export class PromApiClient {
  private readonly o: PromApiOptions;
  private readonly base: string;

  constructor(opts: PromApiOptions) {
    this.o = opts;
    this.base = opts.baseUrl.replace(/\/+$/, '');
  }

  /**
   * Raw samples of every series `sel` matches in [startMs, endMs]: an instant query of the range selector
   * `sel[end - start + 1ms]` at `endMs` (the window is left-open, so one more millisecond includes `startMs`).
   * @throws StoreError when the server is unreachable, answers an error or something malformed.
   */
  async rawSamples(sel: string, startMs: number, endMs: number): Promise<MatrixSeries[]> {
    const windowMs = Math.max(1, Math.floor(endMs) - Math.ceil(startMs) + 1);
    const data = await this.get('/api/v1/query', {
      query: `${sel}[${windowMs}ms]`,
      time: apiTime(Math.floor(endMs)),
    });
    return this.matrix(data);
  }

  /**
   * `query` evaluated at `startMs`, `startMs + stepMs`, ... up to `endMs` (/api/v1/query_range).
   * @throws StoreError as {@link rawSamples}.
   */
  async queryRange(query: string, startMs: number, endMs: number, stepMs: number): Promise<MatrixSeries[]> {
    const data = await this.get('/api/v1/query_range', {
      query,
      start: apiTime(startMs),
      end: apiTime(endMs),
      step: `${stepMs}ms`,
    });
    return this.matrix(data);
  }

  /**
   * The value of a scalar-valued `query` (one series or none) at `timeMs`; 0 when the result is empty.
   * @throws StoreError as {@link rawSamples}.
   */
  async instantValue(query: string, timeMs: number): Promise<number> {
    const data = await this.get('/api/v1/query', { query, time: apiTime(timeMs) });
    if (!isRecord(data) || data['resultType'] !== 'vector' || !Array.isArray(data['result']))
      throw new StoreError('query API returned no vector');
    const first: unknown = data['result'][0];
    if (first === undefined) return 0;
    if (!isRecord(first) || !Array.isArray(first['value']))
      throw new StoreError('query API returned a malformed vector');
    return parseSampleValue(first['value'][1]);
  }

  /**
   * Label sets of the series `sel` matches with samples in [startMs, endMs] (/api/v1/series).
   * @throws StoreError as {@link rawSamples}.
   */
  async series(sel: string, startMs: number, endMs: number): Promise<Labels[]> {
    const data = await this.get('/api/v1/series', {
      'match[]': sel,
      start: apiTime(startMs),
      end: apiTime(endMs),
    });
    if (!Array.isArray(data)) throw new StoreError('series API returned no list');
    return data.map(labelsOf);
  }

  /**
   * Values of label `name` over series with samples in [startMs, endMs] (/api/v1/label/<name>/values), of the
   * series `match` selects when given.
   * @throws StoreError as {@link rawSamples}.
   */
  async labelValues(name: string, startMs: number, endMs: number, match?: string): Promise<string[]> {
    const params: Record<string, string> = {
      start: apiTime(startMs),
      end: apiTime(endMs),
      ...(match === undefined ? {} : { 'match[]': match }),
    };
    const data = await this.get(`/api/v1/label/${encodeURIComponent(name)}/values`, params);
    if (!Array.isArray(data)) throw new StoreError('label values API returned no list');
    return data.filter((v): v is string => typeof v === 'string');
  }

  private matrix(data: unknown): MatrixSeries[] {
    if (!isRecord(data) || data['resultType'] !== 'matrix' || !Array.isArray(data['result']))
      throw new StoreError('query API returned no matrix');
    return data['result'].map((s: unknown) => {
      if (!isRecord(s) || !Array.isArray(s['values']))
        throw new StoreError('query API returned a malformed matrix');
      const timestampsMs: number[] = [];
      const values: number[] = [];
      for (const p of s['values'] as unknown[]) {
        if (!Array.isArray(p) || typeof p[0] !== 'number')
          throw new StoreError('query API returned a malformed point');
        timestampsMs.push(Math.round(p[0] * 1000));
        values.push(parseSampleValue(p[1]));
      }
      return { metric: labelsOf(s['metric']), timestampsMs, values };
    });
  }

  private async get(path: string, params: Record<string, string>): Promise<unknown> {
    const url = `${this.base}${path}?${new URLSearchParams(params).toString()}`;
    let res: Response;
    let text: string;
    let authorization: string | undefined;
    try {
      authorization = await this.o.authorization?.();
    } catch (e) {
      throw new StoreError(`query API credentials unavailable: ${(e as Error).message}`, { cause: e });
    }
    try {
      res = await fetch(url, {
        signal: AbortSignal.timeout(this.o.timeoutMs),
        ...(authorization === undefined ? {} : { headers: { authorization } }),
      });
      text = await res.text();
    } catch (e) {
      throw new StoreError(`query API ${this.base} unreachable: ${(e as Error).message}`, { cause: e });
    }
    if (res.status === 401 || res.status === 403) {
      throw new StoreError(
        `query API answered ${res.status}: the endpoint refused the credentials (check the storage basicAuth, bearerToken or bearerTokenFile)`,
      );
    }
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch (e) {
      throw new StoreError(
        `query API answered ${res.status} with a body that is not JSON: ${redactAuthorization(text, authorization).slice(0, 200)}`,
        { cause: e },
      );
    }
    if (!isRecord(body) || body['status'] !== 'success') {
      const err = isRecord(body) && typeof body['error'] === 'string' ? body['error'] : text.slice(0, 300);
      throw new StoreError(`query API answered ${res.status}: ${redactAuthorization(err, authorization)}`);
    }
    return body['data'];
  }
}
