/**
 * Sends the due alerts to every configured Alertmanager (API v2) and keeps, per URL, what was delivered, the
 * failures and the last error, for the delivery health (GET /api/alerting/health) and the alerting self-metrics.
 */
import type { ReceiverHealth } from '../../contract/alerting.ts';
import type { AlertingMetrics } from '../metrics.ts';
import type { DeliveryLog } from '../outbox/deliverer.ts';
import { postAlerts } from './client.ts';
import type { PostableAlert } from './forwarder.ts';

interface AmStats {
  delivered: number;
  failedAttempts: number;
  dropped: number;
  consecutiveFailures: number;
  lastError: string | null;
  lastSuccessMs: number | null;
}

/** Options of {@link AlertmanagerSenders}. */
export interface AlertmanagerSendersOptions {
  readonly clock: () => number;
  readonly log: DeliveryLog;
  readonly metrics: AlertingMetrics;
}

/** Posts alerts to Alertmanager URLs and keeps their delivery statistics (one entry per configured URL). */
export class AlertmanagerSenders {
  private readonly o: AlertmanagerSendersOptions;
  private readonly stats = new Map<string, AmStats>();

  constructor(o: AlertmanagerSendersOptions) {
    this.o = o;
  }

  /**
   * Posts `alerts` to every URL at once (timeout `timeoutMs` each); counts deliveries, failures and permanent
   * rejections (dropped), and warns on the first failure in a row and every 60th after it.
   * @returns true when at least one Alertmanager accepted them
   */
  async send(urls: readonly string[], alerts: readonly PostableAlert[], timeoutMs: number): Promise<boolean> {
    let anyOk = false;
    await Promise.all(
      urls.map(async (url) => {
        const s = this.stats.get(url) ?? {
          delivered: 0,
          failedAttempts: 0,
          dropped: 0,
          consecutiveFailures: 0,
          lastError: null,
          lastSuccessMs: null,
        };
        this.stats.set(url, s);
        const res = await postAlerts(url, alerts, timeoutMs);
        if (res.ok) {
          anyOk = true;
          s.delivered += alerts.length;
          s.consecutiveFailures = 0;
          s.lastSuccessMs = this.o.clock();
          this.o.metrics.delivered('alertmanager');
          return;
        }
        s.failedAttempts++;
        s.consecutiveFailures++;
        s.lastError = `${res.reason}: ${res.error}`;
        this.o.metrics.failed('alertmanager', res.reason);
        if (res.permanent) {
          s.dropped += alerts.length;
          this.o.metrics.dropped('alertmanager', 'rejected');
        }
        if (s.consecutiveFailures === 1 || s.consecutiveFailures % 60 === 0) {
          this.o.log.warn(
            {
              alertmanager: url,
              error: s.lastError,
              consecutiveFailures: s.consecutiveFailures,
              alerts: alerts.length,
            },
            'sending alerts to Alertmanager failed; resending on the next step',
          );
        }
      }),
    );
    return anyOk;
  }

  /** Delivery health of each URL at `now` (healthy below 3 failures in a row). */
  health(urls: readonly string[], now: number): ReceiverHealth[] {
    return urls.map((url) => {
      const s = this.stats.get(url);
      return {
        receiver: url,
        type: 'alertmanager',
        pending: 0,
        delivered: s?.delivered ?? 0,
        failedAttempts: s?.failedAttempts ?? 0,
        dropped: s?.dropped ?? 0,
        consecutiveFailures: s?.consecutiveFailures ?? 0,
        lastError: s?.lastError ?? null,
        lastSuccessMs: s?.lastSuccessMs ?? null,
        oldestPendingMs:
          s && s.consecutiveFailures > 0 && s.lastSuccessMs !== null ? now - s.lastSuccessMs : 0,
        healthy: (s?.consecutiveFailures ?? 0) < 3,
      };
    });
  }
}
