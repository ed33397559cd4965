import { fetchRegionHealth, fmt, fmtSigned, type RegionsOverview, type RegionTrend } from '../insightsApi.ts';

type Region = RegionsOverview['regions'][number];

/** The latency per mode behind the latency factor, as a tooltip: `internet 278 ms → 100 (baseline 500 ms, 0 at 5000 ms)`. */
function latencyTitle(r: Region): string {
  return r.latencyByMode
    .map((m) =>
      'score' in m
        ? `${m.mode}: ${fmt(m.latencyMs)} ms over ${m.observations} observations → ${fmt(m.score)} (100 up to ${fmt(m.baselineMs, 0)} ms, 0 at ${fmt(m.zeroScoreMs, 0)} ms)`
        : `${m.mode}: ${fmt(m.latencyMs)} ms over ${m.observations} observations`,
    )
    .join('\n');
}
import { usePoll } from '../usePoll.ts';

const STATUS_CLASS = {
  healthy: 'state-healthy',
  degraded: 'state-degraded',
  unhealthy: 'state-down',
  'insufficient-data': 'state-unknown',
} as const;
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

/**
 * Regional health score (0..100), status, trend and factor scores (latency scored per DWCP mode); polls
 * /api/regions/health every 5 s. A region still warming up shows what each factor lacks instead of a score.
 */
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
                <span className={`badge ${STATUS_CLASS[r.status]}`}>{r.status}</span>
                {r.reasons.length > 0 && <div className="muted">{r.reasons.join('; ')}</div>}
              </td>
              <td>
                <TrendCell trend={r.trend} />
              </td>
              <td>{fmt(r.factors?.availability)}</td>
              <td>{fmt(r.factors?.headroom)}</td>
              <td title={latencyTitle(r)}>{fmt(r.factors?.latency)}</td>
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
