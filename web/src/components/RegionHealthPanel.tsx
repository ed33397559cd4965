import { fetchRegionHealth, fmt, fmtSigned, type RegionTrend } from '../insightsApi.ts';
import { usePoll } from '../usePoll.ts';

const STATUS_CLASS = { healthy: 'state-healthy', degraded: 'state-degraded', unhealthy: 'state-down' } as const;
const TREND_ARROW = { improving: '↑', stable: '→', degrading: '↓', unknown: '?' } as const;
const TREND_CLASS = { improving: '', stable: 'muted', degrading: 'warning', unknown: 'muted' } as const;

/** Arrow and word of a score trend, with the slope and the number of points as a tooltip. */
function TrendCell({ trend }: { trend: RegionTrend }) {
  const title =
    trend.slopePerHour === null
      ? `${trend.points} score point(s) in the last hour; at least 3 are needed`
      : `${fmtSigned(trend.slopePerHour)} points/h over ${trend.points} scores (least squares, last hour)`;
  return (
    <span className={TREND_CLASS[trend.direction]} title={title}>
      {TREND_ARROW[trend.direction]} {trend.direction}
      {trend.slopePerHour !== null && ` (${fmtSigned(trend.slopePerHour)}/h)`}
    </span>
  );
}

/** Regional health score (0..100), status, trend and factor scores; polls /api/regions/health every 5 s. */
export function RegionHealthPanel() {
  const { data, error } = usePoll(fetchRegionHealth, 5000, []);
  const regions = data?.regions ?? [];
  return (
    <section className="panel">
      <h2>Regional health</h2>
      {error && <p className="error">Regional health unavailable: {error}</p>}
      <table>
        <thead>
          <tr>
            <th>Region</th>
            <th>Score</th>
            <th>Status</th>
            <th>Trend</th>
            <th>Availability</th>
            <th>Headroom</th>
            <th>Latency</th>
            <th>Errors</th>
            <th>Consensus</th>
          </tr>
        </thead>
        <tbody>
          {regions.map((r) => (
            <tr key={r.region}>
              <td>{r.region}</td>
              <td>{fmt(r.score)}</td>
              <td>
                {r.status ? (
                  <span className={`badge ${STATUS_CLASS[r.status]}`}>{r.status}</span>
                ) : (
                  <span className="muted">no data: {r.missing.join(', ')}</span>
                )}
              </td>
              <td>
                <TrendCell trend={r.trend} />
              </td>
              <td>{fmt(r.factors?.availability)}</td>
              <td>{fmt(r.factors?.headroom)}</td>
              <td>{fmt(r.factors?.latency)}</td>
              <td>{fmt(r.factors?.errorRate)}</td>
              <td>{fmt(r.factors?.consensus)}</td>
            </tr>
          ))}
          {data && regions.length === 0 && (
            <tr>
              <td colSpan={9}>No regional data yet.</td>
            </tr>
          )}
        </tbody>
      </table>
    </section>
  );
}
