import { fetchSlo, fmt } from '../insightsApi.ts';
import { usePoll } from '../usePoll.ts';

const STATUS_CLASS = { met: 'state-healthy', violated: 'state-down', 'no-data': 'state-unknown' } as const;

/** Error budgets of the built-in SLOs over the stored window; polls /api/slo every 5 s. */
export function SloPanel() {
  const { data, error } = usePoll(fetchSlo, 5000, []);
  return (
    <section className="panel">
      <h2>SLO budgets</h2>
      {error && <p className="error">SLO budgets unavailable: {error}</p>}
      <table>
        <thead>
          <tr>
            <th>SLO</th>
            <th>Objective</th>
            <th>Status</th>
            <th>Compliance</th>
            <th>Budget left</th>
            <th>Burn alerts</th>
            <th>Violations</th>
            <th>Coverage</th>
          </tr>
        </thead>
        <tbody>
          {(data?.slos ?? []).map((s) => {
            const r = s.report;
            return (
              <tr key={s.name} title={s.description ?? ''}>
                <td>{s.name}</td>
                <td>{fmt(s.objective * 100, 1)} %</td>
                <td>{r ? <span className={`badge ${STATUS_CLASS[r.status]}`}>{r.status}</span> : <span className="muted">not evaluated</span>}</td>
                <td>{r?.compliance == null ? '–' : `${fmt(r.compliance * 100, 2)} %`}</td>
                <td>{r?.budget.remainingFraction == null ? '–' : `${fmt(r.budget.remainingFraction * 100, 1)} %`}</td>
                <td className={r?.alerts.page ? 'error' : r?.alerts.ticket ? 'warning' : ''}>
                  {r ? (r.alerts.page ? 'page' : r.alerts.ticket ? 'ticket' : 'none') : '–'}
                </td>
                <td>{r ? r.violations.length : '–'}</td>
                <td>{r ? `${fmt(r.coverage * 100, 2)} %` : <span className="muted">{s.reason}</span>}</td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </section>
  );
}
