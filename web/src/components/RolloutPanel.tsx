import {
  fetchRollout,
  fmt,
  fmtSigned,
  fmtTime,
  type RolloutStageRecord,
  type RolloutStatus,
} from '../insightsApi.ts';
import { usePoll } from '../usePoll.ts';

const DECISION_CLASS = { GO: 'state-healthy', CAUTION: 'state-degraded', 'NO-GO': 'state-down' } as const;
const STATE_CLASS = {
  'non-inferior': 'state-healthy',
  regression: 'state-down',
  undecided: 'state-degraded',
  insufficient: 'state-degraded',
  nodata: 'state-degraded',
} as const;

/** A signed percentage (`+12.3 %`), or an en dash without data. */
const pct = (v: number | null): string => (v === null ? '–' : `${fmtSigned(v)} %`);
/** A duration in minutes (`4.2 min`), or an en dash. */
const mins = (ms: number | null | undefined): string =>
  ms === null || ms === undefined ? '–' : `${fmt(ms / 60_000)} min`;

type Evidence = RolloutStatus['evidence'];

/**
 * How much evidence the stage has: its time so far (`12.5 min of evidence`), or, while no judged metric has an
 * event of either version, that none was seen — the time alone would pass an empty look-back for evidence.
 */
export function evidenceSpan(evidence: Evidence): string {
  return evidence.metrics.every((m) => m.v1Events + m.v3Events === 0)
    ? 'no migrations seen in this stage yet'
    : `${mins(evidence.elapsedMs)} of evidence`;
}

