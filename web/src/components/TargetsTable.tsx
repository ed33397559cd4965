import { fetchTargets } from '../api.ts';
import { usePoll } from '../usePoll.ts';

/** Scrape targets with health and last error; polls /api/v1/targets every 2 s. */
export function TargetsTable() {
  const { data, error } = usePoll(fetchTargets, 2000, []);
  return (
    <section className="panel">
      <h2>Targets</h2>
      {error && <p className="error">Targets unavailable: {error}</p>}
      <table>
        <thead>
          <tr>
            <th>Target</th>
            <th>URL</th>
            <th>Health</th>
            <th>Last scrape</th>
            <th>Duration</th>
            <th>Last error</th>
          </tr>
        </thead>
        <tbody>
          {(data ?? []).map((t) => (
            <tr key={t.id}>
              <td>{t.id}</td>
              <td className="mono">{t.scrapeUrl}</td>
              <td>
                <span className={`badge health-${t.health}`}>{t.health}</span>
              </td>
              <td>
                {t.lastScrape.startsWith('0001') ? 'never' : new Date(t.lastScrape).toLocaleTimeString()}
              </td>
              <td>{(t.lastScrapeDuration * 1000).toFixed(1)} ms</td>
              <td className="error-text">{t.lastError}</td>
            </tr>
          ))}
          {data?.length === 0 && (
            <tr>
              <td colSpan={6}>No targets configured.</td>
            </tr>
          )}
        </tbody>
      </table>
    </section>
  );
}
