/**
 * Scrapes targets on independent schedules: HTTP targets (Prometheus text exposition over node:http,
 * src/ingest/http-get.ts) and in-process targets (an object with `collect(nowMs)`, e.g. the host collector).
 * Modelled on Prometheus' scrape loop (https://prometheus.io/docs/concepts/jobs_instances/): target labels
 * `job` and `instance` plus configured labels are attached to every sample (a clashing exposed label is kept as
 * `exported_<name>`, as with honor_labels: false), samples without a timestamp get the scrape start time, and
 * synthetic `up`, `scrape_duration_seconds` and `scrape_samples_scraped` samples are added to every batch (so a
 * down target reports up == 0). One target's failure, hang or malformed body never affects another: each target has its
 * own timer, and a target's next scrape starts only after its previous one finished (no overlap). Every batch
 * comes with the scrape's typed outcome (`success`, `timeout`, `http_error`, ... in src/ingest/scrape-outcome.ts).
 *
 * Limits: each target has Prometheus' per-scrape limits (src/ingest/scrape-limits.ts; a scrape over one fails as
 * a whole with the limit as its error). Redirects are followed only to the target's own host by default.
 * Overload: a scrape that timed out while the monitor's event loop was blocked (its deadline timer ran late, or
 * the loop was busy most of the scrape's window) is reported as `skipped_overload` — no samples, no `up`, health
 * unchanged — because its timeout says nothing about the target.
 * Exemplars: targets answering in OpenMetrics (negotiated as Prometheus does) hand their exemplars to
 * `onExemplars`, with the same target labels as the samples.
 * Length (over 400 lines): one job, the scrape loop; fetching, parsing, limits and outcomes are already in their
 * own modules, and what remains shares the per-target state.
 */
import { getMetric } from '../catalog/index.ts';
import { ConfigError, NotFoundError } from '../errors.ts';
import type { Labels, Sample } from '../model/sample.ts';
import type { TargetStatus } from '../model/status.ts';
import type { FamilyTypes } from './exposition-families.ts';
import { prepareGet, type GetTarget } from './http-get.ts';
import { scrapeHttp, type RedirectPolicy } from './http-scrape.ts';
import type { ScrapedExemplar } from './openmetrics.ts';
import { DEFAULT_SCRAPE_LIMITS, type ScrapeLimits } from '../model/scrape-limits.ts';
import { applyTargetLabels, TargetLabelMemo } from './relabel.ts';
import { labelScraped } from './scrape-labels.ts';
import { SeriesTextCachePool } from './series-text-cache.ts';
import { SCRAPE_SUCCESS, sourceFailure, type ScrapeFailure, type ScrapeOutcome } from './scrape-outcome.ts';

/** An in-process target: returns its current samples; samples keep their own timestamps. */
export interface InProcessSource {
  collect(nowMs: number): Sample[];
}

/** Common target configuration. */
interface TargetConfigBase {
  /** Stable id, unique within the scraper (`node-1`, `host`). */
  readonly id: string;
  /** Extra labels attached to every sample (e.g. region, node). May override `job` / `instance`. */
  readonly labels?: Labels;
  /** Scrape interval in ms (default 1000, at least 10). */
  readonly intervalMs?: number;
  /** This target's limits (each field defaults to the scraper's `limits`). */
  readonly limits?: Partial<ScrapeLimits>;
  /**
   * Prometheus' `honor_labels`: on a clash the exposed label wins over the target label (e.g. the `job` and
   * `instance` of batch jobs pushed to a Pushgateway), and exposed empty values remove the label. Default false:
   * the clashing exposed label is kept as `exported_<name>`.
   */
  readonly honorLabels?: boolean;
}

/** An HTTP target exposing the text format. */
export interface HttpTargetConfig extends TargetConfigBase {
  /** http(s) URL of the exposition, e.g. `http://127.0.0.1:9100/metrics`. */
  readonly url: string;
  /** Per-scrape timeout in ms (default min(intervalMs, 10 000)). */
  readonly timeoutMs?: number;
  /** Largest accepted body in bytes (default 10 MiB). */
  readonly maxBodyBytes?: number;
  /**
   * The `Authorization` header value for each scrape, asked before every scrape (so a rotated secret file is
   * picked up). When it throws (e.g. an unreadable secret file), the scrape fails as `source_error` with its message.
   */
  readonly authorization?: () => Promise<string | undefined>;
}

