/**
 * The dashboard engine as the API uses it: validated CRUD with versions and optimistic concurrency over the
 * store, and the evaluated data of a dashboard through the shared query cache. Every call names its scope
 * (tenant and acting user), so isolation between tenants holds at this boundary whoever calls it.
 */
import type { DashboardSpec } from '../contract/dashboard-spec.ts';
import type {
  DashboardData,
  DashboardPage,
  DashboardRecord,
  DashboardVersion,
  VariableOptions,
} from '../contract/dashboards.ts';
import { InvalidInputError, NotFoundError } from '../errors.ts';
import type { DashboardScope, DashboardStore } from './store/dashboard-store.ts';
import { SharedQueryCache, type QueryCacheStats } from './query-cache.ts';
import type { VariableValues } from './metric-query.ts';
import type { DashboardDataSources, QueryReadLimits } from './sources.ts';
import { scopedSources } from './scoped-sources.ts';
import { parseDashboardSpec } from './validate.ts';
import { variableOptions } from './variables.ts';
import { callerKeys, granted, notGranted } from './grants.ts';
import { widgetData, type QueryValue } from './widget-data.ts';
import { resolveWindow } from './window.ts';

export type { DashboardScope };

/** Options of {@link DashboardService}. */
export interface DashboardServiceOptions {
  readonly store: DashboardStore;
  readonly sources: DashboardDataSources;
  readonly limits: QueryReadLimits;
  /**
   * Shared query cache: entries at most, their time to live (default 10 000 entries, 2 s), and how much longer
   * an expired entry is served while it is refreshed (default: the time to live, so no answer is older than 2 × ttl).
   */
  readonly cache?: { readonly maxEntries?: number; readonly ttlMs?: number; readonly staleMs?: number };
  /** Clock in Unix ms (default Date.now). */
  readonly now?: () => number;
}

/** A page request of the list. */
export interface ListRequest {
  readonly offset: number;
  readonly limit: number;
  readonly search?: string;
}

/** The dashboard engine. */
export class DashboardService {
  readonly cache: SharedQueryCache<QueryValue>;
  private readonly store: DashboardStore;
  private readonly sources: DashboardDataSources;
  private readonly limits: QueryReadLimits;
  private readonly now: () => number;

  /** @throws InvalidInputError for bad cache bounds */
  constructor(opts: DashboardServiceOptions) {
    this.store = opts.store;
    this.sources = opts.sources;
    this.limits = opts.limits;
    this.now = opts.now ?? Date.now;
    const ttlMs = opts.cache?.ttlMs ?? 2000;
    this.cache = new SharedQueryCache<QueryValue>({
      maxEntries: opts.cache?.maxEntries ?? 10_000,
      ttlMs,
      staleMs: opts.cache?.staleMs ?? ttlMs,
      now: this.now,
    });
  }

  /**
   * Validates `body` and stores it as a new dashboard.
   * @throws InvalidInputError naming the failing path (also when its grants would leave out the caller); LimitExceededError
   */
  async create(scope: DashboardScope, body: unknown): Promise<DashboardRecord> {
    return this.createSpec(scope, parseDashboardSpec(body));
  }

  /** Stores an already validated spec (templates, imports). @throws InvalidInputError when its grants would leave out the caller */
  async createSpec(scope: DashboardScope, spec: DashboardSpec): Promise<DashboardRecord> {
    return this.store.create(scope, keepsCaller(spec, scope), this.now());
  }

  /** @throws NotFoundError when the tenant has no such dashboard or it is not granted to the caller (as for an unknown id) */
  async get(scope: DashboardScope, id: string): Promise<DashboardRecord> {
    const rec = await this.store.get(scope.tenantId, id);
    if (rec === undefined || !granted(rec.dashboard.grants, scope))
      throw new NotFoundError(`dashboard ${id} not found`);
    return rec;
  }

  /** A page of the tenant's dashboards the caller is granted. */
  async list(scope: DashboardScope, q: ListRequest): Promise<DashboardPage> {
    const grantedTo = callerKeys(scope);
    const { items, total } = await this.store.list(scope.tenantId, {
      ...q,
      ...(grantedTo === undefined ? {} : { grantedTo }),
    });
    return { items, total, offset: q.offset, limit: q.limit };
  }

  /** Replaces the dashboard if `version` is current. @throws InvalidInputError; NotFoundError (also when not granted); ConflictError (stale version) */
  async update(scope: DashboardScope, id: string, version: number, body: unknown): Promise<DashboardRecord> {
    const spec = parseDashboardSpec(body);
    await this.get(scope, id);
    return this.store.update(scope, id, version, keepsCaller(spec, scope), this.now());
  }

  /** @throws NotFoundError (also when not granted); ConflictError when `version` is given and stale */
  async delete(scope: DashboardScope, id: string, version?: number): Promise<DashboardRecord> {
    await this.get(scope, id);
    return this.store.delete(scope.tenantId, id, version);
  }

  /** @throws NotFoundError (also when not granted) */
  async versions(scope: DashboardScope, id: string): Promise<DashboardVersion[]> {
    await this.get(scope, id);
    return this.store.versions(scope.tenantId, id);
  }

  /**
   * Evaluates every widget of the dashboard over its time range at the current time.
   * @param vars selected variable values (absent = the variable's All)
   * @throws NotFoundError when the tenant has no such dashboard
   */
  async data(scope: DashboardScope, id: string, vars: VariableValues = {}): Promise<DashboardData> {
    const rec = await this.get(scope, id);
    const window = resolveWindow(rec.dashboard.timeRange, this.now(), this.limits.targetPoints);
    const ctx = {
      tenantId: scope.tenantId,
      window,
      vars,
      sources: scopedSources(this.sources, scope.nodes),
      limits: this.limits,
      cache: this.cache,
    };
    const widgets = await Promise.all(
      rec.dashboard.widgets.map((w) => (granted(w.grants, scope) ? widgetData(w, ctx) : notGranted(w))),
    );
    return {
      id: rec.id,
      version: rec.version,
      startMs: window.startMs,
      endMs: window.endMs,
      stepMs: window.stepMs,
      widgets,
    };
  }

  /**
   * The choices of the dashboard's variables (label values read from the sample store as widget queries read it).
   * @throws NotFoundError when the tenant has no such dashboard; StoreError
   */
  async variables(scope: DashboardScope, id: string): Promise<VariableOptions[]> {
    const rec = await this.get(scope, id);
    return variableOptions(
      rec.dashboard.variables,
      scopedSources(this.sources, scope.nodes).samples,
      this.limits.seriesMax,
    );
  }

  cacheStats(): QueryCacheStats {
    return this.cache.stats();
  }
}

/** `spec` when its grants include the caller; a save that would lock the caller out of the dashboard is refused. */
function keepsCaller(spec: DashboardSpec, scope: DashboardScope): DashboardSpec {
  if (granted(spec.grants, scope)) return spec;
  throw new InvalidInputError(
    `grants: the dashboard would no longer be granted to you (user ${scope.actor}, role ${scope.role ?? 'none'}); add your role or user name`,
  );
}
