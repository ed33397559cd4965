import { fetchComponentStatus, type ComponentStatus } from '../api.ts';
import { usePoll } from '../usePoll.ts';

/** The six DWCP components (rows) × regions (columns), coloured by state, with active anomaly counts. */
export function ComponentGrid() {
  const { data, error } = usePoll(fetchComponentStatus, 2000, []);
  const statuses = data ?? [];
  const regions = [...new Set(statuses.map((s) => s.region))].sort();
  // The API lists every component for every region, in the DWCP order.
  const components = [...new Set(statuses.map((s) => s.component))];
  const cell = new Map<string, ComponentStatus>(statuses.map((s) => [`${s.component}/${s.region}`, s]));
  return (
    <section className="panel">
      <h2>Components by region</h2>
      {error && <p className="error">Component status unavailable: {error}</p>}
      {regions.length === 0 ? (
        <p className="muted">No component health reported yet.</p>
      ) : (
        <table className="grid">
          <thead>
            <tr>
              <th>Component</th>
              {regions.map((r) => (
                <th key={r}>{r}</th>
              ))}
            </tr>
          </thead>
          <tbody>
            {components.map((c) => (
              <tr key={c}>
                <th>{c.toUpperCase()}</th>
                {regions.map((r) => {
                  const s = cell.get(`${c}/${r}`);
                  const state = s?.state ?? 'unknown';
                  return (
                    <td
                      key={r}
                      className={`state state-${state}`}
                      title={
                        s
                          ? `healthy ${s.nodesHealthy}, degraded ${s.nodesDegraded}, down ${s.nodesDown}`
                          : 'no data'
                      }
                    >
                      <span>{state}</span>
                      {s && s.activeAnomalies > 0 && (
                        <span className="count">{s.activeAnomalies} active</span>
                      )}
                    </td>
                  );
                })}
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
