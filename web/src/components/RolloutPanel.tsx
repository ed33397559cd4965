import { fetchRollout, fmt, fmtSigned, fmtTime, type RolloutStageRecord } from '../insightsApi.ts';
import { usePoll } from '../usePoll.ts';

const DECISION_CLASS = { GO: 'state-healthy', CAUTION: 'state-degraded', 'NO-GO': 'state-down' } as const;

/** A signed percentage (`+12.3 %`), or an en dash without data. */
const pct = (v: number | null): string => (v === null ? '–' : `${fmtSigned(v)} %`);

/** Comparison and decision captured when each rollout stage was reached (newest first). */
function StagesTable({ stages }: { stages: readonly RolloutStageRecord[] }) {
  return (
    <table aria-label="Rollout stages">
      <thead>
        <tr>
          <th>Stage</th>
          <th>Reached</th>
          <th>Decision</th>
          <th>Score</th>
          <th>Speedup</th>
          <th>p95 latency</th>
          <th>Throughput</th>
          <th>Compression</th>
        </tr>
      </thead>
      <tbody>
        {[...stages].reverse().map((s) => (
          <tr key={`${s.stage}/${s.reachedAtMs}`}>
            <td>{s.stage} %</td>
            <td title={s.atMonitorStart ? 'first observation after the monitor started; the stage may have been reached earlier' : undefined}>
              {fmtTime(s.reachedAtMs)}
              {s.atMonitorStart && <span className="muted"> (at start)</span>}
            </td>
            <td>
              <span className={`badge ${DECISION_CLASS[s.decision]}`}>{s.decision}</span>
            </td>
            <td>{fmt(s.score * 100)}</td>
            <td>{s.migrationSpeedup === null ? '–' : `${fmt(s.migrationSpeedup, 2)}×`}</td>
            <td>{pct(s.latencyP95ImprovementPercent)}</td>
            <td>{pct(s.throughputImprovementPercent)}</td>
            <td>{pct(s.compressionImprovementPercent)}</td>
          </tr>
        ))}
        {stages.length === 0 && (
          <tr>
            <td colSpan={8}>No stage reached since the monitor started.</td>
          </tr>
        )}
      </tbody>
    </table>
  );
}

/** The v1 → v3 rollout decision with its score, key numbers, drivers and stage history; polls /api/rollout every 5 s. */
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
          <h3>Stages (improvement of v3 over v1, + is better)</h3>
          <StagesTable stages={data.stages} />
        </>
      )}
    </section>
  );
}
