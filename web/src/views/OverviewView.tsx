import { AnomalyList } from '../components/AnomalyList.tsx';
import { CapacityPanel } from '../components/CapacityPanel.tsx';
import { IncidentsPanel } from '../components/IncidentsPanel.tsx';
import { SilencesPanel } from '../components/SilencesPanel.tsx';
import { ComponentGrid } from '../components/ComponentGrid.tsx';
import { ProfilesPanel } from '../components/ProfilesPanel.tsx';
import { RegionHealthPanel } from '../components/RegionHealthPanel.tsx';
import { ReportsPanel } from '../components/ReportsPanel.tsx';
import { RolloutPanel } from '../components/RolloutPanel.tsx';
import { SeriesChart } from '../components/SeriesChart.tsx';
import { SloPanel } from '../components/SloPanel.tsx';
import { TargetsTable } from '../components/TargetsTable.tsx';
import type { Route } from '../route.ts';

/** The overview: incidents, component grid, rollout decision, SLO budgets, regional health, capacity plans, live chart, anomalies, silences, targets, reports, profiles. */
export function OverviewView({ route }: { readonly route: Route }) {
  return (
    <>
      <IncidentsPanel />
      <ComponentGrid />
      <RolloutPanel />
      <SloPanel />
      <RegionHealthPanel />
      <CapacityPanel />
      <SeriesChart key={route.params.toString()} route={route} />
      <AnomalyList />
      <SilencesPanel />
      <TargetsTable />
      <ReportsPanel />
      <ProfilesPanel />
    </>
  );
}
