import { fetchDeliveryHealth } from '../alertingApi.ts';
import { usePoll } from '../usePoll.ts';

/** A banner at the top of the page while notification delivery is failing (polls /api/alerting/health every 5 s). */
export function DeliveryBanner() {
  const { data } = usePoll(fetchDeliveryHealth, 5000, []);
  if (!data || data.healthy) return null;
  const failing = data.receivers.filter((r) => !r.healthy);
  return (
    <div className="banner" role="alert" data-testid="delivery-banner">
      <strong>Notification delivery is failing.</strong>{' '}
      {failing.map((r) => (
        <span key={r.receiver} className="banner-item">
          {r.receiver} ({r.type}): {r.pending} waiting
          {r.oldestPendingMs > 0 ? `, oldest ${Math.round(r.oldestPendingMs / 1000)} s` : ''},{' '}
          {r.consecutiveFailures} failed attempts in a row
          {r.lastError ? ` (${r.lastError})` : ''}.
        </span>
      ))}{' '}
      Notifications are kept and retried.
    </div>
  );
}