/** An in-process target. */
export interface InProcessTargetConfig extends TargetConfigBase {
  readonly source: InProcessSource;
  /** Shown as the target URL (default `inprocess://<id>`). */
  readonly url?: string;
}

export type TargetConfig = HttpTargetConfig | InProcessTargetConfig;

/** What the receiver of a batch reports back: a warning about this target's samples (e.g. series refused), or null. */
export interface BatchVerdict {
  readonly warning: string | null;
}

export type { FamilyTypes };

/**
 * Receives every scrape batch (also of failed scrapes: then only the synthetic samples; of skipped scrapes: no
 * samples) with the scrape's typed outcome (src/ingest/scrape-outcome.ts) and, for HTTP targets, the family types
 * their exposition declared (empty for in-process targets and failed scrapes). A returned verdict's warning
 * becomes the target's `warning`.
 */
export type OnSamples = (
  target: TargetStatus,
  samples: Sample[],
  scrapeStartMs: number,
  outcome: ScrapeOutcome,
  types: FamilyTypes,
) => void | BatchVerdict | Promise<void | BatchVerdict>;

const NO_TYPES: FamilyTypes = new Map();

/** Options of {@link Scraper}. */
export interface ScraperOptions {
  readonly onSamples: OnSamples;
  /** Called when `onSamples` throws or rejects (default: ignored). The target's health is not changed. */
  readonly onError?: (target: TargetStatus, error: unknown) => void;
  /** Clock for timestamps (Unix ms; default Date.now). Timers always use real time. */
  readonly now?: () => number;
  /** Maximum number of targets (default 1000). */
  readonly maxTargets?: number;
  /** Default `job` label (default `dwcp`). */
  readonly job?: string;
  /** Default limits of every target (default {@link DEFAULT_SCRAPE_LIMITS}). */
  readonly limits?: ScrapeLimits;
  /** Redirects followed (default `same-host`; at most 5 hops). */
  readonly redirects?: RedirectPolicy;
  /**
   * A timed-out scrape whose deadline timer ran more than this many ms late is `skipped_overload` instead of a
   * target failure (default 100).
   */
  readonly overloadToleranceMs?: number;
  /** Called for every scrape skipped because the monitor was overloaded. Must not throw. */
  readonly onOverload?: (target: TargetStatus, lateMs: number) => void;
  /**
   * Receives the exemplars of a successful OpenMetrics scrape (series labels with the target labels applied, as
   * the samples' are), the number of malformed exemplars dropped, and the scrape start (Unix ms, the time of
   * exemplars without a timestamp), after `onSamples`. Must not throw.
   */
  readonly onExemplars?: (
    target: TargetStatus,
    exemplars: ScrapedExemplar[],
    invalid: number,
    scrapeStartMs: number,
  ) => void;
  /**
   * Label sets kept by series text over all HTTP targets, so that an unchanged line of the next scrape is not read
   * again (src/ingest/series-text-cache.ts; default {@link DEFAULT_SERIES_TEXT_CACHE_ENTRIES}, 0 turns it off).
   */
  readonly seriesTextCacheEntries?: number;
}

/** Default bound of the scraper's series-text cache: label sets over all targets (about 0.3-0.5 KiB each). */
export const DEFAULT_SERIES_TEXT_CACHE_ENTRIES = 100_000;

const DEFAULT_INTERVAL_MS = 1000;
const MAX_TIMEOUT_MS = 10_000;
const DEFAULT_MAX_BODY = 10 * 1024 * 1024;
const DEFAULT_OVERLOAD_TOLERANCE_MS = 100;

interface TargetState {
  readonly cfg: TargetConfig;
  readonly intervalMs: number;
  readonly timeoutMs: number;
  readonly maxBodyBytes: number;
  readonly labels: Labels;
  readonly limits: ScrapeLimits;
  status: TargetStatus;
  timer: ReturnType<typeof setTimeout> | undefined;
  running: Promise<TargetStatus> | undefined;
  /** Labelled label sets of this target's unchanged series, checked against its limits (see labelScraped). */
  readonly labelMemo: TargetLabelMemo;
  /** The HTTP target's GET, prepared once from its URL. */
  readonly get: GetTarget | undefined;
}

