import type { ComponentType } from 'react';
import type { Route } from '../route.ts';
import { DashboardsView } from './DashboardsView.tsx';
import { LogsView } from './LogsView.tsx';
import { OverviewView } from './OverviewView.tsx';
import { TracesView } from './TracesView.tsx';

/** One page of the console, reached at `#/<name>`. */
export interface ViewDefinition {
  /** Hash path segment, e.g. `logs`. */
  readonly name: string;
  /** Navigation label. */
  readonly title: string;
  /** Renders the view from its route (its parameters are the view's URL state). */
  readonly component: ComponentType<{ route: Route }>;
}

/** The default view (an empty or unknown hash shows it). */
export const OVERVIEW: ViewDefinition = { name: 'overview', title: 'Overview', component: OverviewView };

/** The console's views in navigation order; add a view with one line here. */
export const VIEWS: readonly ViewDefinition[] = [
  OVERVIEW,
  { name: 'dashboards', title: 'Dashboards', component: DashboardsView },
  { name: 'logs', title: 'Logs', component: LogsView },
  { name: 'traces', title: 'Traces', component: TracesView },
];
