/**
 * Posts alerts to Alertmanager's API v2 (`POST /api/v2/alerts`, a JSON list of postable alerts), classifying
 * the outcome as the outbox does (4xx permanent, 5xx/timeouts retried).
 * @see https://github.com/prometheus/alertmanager/blob/main/api/v2/openapi.yaml (postAlerts)
 */
import { httpTransport, type SendResult } from '../delivery/transport.ts';
import type { PostableAlert } from './forwarder.ts';

/** Posts `alerts` to the Alertmanager at `baseUrl` (e.g. http://127.0.0.1:9093). */
export function postAlerts(
  baseUrl: string,
  alerts: readonly PostableAlert[],
  timeoutMs: number,
): Promise<SendResult> {
  const url = `${baseUrl.replace(/\/+$/, '')}/api/v2/alerts`;
  return httpTransport(url, timeoutMs).send({ type: 'webhook', body: alerts }, '');
}
