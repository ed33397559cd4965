import { useState } from 'react';
import { acknowledgeIncident, fetchIncidents, unacknowledgeIncident, type Incident } from '../alertingApi.ts';
import { fmtTime } from '../insightsApi.ts';
import { usePoll } from '../usePoll.ts';

const SEVERITY_CLASS = { info: 'sev-low', warning: 'sev-high', critical: 'sev-critical' } as const;

/** One incident's details: ranked root-cause candidates and member signals. */
function IncidentDetails({ incident }: { incident: Incident }) {
  return (
    <div className="details">
      <div>
        <strong>Root-cause candidates</strong>
        <ol>
          {incident.rootCause.map((c) => (
            <li key={c.signalKey}>
              {c.name} ({c.component}
              {c.node ? `, ${c.node}` : ''}) score {c.score}: {c.reasons.join('; ')}
            </li>
          ))}
        </ol>
      </div>
      <div>
        <strong>Signals ({incident.signals.length + incident.droppedSignals})</strong>
        <ul>
          {incident.signals.slice(0, 20).map((s) => (
            <li key={s.key} className={s.resolvedAtMs !== null ? 'muted' : ''}>
              {fmtTime(s.startedAtMs)} {s.summary}
              {s.resolvedAtMs !== null ? ` (resolved ${fmtTime(s.resolvedAtMs)})` : ''}
            </li>
          ))}
        </ul>
      </div>
    </div>
  );
}

/**
 * Incidents (correlated anomalies and rule alerts), newest first; polls /api/incidents every 3 s. Acknowledge
 * records who (the name typed above the table) and when; Undo removes the acknowledgement.
 */
export function IncidentsPanel() {
  const [tick, setTick] = useState(0);
  const { data, error } = usePoll(() => fetchIncidents(50), 3000, [tick]);
  const [who, setWho] = useState('');
  const [open, setOpen] = useState<string | null>(new URLSearchParams(location.search).get('incident'));
  const [actionError, setActionError] = useState<string | null>(null);
  const act = async (f: () => Promise<unknown>): Promise<void> => {
    try {
      await f();
      setActionError(null);
      setTick((t) => t + 1);
    } catch (e) {
      setActionError(e instanceof Error ? e.message : String(e));
    }
  };
  return (
    <section className="panel" data-testid="incidents">
      <h2>Incidents</h2>
      <div className="controls">
        <label>
          Your name (for acknowledgements)
          <input value={who} onChange={(e) => setWho(e.target.value)} placeholder="e.g. alice" />
        </label>
      </div>
      {error && <p className="error">Incidents unavailable: {error}</p>}
      {actionError && <p className="error">{actionError}</p>}
      <table>
        <thead>
          <tr>
            <th>Started</th>
            <th>Severity</th>
            <th>Status</th>
            <th>Incident</th>
            <th>Node / region</th>
            <th>Root cause</th>
            <th>Signals</th>
            <th>Notified</th>
            <th>Acknowledged</th>
          </tr>
        </thead>
        <tbody>
          {(data ?? []).map((i) => [
            <tr key={i.id} className={i.status === 'resolved' ? 'resolved' : ''}>
              <td>{fmtTime(i.startedAtMs)}</td>
              <td>
                <span className={`badge ${SEVERITY_CLASS[i.severity]}`}>{i.severity}</span>
              </td>
              <td>{i.status}</td>
              <td>
                <button
                  className="link"
                  onClick={() => setOpen(open === i.id ? null : i.id)}
                  title="show root-cause candidates and signals"
                >
                  {i.title}
                </button>
              </td>
              <td>{[i.node, i.region].filter(Boolean).join(' / ') || '–'}</td>
              <td>{i.rootCause[0] ? `${i.rootCause[0].name} (${i.rootCause[0].component})` : '–'}</td>
              <td>{i.signals.length + i.droppedSignals}</td>
              <td>{i.notifiedReceivers.join(', ') || '–'}</td>
              <td>
                {i.acknowledgement ? (
                  <>
                    {i.acknowledgement.by} at {fmtTime(i.acknowledgement.atMs)}{' '}
                    <button onClick={() => void act(() => unacknowledgeIncident(i.id))}>Undo</button>
                  </>
                ) : (
                  <button
                    disabled={who.trim() === ''}
                    title={who.trim() === '' ? 'type your name first' : ''}
                    onClick={() => void act(() => acknowledgeIncident(i.id, who.trim(), ''))}
                  >
                    Acknowledge
                  </button>
                )}
              </td>
            </tr>,
            open === i.id ? (
              <tr key={`${i.id}-details`}>
                <td colSpan={9}>
                  <IncidentDetails incident={i} />
                </td>
              </tr>
            ) : null,
          ])}
        </tbody>
      </table>
      {data && data.length === 0 && <p className="muted">No incidents.</p>}
    </section>
  );
}
