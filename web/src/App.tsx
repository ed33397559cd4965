import { AnomalyList } from './components/AnomalyList.tsx';
import { CapacityPanel } from './components/CapacityPanel.tsx';
import { ComponentGrid } from './components/ComponentGrid.tsx';
import { ProfilesPanel } from './components/ProfilesPanel.tsx';
import { RegionHealthPanel } from './components/RegionHealthPanel.tsx';
import { ReportsPanel } from './components/ReportsPanel.tsx';
import { RolloutPanel } from './components/RolloutPanel.tsx';
import { SeriesChart } from './components/SeriesChart.tsx';
import { SloPanel } from './components/SloPanel.tsx';
import { TargetsTable } from './components/TargetsTable.tsx';

/** The single page: header, component grid, rollout decision, SLO budgets, regional health, capacity plans, live chart, anomalies, targets, reports, profiles. */
export function App() {
  return (
    <>
      <header className="header">
        <h1>DWCP Monitor</h1>
        <span className="muted">NovaCron WAN migration protocol · AMST · HDE · PBA · ASS · ACP · ITP</span>
      </header>
      <main>
        <ComponentGrid />
        <RolloutPanel />
        <SloPanel />
        <RegionHealthPanel />
        <CapacityPanel />
        <SeriesChart />
        <AnomalyList />
        <TargetsTable />
        <ReportsPanel />
        <ProfilesPanel />
      </main>
    </>
  );
}