function isInProcess(cfg: TargetConfig): cfg is InProcessTargetConfig {
  return (cfg as InProcessTargetConfig).source !== undefined;
}

/** The samples of an in-process source, or its failure. Never throws. */
function collectFrom(source: InProcessSource, nowMs: number): Sample[] | ScrapeFailure {
  try {
    return source.collect(nowMs);
  } catch (e) {
    return sourceFailure(e);
  }
}

/**
 * Manages scrape targets and their schedules.
 *
 * Lifecycle: `addTarget` (any time), `start()` schedules every target (first scrape immediately),
 * `stop()` clears all timers and waits for in-flight scrapes. `scrapeOnce(id)` runs one scrape now (tests,
 * CLI); it joins an in-flight scrape instead of overlapping it.
 */
export class Scraper {
  private readonly targetsById = new Map<string, TargetState>();
  private readonly onSamples: OnSamples;
  private readonly onError: ((t: TargetStatus, e: unknown) => void) | undefined;
  private readonly now: () => number;
  private readonly maxTargets: number;
  private readonly job: string;
  private readonly limits: ScrapeLimits;
  private readonly redirects: RedirectPolicy;
  private readonly overloadToleranceMs: number;
  private readonly onOverload: ((t: TargetStatus, lateMs: number) => void) | undefined;
  private readonly onExemplars: ScraperOptions['onExemplars'];
  /** The parser's label sets by series text, per target, bounded over all targets. */
  private readonly seriesCaches: SeriesTextCachePool;
  private started = false;
  private readonly upName = getMetric('up').name;
  private readonly durationName = getMetric('scrape_duration_seconds').name;
  private readonly scrapedName = getMetric('scrape_samples_scraped').name;

  constructor(opts: ScraperOptions) {
    this.onSamples = opts.onSamples;
    this.onError = opts.onError;
    this.now = opts.now ?? Date.now;
    this.maxTargets = opts.maxTargets ?? 1000;
    this.job = opts.job ?? 'dwcp';
    this.limits = opts.limits ?? DEFAULT_SCRAPE_LIMITS;
    this.redirects = opts.redirects ?? 'same-host';
    this.overloadToleranceMs = opts.overloadToleranceMs ?? DEFAULT_OVERLOAD_TOLERANCE_MS;
    this.onOverload = opts.onOverload;
    this.onExemplars = opts.onExemplars;
    this.seriesCaches = new SeriesTextCachePool(
      opts.seriesTextCacheEntries ?? DEFAULT_SERIES_TEXT_CACHE_ENTRIES,
    );
  }

  /**
   * Adds a target (scheduled at once when the scraper is started).
   * @throws ConfigError on a duplicate id, a bad URL, non-positive interval/timeout/body limit, a negative or
   *   fractional scrape limit, or more than `maxTargets` targets.
   */
  addTarget(cfg: TargetConfig): TargetStatus {
    if (!cfg.id) throw new ConfigError('target id must be non-empty');
    if (this.targetsById.has(cfg.id)) throw new ConfigError(`duplicate target id ${cfg.id}`);
    if (this.targetsById.size >= this.maxTargets) throw new ConfigError(`at most ${this.maxTargets} targets`);
    const intervalMs = cfg.intervalMs ?? DEFAULT_INTERVAL_MS;
    if (!Number.isFinite(intervalMs) || intervalMs < 10)
      throw new ConfigError(`target ${cfg.id}: intervalMs must be >= 10, got ${intervalMs}`);
    let url: string;
    let instance: string;
    let get: GetTarget | undefined;
    let timeoutMs = Math.min(intervalMs, MAX_TIMEOUT_MS);
    let maxBodyBytes = DEFAULT_MAX_BODY;
    if (isInProcess(cfg)) {
      url = cfg.url ?? `inprocess://${cfg.id}`;
      instance = cfg.id;
    } else {
      let parsed: URL;
      try {
        parsed = new URL(cfg.url);
      } catch (e) {
        throw new ConfigError(`target ${cfg.id}: invalid url ${JSON.stringify(cfg.url)}`, { cause: e });
      }
      if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:')
        throw new ConfigError(`target ${cfg.id}: url must be http(s), got ${parsed.protocol}`);
      url = cfg.url;
      get = prepareGet(parsed);
      instance = parsed.host;
      timeoutMs = cfg.timeoutMs ?? timeoutMs;
      maxBodyBytes = cfg.maxBodyBytes ?? maxBodyBytes;
      if (!Number.isFinite(timeoutMs) || timeoutMs <= 0)
        throw new ConfigError(`target ${cfg.id}: timeoutMs must be > 0`);
      if (!Number.isInteger(maxBodyBytes) || maxBodyBytes <= 0)
        throw new ConfigError(`target ${cfg.id}: maxBodyBytes must be a positive integer`);
    }
    const labels: Labels = { job: this.job, instance, ...(cfg.labels ?? {}) };
    const limits: ScrapeLimits = { ...this.limits, ...(cfg.limits ?? {}) };
    for (const [k, v] of Object.entries(limits)) {
      if (!Number.isInteger(v) || v < 0)
        throw new ConfigError(
          `target ${cfg.id}: ${k} must be a non-negative integer (0 = no limit), got ${v}`,
        );
    }
    const st: TargetState = {
      cfg,
      intervalMs,
      timeoutMs,
      maxBodyBytes,
      labels,
      limits,
      status: {
        id: cfg.id,
        url,
        labels,
        health: 'unknown',
        lastScrapeMs: null,
        lastScrapeDurationMs: null,
        lastError: null,
        samplesLastScrape: 0,
      },
      timer: undefined,
      running: undefined,
      labelMemo: new TargetLabelMemo(),
      get,
    };
    this.targetsById.set(cfg.id, st);
    if (this.started) this.schedule(st, 0);
    return st.status;
  }

