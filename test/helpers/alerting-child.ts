/**
 * A child process for the kill -9 test: runs the monitor's alerting service on a SQLite file with one webhook
 * receiver. `produce <db> <url> <n>`: opens n incidents (one critical anomaly each, on its own node in its own region), waits
 * until their notifications are in the outbox and two attempts to deliver have failed, prints `READY <n>` and keeps
 * trying to deliver until it is killed. `deliver <db> <url>`: restores and delivers, prints `STARTED`, runs until SIGTERM.
 */
import { startTestAlerting, testAnomaly } from './alerting-service.ts';
import { dirname, basename } from 'node:path';

const [mode, db, url, n] = process.argv.slice(2);
const alerting = await startTestAlerting(
  dirname(db!),
  {
    receivers: [{ name: 'hook', type: 'webhook', url, timeout: '1s' }],
    incidents: { groupWait: '0s' },
    outbox: { initialBackoff: '200ms', maxBackoff: '1s' },
  },
  basename(db!),
);
if (mode === 'produce') {
  const count = Number(n);
  alerting.service.onAnomalies(
    Array.from({ length: count }, (_, i) => testAnomaly(`node-${i + 1}`, `region-${i + 1}`, 'critical')),
    [],
  );
  for (let i = 0; i < 200 && (await alerting.service.pendingNotifications()) < count; i++)
    await new Promise((r) => setTimeout(r, 50));
  // Two failed attempts against the closed port: the first one's new attempt count is then in the outbox (a
  // receiver's attempts run one after another, each stored before the next).
  const failed = () => alerting.service.health().receivers[0]?.failedAttempts ?? 0;
  for (let i = 0; i < 200 && failed() < 2; i++) await new Promise((r) => setTimeout(r, 50));
  process.stdout.write(`READY ${await alerting.service.pendingNotifications()}\n`);
} else {
  process.stdout.write('STARTED\n');
}
process.once('SIGTERM', () => void alerting.stop().then(() => process.exit(0)));
setInterval(() => undefined, 1000);
