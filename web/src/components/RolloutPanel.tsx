import { fetchRollout, fmt } from '../insightsApi.ts';
import { usePoll } from '../usePoll.ts';

const DECISION_CLASS = { GO: 'state-healthy', CAUTION: 'state-degraded', 'NO-GO': 'state-down' } as const;

/** The v1 → v3 rollout decision with its score, key numbers and drivers; polls /api/rollout every 5 s. */
export function RolloutPanel() {
  const { data, error } = usePoll(fetchRollout, 5000, []);
  const c = data?.comparison;
  return (
    <section className="panel">
      <h2>
        Rollout v1 → v3
        {data && <span className={`badge ${DECISION_CLASS[data.decision]}`}>{data.decision}</span>}
      </h2>
      {error && <p className="error">Rollout status unavailable: {error}</p>}
      {data && c && (
        <>
          <p>
            Score <strong>{fmt(data.score * 100)}</strong> / 100{data.forced && <span className="error"> (forced by a critical failure)</span>} ·
            rollout {data.rolloutPercent === null ? 'unknown' : `${fmt(data.rolloutPercent, 0)} %`} · migration speedup{' '}
            {fmt(c.migrationSpeedup, 2)}× (v1 median {fmt(c.v1.migrationMedianSeconds)} s, v3 {fmt(c.v3.migrationMedianSeconds)} s) · p95
            improvement {fmt(c.latencyP95ImprovementPercent)} %
          </p>
          <table>
            <thead>
              <tr>
                <th>Effect</th>
                <th>Source</th>
                <th>Driver</th>
              </tr>
            </thead>
            <tbody>
              {data.drivers.map((d, i) => (
                <tr key={`${d.source}/${d.name}/${i}`}>
                  <td className={d.effect === 'forces-no-go' ? 'error' : d.effect === 'supports-go' ? '' : 'warning'}>{d.effect}</td>
                  <td>{d.source}</td>
                  <td>{d.text}</td>
                </tr>
              ))}
              {data.drivers.length === 0 && (
                <tr>
                  <td colSpan={3}>No drivers.</td>
                </tr>
              )}
            </tbody>
          </table>
        </>
      )}
    </section>
  );
}
