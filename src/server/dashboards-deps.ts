/**
 * What the dashboard routes need from the dashboard engine (the composition root passes src/dashboards'
 * service), as a narrow interface over the API contract's types. Every call names the tenant and acting user;
 * until authentication exists the routes use `defaultScope`.
 */
import type { Role } from '../contract/auth.ts';
import type { TenantScope } from '../model/tenant-scope.ts';
import type { DashboardSpec } from '../contract/dashboard-spec.ts';
import type {
  DashboardData,
  DashboardPage,
  DashboardRecord,
  DashboardVersion,
  VariableOptions,
} from '../contract/dashboards.ts';

/** Tenant and acting user of a request. */
export interface DashboardScope {
  readonly tenantId: string;
  readonly actor: string;
  /** The nodes whose data widgets show (src/model/tenant-scope.ts); absent → every node. */
  readonly nodes?: TenantScope;
  /** The acting user's role, for dashboard and widget grants; absent (authentication disabled) → every dashboard and widget. */
  readonly role?: Role;
}

/** Bounds of WS /ws/dashboards/{id}. */
export interface DashboardLiveLimits {
  /** Open dashboard websockets at most (all dashboards); more are refused with 429 before the upgrade. */
  readonly maxClients: number;
  /** Viewers of one dashboard at most. */
  readonly maxClientsPerDashboard: number;
  /** When a client's unsent bytes exceed this, its updates are skipped until it catches up. */
  readonly maxBufferedBytes: number;
  /** Shortest refresh interval of pushes, ms (a dashboard refreshing faster is pushed at this interval). */
  readonly minRefreshMs: number;
}

/** Errors: NotFoundError (unknown id or another tenant's), InvalidInputError (bad spec, naming its path), ConflictError (stale version), LimitExceededError. */
export interface DashboardsApi {
  readonly defaultScope: DashboardScope;
  /** Largest request body of the dashboard routes, bytes (larger → 413). */
  readonly maxBodyBytes: number;
  readonly live: DashboardLiveLimits;
  create(scope: DashboardScope, body: unknown): Promise<DashboardRecord>;
  get(scope: DashboardScope, id: string): Promise<DashboardRecord>;
  list(scope: DashboardScope, q: { offset: number; limit: number; search?: string }): Promise<DashboardPage>;
  update(scope: DashboardScope, id: string, version: number, body: unknown): Promise<DashboardRecord>;
  delete(scope: DashboardScope, id: string, version?: number): Promise<DashboardRecord>;
  versions(scope: DashboardScope, id: string): Promise<DashboardVersion[]>;
  /** Widget data now; `vars` the selected values of the dashboard's variables. */
  data(
    scope: DashboardScope,
    id: string,
    vars: Readonly<Record<string, readonly string[]>>,
  ): Promise<DashboardData>;
  /** The choices of the dashboard's variables, for a picker. */
  variables(scope: DashboardScope, id: string): Promise<VariableOptions[]>;
  /** The built-in templates (Executive, Operations, Developer, Tenant). */
  templates(): { name: string; dashboard: DashboardSpec }[];
  /** Stores a Grafana dashboard JSON object as a new dashboard; `warnings` name what was left out. */
  importGrafana(
    scope: DashboardScope,
    body: unknown,
  ): Promise<{ record: DashboardRecord; warnings: string[] }>;
  /** The dashboard's spec (importable by create) with `vars` as its variables' saved selection (`current`). */
  exportSpec(
    scope: DashboardScope,
    id: string,
    vars: Readonly<Record<string, readonly string[]>>,
  ): Promise<DashboardSpec>;
  /** The dashboard as a Grafana dashboard JSON object, `vars` as `templating.list[].current`. */
  exportGrafana(
    scope: DashboardScope,
    id: string,
    vars: Readonly<Record<string, readonly string[]>>,
  ): Promise<Record<string, unknown>>;
  /**
   * Renders a page of this server's console (`url`) to PNG or PDF once `readySelector` is present (headless
   * Chromium, bounded); absent → PNG/PDF export answers 503. Errors: UnavailableError, LimitExceededError.
   */
  readonly render?: (
    url: string,
    format: 'png' | 'pdf',
    readySelector: string,
    headers: Readonly<Record<string, string>>,
  ) => Promise<Buffer>;
  /** Refresh interval of the dashboard's live viewers, ms; null when it is `off`. */
  refreshMs(spec: DashboardSpec): number | null;
}
