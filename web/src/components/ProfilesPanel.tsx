import { useState } from 'react';
import { fmtTime } from '../insightsApi.ts';
import {
  captureProfile,
  compareProfiles,
  fetchFlameGraph,
  fetchProfiles,
  fmtBytes,
  type FlameGraphDto,
  type ProfileComparisonDto,
  type ProfileInfo,
} from '../opsApi.ts';
import { usePoll } from '../usePoll.ts';
import { FlameGraph } from './FlameGraph.tsx';

const pct = (v: number) => `${(v * 100).toFixed(1)} %`;

function DeltaTable({ title, rows }: { title: string; rows: ProfileComparisonDto['gained'] }) {
  return (
    <div>
      <h3>{title}</h3>
      <table>
        <thead>
          <tr>
            <th>Function</th>
            <th>Self before</th>
            <th>Self after</th>
            <th>Change</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((d) => (
            <tr key={`${d.name}@${d.file}`} title={d.file}>
              <td className="mono">{d.name}</td>
              <td>{pct(d.baseSelfShare)}</td>
              <td>{pct(d.targetSelfShare)}</td>
              <td>{`${d.selfShareDelta > 0 ? '+' : ''}${(d.selfShareDelta * 100).toFixed(1)} pt`}</td>
            </tr>
          ))}
          {rows.length === 0 && (
            <tr>
              <td colSpan={4}>None.</td>
            </tr>
          )}
        </tbody>
      </table>
    </div>
  );
}

/** Stored profiles: take one of the monitor, show a flame graph, compare two of the same kind. Polls every 5 s. */
export function ProfilesPanel() {
  const [reload, setReload] = useState(0);
  const { data, error } = usePoll(fetchProfiles, 5000, [reload]);
  const [busy, setBusy] = useState<string | null>(null);
  const [actionError, setActionError] = useState<string | null>(null);
  const [shown, setShown] = useState<{ id: number; graph: FlameGraphDto } | null>(null);
  const [base, setBase] = useState<number | null>(null);
  const [comparison, setComparison] = useState<ProfileComparisonDto | null>(null);

  const run = async (what: string, f: () => Promise<void>) => {
    setBusy(what);
    setActionError(null);
    try {
      await f();
    } catch (e) {
      setActionError(e instanceof Error ? e.message : String(e));
    } finally {
      setBusy(null);
    }
  };
  const take = (kind: 'cpu' | 'heap') =>
    run(kind, async () => {
      await captureProfile(kind, 5);
      setReload((r) => r + 1);
    });
  const show = (p: ProfileInfo) =>
    run('flame', async () => setShown({ id: p.id, graph: await fetchFlameGraph(p.id) }));
  const compareWith = (p: ProfileInfo) =>
    run('compare', async () => {
      if (base === null) {
        setBase(p.id);
        setComparison(null);
        return;
      }
      setComparison(await compareProfiles(base, p.id));
      setBase(null);
    });

  return (
    <section className="panel">
      <h2>Profiles</h2>
      <div className="controls">
        <button disabled={busy !== null} onClick={() => void take('cpu')}>
          {busy === 'cpu' ? 'Profiling CPU…' : 'CPU profile (5 s)'}
        </button>
        <button disabled={busy !== null} onClick={() => void take('heap')}>
          Heap profile
        </button>
        <span className="muted">
          pprof downloads open in go tool pprof, Pyroscope and Grafana; raw endpoints:
          /debug/pprof/profile?seconds=N, /debug/pprof/heap
        </span>
      </div>
      {error && <p className="error">Profiles unavailable: {error}</p>}
      {actionError && <p className="error">{actionError}</p>}
      {base !== null && <p className="muted">Comparing with profile {base}: choose the second profile.</p>}
      <table>
        <thead>
          <tr>
            <th>Id</th>
            <th>Kind</th>
            <th>Source</th>
            <th>Trigger</th>
            <th>Taken</th>
            <th>Size</th>
            <th />
          </tr>
        </thead>
        <tbody>
          {(data ?? []).map((p) => (
            <tr key={p.id} className={shown?.id === p.id || base === p.id ? 'selected' : ''}>
              <td>{p.id}</td>
              <td>{p.kind}</td>
              <td>{p.source}</td>
              <td>{p.trigger.replace('_', '-')}</td>
              <td>{fmtTime(p.startedAtMs)}</td>
              <td>{fmtBytes(p.sizeBytes)}</td>
              <td>
                <button onClick={() => void show(p)}>Flame graph</button>{' '}
                <button onClick={() => void compareWith(p)}>
                  {base === null ? 'Compare…' : 'Compare with this'}
                </button>{' '}
                <a href={`/api/profiles/${p.id}`}>pprof</a>
              </td>
            </tr>
          ))}
          {data?.length === 0 && (
            <tr>
              <td colSpan={7}>No stored profiles yet.</td>
            </tr>
          )}
        </tbody>
      </table>
      {shown && (
        <>
          <h3>Profile {shown.id}</h3>
          <FlameGraph key={shown.id} graph={shown.graph} />
        </>
      )}
      {comparison && (
        <div className="controls">
          <DeltaTable title={`Gained (${comparison.sampleType.type})`} rows={comparison.gained} />
          <DeltaTable title="Lost" rows={comparison.lost} />
        </div>
      )}
    </section>
  );
}
