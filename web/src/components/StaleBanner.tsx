import { clock } from '../format.ts';
import { usePoll } from '../usePoll.ts';

/** How often the monitor is asked whether it answers, ms. */
const CHECK_MS = 5000;

async function checkHealth(): Promise<number> {
  const res = await fetch('/health', { cache: 'no-store' });
  if (!res.ok) throw new Error(`HTTP ${res.status}`);
  return Date.now();
}

/**
 * A banner at the top of every view while the monitor does not answer (GET /health every 5 s): the panels keep
 * their last data, which is then stale — the banner says since when.
 */
export function StaleBanner() {
  const { data: lastOk, error } = usePoll(checkHealth, CHECK_MS, []);
  if (error === null) return null;
  return (
    <div className="banner" role="alert" data-testid="stale-banner">
      <strong>The monitor is not answering</strong> ({error}). The data shown is from{' '}
      {lastOk === undefined ? 'before this page was opened' : `${clock(lastOk)} or earlier`} and may be stale;
      retrying every {CHECK_MS / 1000} s.
    </div>
  );
}