/** The sequential test of the current stage: per metric the estimate, its always-valid bounds and what is still needed. */
function EvidenceTable({ evidence }: { evidence: Evidence }) {
  const confidence = fmt((1 - evidence.alpha) * 100, 0);
  return (
    <table aria-label="Stage evidence">
      <thead>
        <tr>
          <th>Metric</th>
          <th>State</th>
          <th>v3 vs v1 (+ worse)</th>
          <th>{confidence} % always-valid bounds</th>
          <th>v1 / v3 events</th>
          <th>Still needed for GO</th>
        </tr>
      </thead>
      <tbody>
        {evidence.metrics.map((m) => (
          <tr key={m.metric} title={m.reason}>
            <td>{m.metric}</td>
            <td>
              <span className={`badge ${STATE_CLASS[m.state]}`}>{m.state}</span>
            </td>
            <td>{pct(m.degradationPercent)}</td>
            <td>
              {m.lowerPercent === null || m.upperPercent === null
                ? '–'
                : `${pct(m.lowerPercent)} .. ${pct(m.upperPercent)}`}
            </td>
            <td>
              {fmt(m.v1Events, 0)} / {fmt(m.v3Events, 0)}
            </td>
            <td>
              {m.needed === null
                ? '–'
                : m.needed.moreMs === null
                  ? `estimate beyond the ${fmt(evidence.marginPercent)} % tolerance`
                  : `~${mins(m.needed.moreMs)} (${fmt(m.needed.moreV3Events, 0)} more v3 events)`}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

type PerVersion = RolloutStatus['figures']['perVersion'];

const FIGURE_NAME = {
  throughput: 'Throughput',
  cpu: 'CPU',
  memory: 'Memory',
  bandwidth_saved: 'Bandwidth saved',
} as const;

/** Throughput, CPU, memory and bandwidth saved per version with their intervals, or what is missing for them. */
function PerVersionTable({ figures }: { figures: PerVersion }) {
  return (
    <table aria-label="Figures per version">
      <thead>
        <tr>
          <th>Figure</th>
          <th>v1</th>
          <th>v3</th>
          <th>v3 vs v1 (+ better)</th>
          <th>Interval</th>
          <th>Nodes / v3 migrations</th>
        </tr>
      </thead>
      <tbody>
        {figures.map((f) => (
          <tr key={f.figure} title={f.quantity}>
            <td>{FIGURE_NAME[f.figure]}</td>
            {f.state === 'measured' ? (
              <>
                <td>
                  {fmt(f.v1Mean)} {f.unit}
                </td>
                <td>
                  {fmt(f.v3Mean)} {f.unit}
                </td>
                <td>{pct(f.improvementPercent)}</td>
                <td>
                  {pct(f.lowerPercent)} .. {pct(f.upperPercent)}{' '}
                  <span className="muted">({fmt(f.confidence * 100, 0)} %)</span>
                </td>
              </>
            ) : (
              <td colSpan={4} className="muted">
                insufficient data: {f.missing}
              </td>
            )}
            <td>
              {f.strata} / {fmt(f.v3Events, 0)}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/** Comparison and decision of each rollout stage (newest first). */
function StagesTable({ stages }: { stages: readonly RolloutStageRecord[] }) {
  return (
    <table aria-label="Rollout stages">
      <thead>
        <tr>
          <th>Stage</th>
          <th>Reached</th>
          <th>Decision</th>
          <th>Time to decision</th>
          <th>Speedup</th>
          <th>p95 latency</th>
          <th>Throughput</th>
          <th>CPU</th>
          <th>Memory</th>
          <th>Bandwidth saved</th>
        </tr>
      </thead>
      <tbody>
        {[...stages].reverse().map((s) => (
          <tr key={`${s.stage}/${s.reachedAtMs}`}>
            <td>{s.stage} %</td>
            <td
              title={
                s.atMonitorStart
                  ? 'first observation after the monitor started; the stage may have been reached earlier'
                  : undefined
              }
            >
              {fmtTime(s.reachedAtMs)}
              {s.atMonitorStart && <span className="muted"> (at start)</span>}
            </td>
            <td>
              <span className={`badge ${DECISION_CLASS[s.decision]}`}>{s.decision}</span>
            </td>
            <td>
              {s.firstDecision === null
                ? 'undecided'
                : `${s.firstDecision} after ${mins(s.timeToDecisionMs)}`}
            </td>
            <td>{s.migrationSpeedup === null ? '–' : `${fmt(s.migrationSpeedup, 2)}×`}</td>
            <td>{pct(s.latencyP95ImprovementPercent)}</td>
            <td>{pct(s.throughputImprovementPercent)}</td>
            <td>{pct(s.cpuImprovementPercent)}</td>
            <td>{pct(s.memoryImprovementPercent)}</td>
            <td>{s.bandwidthSavedPercent === null ? '–' : `${fmt(s.bandwidthSavedPercent)} %`}</td>
          </tr>
        ))}
        {stages.length === 0 && (
          <tr>
            <td colSpan={10}>No stage reached since the monitor started.</td>
          </tr>
        )}
      </tbody>
    </table>
  );
}

/** The v1 → v3 rollout decision of the current stage, its evidence, figures, drivers and stage history; polls /api/rollout every 5 s. */
export function RolloutPanel() {
  const { data, error } = usePoll(fetchRollout, 5000, []);
  const c = data?.comparison;
  const e = data?.evidence;
  return (
    <section className="panel">
      <h2>
        Rollout v1 → v3
        {data && <span className={`badge ${DECISION_CLASS[data.decision]}`}>{data.decision}</span>}
      </h2>
      {error && <p className="error">Rollout status unavailable: {error}</p>}
      {data && c && e && (
        <>
          <p>
            Stage {data.rolloutPercent === null ? 'unknown' : `${fmt(data.rolloutPercent, 0)} %`} since{' '}
            {fmtTime(e.stageStartMs)}
            {!e.startObserved && <span className="muted"> (or earlier)</span>} · {evidenceSpan(e)} ·{' '}
            {e.firstDecision === null ? (
              <span className="muted">no decision yet</span>
            ) : (
              <strong>
                first {e.firstDecision.decision} after {mins(e.firstDecision.afterMs)}
              </strong>
            )}{' '}
            · GO when every metric is at most {fmt(e.marginPercent)} % worse, NO-GO on a regression beyond{' '}
            {fmt(e.thresholdPercent)} % (mixture sequential test, valid at every look)
            {data.forced && <span className="error"> · forced NO-GO</span>}
          </p>
          <EvidenceTable evidence={e} />
          <p>
            Over the last {mins(data.window.endMs - data.window.startMs)}: migration speedup{' '}
            {c.migrationSpeedup === null ? '–' : `${fmt(c.migrationSpeedup, 2)}×`} · p95{' '}
            {pct(c.latencyP95ImprovementPercent)} · throughput {pct(c.throughputImprovementPercent)} · CPU{' '}
            {pct(c.cpuImprovementPercent)} · memory {pct(c.memoryImprovementPercent)} · bandwidth saved{' '}
            {c.bandwidthSavedPercent === null ? '–' : `${fmt(c.bandwidthSavedPercent)} %`} (
            {fmt(c.bandwidthSavedGb, 2)} GB) <span className="muted">(+ is v3 better)</span>
          </p>
          <PerVersionTable figures={data.figures.perVersion} />
          {data.figures.notes.map((n) => (
            <p key={n} className="muted">
              {n}
            </p>
          ))}
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
                  <td
                    className={
                      d.effect === 'forces-no-go' ? 'error' : d.effect === 'supports-go' ? '' : 'warning'
                    }
                  >
                    {d.effect}
                  </td>
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
