/**
 * Per-widget grants (src/contract/dashboard-spec.ts `grants`): whether the acting user sees a widget's data.
 * The tenant's admins see every widget; without authentication (no role) every widget is shown.
 */
import type { Widget, WidgetGrants } from '../contract/dashboard-spec.ts';
import type { WidgetData } from '../contract/dashboards.ts';
import type { DashboardScope } from './store/dashboard-store.ts';

/** Whether `scope`'s user sees a widget with `grants` (absent: everyone). */
export function granted(grants: WidgetGrants | undefined, scope: DashboardScope): boolean {
  if (grants === undefined || scope.role === undefined || scope.role === 'admin') return true;
  return grants.roles.includes(scope.role) || grants.users.includes(scope.actor);
}

/** The data of a widget the user is not granted: `unavailable`, naming no data. */
export function notGranted(w: Widget): WidgetData {
  return { id: w.id, type: w.type, status: 'unavailable', message: 'this widget is shown only to the roles or users it is granted to' };
}
