import { useEffect } from 'react';
import { DashboardEditor } from '../dashboards/DashboardEditor.tsx';
import { DashboardList } from '../dashboards/DashboardList.tsx';
import type { Route } from '../route.ts';

/**
 * Dashboards: the list (`#/dashboards`) or one dashboard (`#/dashboards?id=<id>`); `&export=1` shows the
 * dashboard alone, without the console's header (what the server renders to PNG and PDF).
 */
export function DashboardsView({ route }: { readonly route: Route }) {
  const id = route.params.get('id');
  const exportMode = route.params.get('export') === '1';
  useEffect(() => {
    document.body.classList.toggle('export-mode', exportMode);
    return () => document.body.classList.remove('export-mode');
  }, [exportMode]);
  return id ? (
    <DashboardEditor key={id} id={id} exportMode={exportMode} params={route.params} />
  ) : (
    <DashboardList />
  );
}
