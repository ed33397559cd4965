/**
 * Grants (src/contract/dashboard-spec.ts `grants`) of a dashboard and of its widgets: whether the acting user reads
 * a dashboard or sees a widget's data. The tenant's admins are granted everything; without authentication (no
 * role) everything is granted. The store filters lists by the same rule through {@link grantKeys}/{@link callerKeys}.
 */
import type { Grants, Widget } from '../contract/dashboard-spec.ts';
import type { WidgetData } from '../contract/dashboards.ts';
import type { DashboardScope } from './store/dashboard-store.ts';

/** Whether `scope`'s user is granted `grants` (absent: everyone). */
export function granted(grants: Grants | undefined, scope: DashboardScope): boolean {
  if (grants === undefined || scope.role === undefined || scope.role === 'admin') return true;
  return grants.roles.includes(scope.role) || grants.users.includes(scope.actor);
}

/** The data of a widget the user is not granted: `unavailable`, naming no data. */
export function notGranted(w: Widget): WidgetData {
  return {
    id: w.id,
    type: w.type,
    status: 'unavailable',
    message: 'this widget is shown only to the roles or users it is granted to',
  };
}

/** The stored keys of a dashboard's grants (`role:<role>`, `user:<name>`); none when the dashboard is open to the tenant. */
export function grantKeys(grants: Grants | undefined): string[] {
  return grants === undefined
    ? []
    : [...new Set([...grants.roles.map((r) => `role:${r}`), ...grants.users.map((u) => `user:${u}`)])];
}

/** The keys a dashboard's grants must hold one of for `scope`'s user, or undefined when every dashboard is granted (admins, no authentication). */
export function callerKeys(scope: DashboardScope): string[] | undefined {
  if (scope.role === undefined || scope.role === 'admin') return undefined;
  return [`role:${scope.role}`, `user:${scope.actor}`];
}
