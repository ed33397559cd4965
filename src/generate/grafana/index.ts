/** Every generated Grafana dashboard (16: 10 v3, 1 v1, 1 Phase 6, 4 multi-region). */
import type { Dashboard } from './model/dashboard.ts';
import { multiRegionDashboards } from './multiregion.ts';
import { phase6Dashboard } from './phase6.ts';
import { v1Dashboard } from './v1.ts';
import { v3Dashboards } from './v3.ts';

/** All dashboards as JSON objects, in a stable order. */
export function allDashboards(): Dashboard[] {
  return [...v3Dashboards(), v1Dashboard(), phase6Dashboard(), ...multiRegionDashboards()];
}
