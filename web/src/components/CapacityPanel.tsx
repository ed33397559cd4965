import type { CapacityOverview } from '../insightsApi.ts';
import { fetchCapacity, fmt } from '../insightsApi.ts';
import { usePoll } from '../usePoll.ts';

type Entry = CapacityOverview['nodes'][number];
type Plan = Extract<Entry['plan'], { status: 'ok' }>;

const ACTION_CLASS: Record<Plan['recommendation']['action'], string> = {
  'scale-out-now': 'state-down',
  'scale-out-within-month': 'state-degraded',
  'scale-out-next-quarter': 'state-degraded',
  adequate: 'state-healthy',
  'no-growth': 'state-healthy',
};

/** Days as "12.3 d", or an en dash when not reached within the scanned horizon. */
function days(v: number | null): string {
  return v === null ? '–' : `${fmt(v)} d`;
}

/** A forecast as "mean (lower–upper)". */
function forecast(p: Plan, d: number): string {
  const f = p.forecasts.find((x) => x.days === d);
  return f ? `${fmt(f.mean)} (${fmt(f.lower)}–${fmt(f.upper)})` : '–';
}

/** Per node and resource: model, current %, growth, 30/60/90-day forecasts, days to 80/90/100 %; polls /api/capacity every 30 s. */
export function CapacityPanel() {
  const { data, error } = usePoll(fetchCapacity, 30_000, []);
  const nodes = data?.nodes ?? [];
  return (
    <section className="panel">
      <h2>Capacity</h2>
      {error && <p className="error">Capacity plans unavailable: {error}</p>}
      <table>
        <thead>
          <tr>
            <th>Region</th>
            <th>Node</th>
            <th>Resource</th>
            <th>Model</th>
            <th>Current %</th>
            <th>Growth %/d</th>
            <th>30 d</th>
            <th>60 d</th>
            <th>90 d</th>
            <th>To 80 %</th>
            <th>To 90 %</th>
            <th>To 100 %</th>
            <th>Recommendation</th>
          </tr>
        </thead>
        <tbody>
          {nodes.map((n) => {
            const key = `${n.region}/${n.node}/${n.resource}/${JSON.stringify(n.labels)}`;
            const p = n.plan;
            if (p.status !== 'ok') {
              return (
                <tr key={key}>
                  <td>{n.region}</td>
                  <td>{n.node}</td>
                  <td>{n.resource}</td>
                  <td colSpan={10}>
                    <span className="muted">
                      {p.status}: {p.reason}
                    </span>
                  </td>
                </tr>
              );
            }
            return (
              <tr key={key}>
                <td>{n.region}</td>
                <td>{n.node}</td>
                <td>{n.resource}</td>
                <td title={p.modelReason}>{p.model}</td>
                <td>{fmt(p.currentPct)}</td>
                <td>{fmt(p.growthPctPerDay, 2)}</td>
                <td>{forecast(p, 30)}</td>
                <td>{forecast(p, 60)}</td>
                <td>{forecast(p, 90)}</td>
                <td title={`conservative ${days(p.warning.conservative)}`}>{days(p.warning.expected)}</td>
                <td title={`conservative ${days(p.critical.conservative)}`}>{days(p.critical.expected)}</td>
                <td title={`conservative ${days(p.full.conservative)}`}>{days(p.full.expected)}</td>
                <td>
                  <span
                    className={`badge ${ACTION_CLASS[p.recommendation.action]}`}
                    title={p.recommendation.message}
                  >
                    {p.recommendation.action}
                  </span>
                </td>
              </tr>
            );
          })}
          {data && nodes.length === 0 && (
            <tr>
              <td colSpan={13}>No utilisation data yet.</td>
            </tr>
          )}
        </tbody>
      </table>
      {data && data.warnings.length > 0 && <p className="muted">{data.warnings.join('; ')}</p>}
    </section>
  );
}