  /**
   * Removes a target and cancels its timer (an in-flight scrape finishes but is not rescheduled).
   * @throws NotFoundError for an unknown id.
   */
  removeTarget(id: string): void {
    const st = this.state(id);
    if (st.timer) clearTimeout(st.timer);
    st.timer = undefined;
    this.targetsById.delete(id);
    this.seriesCaches.forget(id);
  }

  /** Status of every target, in insertion order. */
  targets(): TargetStatus[] {
    return [...this.targetsById.values()].map((s) => s.status);
  }

  /**
   * Status of one target.
   * @throws NotFoundError for an unknown id.
   */
  status(id: string): TargetStatus {
    return this.state(id).status;
  }

  /** Schedules every target; the first scrape of each runs immediately. Idempotent. */
  start(): void {
    if (this.started) return;
    this.started = true;
    for (const st of this.targetsById.values()) this.schedule(st, 0);
  }

  /** Cancels all timers and waits for in-flight scrapes (and their `onSamples`) to finish. */
  async stop(): Promise<void> {
    this.started = false;
    const running: Promise<unknown>[] = [];
    for (const st of this.targetsById.values()) {
      if (st.timer) clearTimeout(st.timer);
      st.timer = undefined;
      if (st.running) running.push(st.running);
    }
    await Promise.allSettled(running);
  }

  /**
   * Scrapes one target now and delivers the batch to `onSamples`. Never throws for scrape failures
   * (they are recorded in the status); joins a scrape of this target that is already running.
   * @throws NotFoundError for an unknown id.
   */
  scrapeOnce(id: string): Promise<TargetStatus> {
    const st = this.state(id);
    if (st.running) return st.running;
    const p = this.scrape(st).finally(() => {
      st.running = undefined;
    });
    st.running = p;
    return p;
  }

  private state(id: string): TargetState {
    const st = this.targetsById.get(id);
    if (!st) throw new NotFoundError(`unknown target ${id}`);
    return st;
  }

  private schedule(st: TargetState, delayMs: number): void {
    st.timer = setTimeout(() => {
      st.timer = undefined;
      const startedAt = performance.now();
      void this.scrapeOnce(st.cfg.id).then(() => {
        if (!this.started || this.targetsById.get(st.cfg.id) !== st) return;
        const elapsed = performance.now() - startedAt;
        this.schedule(st, Math.max(0, st.intervalMs - elapsed));
      });
    }, delayMs);
  }

