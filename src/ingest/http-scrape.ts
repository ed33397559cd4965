/**
 * One HTTP scrape: a GET (src/ingest/http-get.ts) with a deadline, follow redirects by policy, read the body
 * within its size limit and parse the text exposition (OpenMetrics when the target answers with it: negotiated as
 * Prometheus does, with exemplars handed to `onExemplars`). The deadline timer records how late it ran, so a
 * timeout caused by the monitor's own blocked event loop is told apart from a slow target.
 */
import { performance } from 'node:perf_hooks';
import { ScrapeError, ScrapeTimeoutError } from '../errors.ts';
import type { Sample } from '../model/sample.ts';
import type { FamilyTypes } from './exposition-families.ts';
import type { ClientRequest } from 'node:http';
import {
  discardBody,
  httpGet,
  prepareGet,
  rawHeaders,
  readBody,
  SCRAPE_ACCEPT_ENCODING,
  type GetTarget,
  type HttpHead,
  type RequestWatch,
} from './http-get.ts';
import { parseExposition } from './exposition.ts';
import { isOpenMetricsContentType, parseOpenMetrics, type ScrapedExemplar } from './openmetrics.ts';
import type { SeriesTextCache } from './series-text-cache.ts';
import {
  bodyFailure,
  connectionFailure,
  httpFailure,
  timeoutFailure,
  type ScrapeFailure,
} from './scrape-outcome.ts';

/** Which redirects an HTTP scrape follows: none, only to the target URL's own host and port (default), or any. */
export type RedirectPolicy = 'none' | 'same-host' | 'any';

/** Redirect hops followed at most. */
export const MAX_REDIRECTS = 5;

/** Options of {@link scrapeHttp}. */
export interface HttpScrapeOptions {
  /** Scrape start, Unix ms: the timestamp of samples without one. */
  readonly startMs: number;
  readonly timeoutMs: number;
  readonly maxBodyBytes: number;
  readonly redirects: RedirectPolicy;
  /** A timeout whose timer ran more than this many ms late is reported as overload (`{ lateMs }`). */
  readonly overloadToleranceMs: number;
  /** Receives the family types the exposition declared (`# TYPE`), when the body parsed. */
  readonly onTypes?: (types: FamilyTypes) => void;
  /** `Authorization` header value sent with the scrape (and with redirects, which stay on the same host by default). */
  readonly authorization?: string | undefined;
  /**
   * Receives the exemplars of an OpenMetrics answer and the number of malformed ones dropped (their samples are
   * kept), when the body parsed.
   */
  readonly onExemplars?: (exemplars: ScrapedExemplar[], invalid: number) => void;
  /** The target's cache of label sets by series text (the parser's `seriesCache`). */
  readonly seriesCache?: SeriesTextCache;
}

/**
 * The scrape's `Accept` header, as Prometheus sends it: OpenMetrics 1.0.0, then 0.0.1, then the 0.0.4 text format.
 * @see https://prometheus.io/docs/instrumenting/content_negotiation/
 */
export const SCRAPE_ACCEPT =
  'application/openmetrics-text;version=1.0.0,application/openmetrics-text;version=0.0.1;q=0.75,text/plain;version=0.0.4;q=0.5,*/*;q=0.1';

/** The scrape's `User-Agent` (the one `fetch` sent before). */
export const SCRAPE_USER_AGENT = 'node';

/** The headers of every scrape (credentials are added per scrape). */
const BASE_HEADERS: Readonly<Record<string, string>> = {
  accept: SCRAPE_ACCEPT,
  'accept-encoding': SCRAPE_ACCEPT_ENCODING,
  'user-agent': SCRAPE_USER_AGENT,
};

/**
 * Share of a scrape's window the monitor's event loop must have been busy for a timeout to count as overload: a
 * loop that busy may have left the target's answer unread, so the timeout says nothing about the target.
 * @see https://nodejs.org/api/perf_hooks.html#performanceeventlooputilizationutilization1-utilization2
 */
export const OVERLOAD_BUSY_SHARE = 0.75;

/**
 * A scrape deadline that records how late its timer ran and how busy the event loop was until then. When it
 * passes it destroys the request in flight (and any sent later) with a {@link ScrapeTimeoutError}.
 */
class Deadline implements RequestWatch {
  private readonly due: number;
  private readonly elu0 = performance.eventLoopUtilization();
  private readonly timer: ReturnType<typeof setTimeout>;
  private req: ClientRequest | undefined;
  private late = 0;
  private busy = 0;
  expired: Error | undefined;

  constructor(timeoutMs: number) {
    this.due = performance.now() + timeoutMs;
    this.timer = setTimeout(() => this.expire(timeoutMs), timeoutMs);
  }

