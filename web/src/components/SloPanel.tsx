import { fetchSlo, fmt, fmtSpan, type SloOverview } from '../insightsApi.ts';
import { usePoll } from '../usePoll.ts';

type Report = NonNullable<SloOverview['slos'][number]['report']>;

const STATUS_CLASS: Record<Report['status'], string> = {
  met: 'state-healthy',
  violated: 'state-down',
  'insufficient-data': 'state-unknown',
  'no-data': 'state-unknown',
};

/** "page", "ticket", "none", or "waiting" when no pair fires and some pair lacks data (with what it lacks). */
function BurnCell({ r }: { r: Report }) {
  if (r.alerts.page) return <span className="error">page</span>;
  if (r.alerts.ticket) return <span className="warning">ticket</span>;
  const waiting = r.burnRates.filter((b) => b.state === 'insufficient-data');
  if (waiting.length === 0) return <span>none</span>;
  const title = waiting
    .map(
      (b) => `${fmtSpan(b.longWindowMs)}/${fmtSpan(b.shortWindowMs)} ×${b.factor}: ${b.missing.join('; ')}`,
    )
    .join('\n');
  return (
    <span className="muted" title={title}>
      waiting for data ({waiting.length} of {r.burnRates.length} pairs)
    </span>
  );
}

/**
 * Error budgets of the configured SLOs over the stored window; polls /api/slo every 5 s. Compliance and budget are
 * shown only with a verdict; before that the row says what is missing (measured time, significance).
 */
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
            <th>Measured</th>
          </tr>
        </thead>
        <tbody>
          {(data?.slos ?? []).map((s) => {
            const r = s.report;
            if (!r) {
              return (
                <tr key={s.name} title={s.description ?? ''}>
                  <td>{s.name}</td>
                  <td>{fmt(s.objective * 100, 1)} %</td>
                  <td colSpan={6}>
                    <span className="muted">not evaluated: {s.reason}</span>
                  </td>
                </tr>
              );
            }
            const measured = `${fmtSpan(r.evidence.observedMs)} (${fmt(r.coverage * 100, 2)} % of ${fmtSpan(r.windowMs)})`;
            return (
              <tr key={s.name} title={s.description ?? ''}>
                <td>{s.name}</td>
                <td>{fmt(s.objective * 100, 1)} %</td>
                <td>
                  <span className={`badge ${STATUS_CLASS[r.status]}`}>{r.status}</span>
                  {r.budget === null && <div className="muted">{r.missing.join('; ')}</div>}
                </td>
                <td>{r.compliance === null ? '–' : `${fmt(r.compliance * 100, 2)} %`}</td>
                <td
                  title={
                    r.budget
                      ? `${fmt(r.budget.consumedFraction * 100, 1)} % of the window's budget spent`
                      : ''
                  }
                >
                  {r.budget === null
                    ? '–'
                    : `${fmt(r.budget.remainingFraction * 100, 1)} %${r.budget.exhausted ? ' (exhausted)' : ''}`}
                </td>
                <td>
                  <BurnCell r={r} />
                </td>
                <td>{r.violations.length}</td>
                <td>{measured}</td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </section>
  );
}
