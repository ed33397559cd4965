import { useState } from 'react';
import { fetchReports, fmtBytes, generateReport, type ReportInfo } from '../opsApi.ts';
import { usePoll } from '../usePoll.ts';

const PERIODS = { '1h': 3_600_000, '24h': 86_400_000, '7d': 7 * 86_400_000 } as const;
const fmtDate = (ms: number) => new Date(ms).toLocaleString([], { hour12: false });

/** Stored reports (scheduled and on demand) with links, and a form to generate one. Polls every 10 s. */
export function ReportsPanel() {
  const [reload, setReload] = useState(0);
  const { data, error } = usePoll(fetchReports, 10_000, [reload]);
  const [period, setPeriod] = useState<keyof typeof PERIODS>('1h');
  const [format, setFormat] = useState<ReportInfo['format']>('html');
  const [busy, setBusy] = useState(false);
  const [actionError, setActionError] = useState<string | null>(null);
  const generate = async () => {
    setBusy(true);
    setActionError(null);
    try {
      const to = Date.now();
      await generateReport(to - PERIODS[period], to, format);
      setReload((r) => r + 1);
    } catch (e) {
      setActionError(e instanceof Error ? e.message : String(e));
    } finally {
      setBusy(false);
    }
  };
  return (
    <section className="panel">
      <h2>Reports</h2>
      <div className="controls">
        <label>
          Period
          <select value={period} onChange={(e) => setPeriod(e.target.value as keyof typeof PERIODS)}>
            <option value="1h">last hour</option>
            <option value="24h">last 24 hours</option>
            <option value="7d">last 7 days</option>
          </select>
        </label>
        <label>
          Format
          <select value={format} onChange={(e) => setFormat(e.target.value as ReportInfo['format'])}>
            <option value="html">HTML</option>
            <option value="pdf">PDF</option>
            <option value="md">Markdown</option>
          </select>
        </label>
        <button disabled={busy} onClick={() => void generate()}>
          {busy ? 'Generating…' : 'Generate report'}
        </button>
      </div>
      {error && <p className="error">Reports unavailable: {error}</p>}
      {actionError && <p className="error">{actionError}</p>}
      <table>
        <thead>
          <tr>
            <th>Report</th>
            <th>Period</th>
            <th>Format</th>
            <th>Size</th>
            <th>Generated in</th>
          </tr>
        </thead>
        <tbody>
          {(data ?? []).map((r) => (
            <tr key={r.id}>
              <td>
                <a href={`/api/reports/${r.id}`} target="_blank" rel="noreferrer">
                  {r.title} #{r.id}
                </a>
              </td>
              <td>
                {fmtDate(r.fromMs)} – {fmtDate(r.toMs)}
              </td>
              <td>{r.format}</td>
              <td>{fmtBytes(r.sizeBytes)}</td>
              <td>{r.generationMs} ms</td>
            </tr>
          ))}
          {data?.length === 0 && (
            <tr>
              <td colSpan={5}>No reports yet: scheduled ones appear after each hour, day and week.</td>
            </tr>
          )}
        </tbody>
      </table>
    </section>
  );
}