  private expire(timeoutMs: number): void {
    this.late = Math.max(0, performance.now() - this.due);
    this.busy = performance.eventLoopUtilization(this.elu0).utilization;
    this.expired = new ScrapeTimeoutError(timeoutMs);
    this.req?.destroy(this.expired);
  }

  track(req: ClientRequest): void {
    this.req = req;
    if (this.expired !== undefined) req.destroy(this.expired);
  }

  /** Ms between the deadline and when its timer actually ran; 0 while it has not run. */
  lateMs(): number {
    return this.late;
  }

  /** Share (0..1) of the time from the scrape's start to its deadline the event loop spent busy; 0 while it has not run. */
  busyShare(): number {
    return this.busy;
  }

  clear(): void {
    clearTimeout(this.timer);
  }
}

/** Why a redirect from `home` to `next` is not followed, or null when it is. */
function refusedRedirect(policy: RedirectPolicy, home: string, next: URL, hop: number): string | null {
  if (hop >= MAX_REDIRECTS) return `more than ${MAX_REDIRECTS} redirects`;
  if (policy === 'none' || (policy === 'same-host' && next.host !== home))
    return `redirect to ${next.host} refused (redirects: ${policy})`;
  if (next.protocol !== 'http:' && next.protocol !== 'https:')
    return `redirect to a ${next.protocol} URL refused`;
  return null;
}

/** The scrape's request headers; credentials only go to the target's own host (never to a redirect elsewhere). */
function requestHeaders(target: GetTarget, o: HttpScrapeOptions, sameHost: boolean): string[] {
  return rawHeaders(
    target,
    o.authorization !== undefined && sameHost
      ? { ...BASE_HEADERS, authorization: o.authorization }
      : BASE_HEADERS,
  );
}

async function fetchWithin(
  first: GetTarget,
  o: HttpScrapeOptions,
  deadline: Deadline,
): Promise<Sample[] | ScrapeFailure> {
  let target = first;
  let url = first.url;
  const home = url.host;
  let res: HttpHead;
  for (let hop = 0; ; hop++) {
    try {
      res = await httpGet(target, requestHeaders(target, o, url.host === home), deadline);
    } catch (e) {
      return deadline.expired ? timeoutFailure(o.timeoutMs) : connectionFailure(e, o.timeoutMs);
    }
    const location = res.status >= 300 && res.status < 400 ? res.location : undefined;
    if (location === undefined) break;
    discardBody(res);
    const next = new URL(location, url);
    const refused = refusedRedirect(o.redirects, home, next, hop);
    if (refused !== null)
      return {
        result: 'http_error',
        error: new ScrapeError(`HTTP ${res.status}: ${refused}`),
        httpStatus: res.status,
      };
    url = next;
    target = prepareGet(next);
  }
  if (res.status < 200 || res.status > 299) {
    discardBody(res);
    return httpFailure(res.status);
  }
  try {
    const body = await readBody(res, o.maxBodyBytes);
    const opts = {
      defaultTimestampMs: o.startMs,
      maxBytes: o.maxBodyBytes,
      ...(o.seriesCache ? { seriesCache: o.seriesCache } : {}),
    };
    const om = isOpenMetricsContentType(res.contentType) ? parseOpenMetrics(body, opts) : undefined;
    const parsed = om ?? parseExposition(body, opts);
    if (om) o.onExemplars?.(om.exemplars, om.invalidExemplars);
    o.onTypes?.(new Map([...parsed.families].map(([name, f]) => [name, f.type])));
    return parsed.samples;
  } catch (e) {
    return bodyFailure(e, deadline.expired !== undefined, o.timeoutMs);
  }
}

/**
 * Scrapes `url` once (a URL, or a target prepared once with `prepareGet`): the parsed samples, the typed failure, or `{ lateMs }` when the scrape timed out while the
 * monitor was too busy to judge the target — its deadline timer ran more than `overloadToleranceMs` late, or the
 * event loop was busy at least {@link OVERLOAD_BUSY_SHARE} of the scrape's window (the target's answer may have
 * been waiting unread). Never throws.
 * @see https://prometheus.io/docs/prometheus/latest/configuration/configuration/#scrape_config (follow_redirects)
 */
export async function scrapeHttp(
  url: string | GetTarget,
  o: HttpScrapeOptions,
): Promise<Sample[] | ScrapeFailure | { lateMs: number }> {
  const target = typeof url === 'string' ? prepareGet(new URL(url)) : url;
  const deadline = new Deadline(o.timeoutMs);
  try {
    const got = await fetchWithin(target, o, deadline);
    const lateMs = deadline.lateMs();
    const overloaded = lateMs > o.overloadToleranceMs || deadline.busyShare() >= OVERLOAD_BUSY_SHARE;
    if (!Array.isArray(got) && got.result === 'timeout' && overloaded) return { lateMs };
    return got;
  } finally {
    deadline.clear();
  }
}