  private async scrape(st: TargetState): Promise<TargetStatus> {
    const startMs = this.now();
    const t0 = performance.now();
    let types = NO_TYPES;
    let exemplars: { list: ScrapedExemplar[]; invalid: number } | undefined;
    const fetched = isInProcess(st.cfg)
      ? collectFrom(st.cfg.source, startMs)
      : await this.fetchAndParse(
          st,
          st.cfg,
          startMs,
          (t) => {
            types = t;
          },
          this.onExemplars ? (list, invalid) => void (exemplars = { list, invalid }) : undefined,
        );
    const durationMs = performance.now() - t0;
    if ('lateMs' in fetched) return this.skipped(st, startMs, fetched.lateMs);
    // Parsed samples are this scrape's own (labelled in place); an in-process source's are not.
    const got = Array.isArray(fetched)
      ? labelScraped(
          fetched,
          st.labels,
          st.cfg.honorLabels === true,
          st.labelMemo,
          st.limits,
          !isInProcess(st.cfg),
        )
      : fetched;
    const ok = Array.isArray(got);
    const outcome: ScrapeOutcome = ok ? SCRAPE_SUCCESS : got;
    const scraped = Array.isArray(fetched) ? fetched.length : 0;
    const batch = ok ? got : [];
    const syn = (name: string, value: number): Sample => ({
      name,
      labels: st.labels,
      value,
      timestampMs: startMs,
    });
    batch.push(
      syn(this.upName, ok ? 1 : 0),
      syn(this.durationName, durationMs / 1000),
      syn(this.scrapedName, scraped),
    );
    st.status = {
      ...st.status,
      health: ok ? 'up' : 'down',
      lastScrapeMs: startMs,
      lastScrapeDurationMs: durationMs,
      lastError: ok ? null : got.error.message,
      samplesLastScrape: scraped,
    };
    try {
      const verdict = await this.onSamples(st.status, batch, startMs, outcome, ok ? types : NO_TYPES);
      if (verdict) st.status = { ...st.status, warning: verdict.warning };
    } catch (e) {
      this.onError?.(st.status, e);
    }
    if (ok && exemplars) this.deliverExemplars(st, exemplars.list, exemplars.invalid, startMs);
    return st.status;
  }

  /** Hands a scrape's exemplars to `onExemplars` with the target labels applied to their series labels. */
  private deliverExemplars(st: TargetState, list: ScrapedExemplar[], invalid: number, startMs: number): void {
    const series = applyTargetLabels(
      list.map((e) => ({ name: e.name, labels: e.seriesLabels, value: e.value, timestampMs: startMs })),
      st.labels,
      st.cfg.honorLabels === true,
    );
    this.onExemplars?.(
      st.status,
      list.map((e, i) => ({ ...e, seriesLabels: series[i]!.labels })),
      invalid,
      startMs,
    );
  }

  /** A scrape the monitor could not serve in time: reported as skipped, the target's health is left as it was. */
  private async skipped(st: TargetState, startMs: number, lateMs: number): Promise<TargetStatus> {
    this.onOverload?.(st.status, lateMs);
    try {
      await this.onSamples(st.status, [], startMs, { result: 'skipped_overload', lateMs }, NO_TYPES);
    } catch (e) {
      this.onError?.(st.status, e);
    }
    return st.status;
  }

  /**
   * The parsed samples of an HTTP target (their family types go to `onTypes`), its typed failure, or the lateness
   * of an overloaded monitor.
   */
  private fetchAndParse(
    st: TargetState,
    cfg: HttpTargetConfig,
    startMs: number,
    onTypes: (t: FamilyTypes) => void,
    onExemplars: ((list: ScrapedExemplar[], invalid: number) => void) | undefined,
  ): Promise<Sample[] | ScrapeFailure | { lateMs: number }> {
    const scrape = (authorization: string | undefined) =>
      scrapeHttp(st.get ?? cfg.url, {
        startMs,
        onTypes,
        ...(onExemplars ? { onExemplars } : {}),
        authorization,
        timeoutMs: st.timeoutMs,
        maxBodyBytes: st.maxBodyBytes,
        redirects: this.redirects,
        overloadToleranceMs: this.overloadToleranceMs,
        ...(this.seriesCaches.maxEntries > 0 ? { seriesCache: this.seriesCaches.get(cfg.id) } : {}),
      });
    // Without credentials the scrape (and its deadline) starts synchronously, as the overload check expects.
    if (cfg.authorization === undefined) return scrape(undefined);
    return cfg.authorization().then(scrape, (e: unknown) => sourceFailure(e));
  }
}
