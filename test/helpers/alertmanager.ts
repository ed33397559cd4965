/**
 * Helpers for integration tests that run the real Debian `prometheus-alertmanager` (0.25): start it on a free
 * 127.0.0.1 port with gossip clustering disabled, record the webhook notifications it sends to a local
 * node:http server, and redirect every receiver of a config to that server.
 * Webhook payload: https://prometheus.io/docs/alerting/latest/configuration/#webhook_config (version 4).
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { freePort, startServerProcess, type ServerProcess } from './server-process.ts';

/** One alert of a webhook notification. */
export interface WebhookAlert {
  readonly status: 'firing' | 'resolved';
  readonly labels: Record<string, string>;
  readonly annotations: Record<string, string>;
  readonly startsAt: string;
  readonly endsAt: string;
  readonly fingerprint: string;
}

/** One webhook notification (Alertmanager payload version 4). */
export interface WebhookMessage {
  readonly version: string;
  readonly receiver: string;
  readonly status: 'firing' | 'resolved';
  readonly alerts: readonly WebhookAlert[];
  readonly groupLabels: Record<string, string>;
  readonly commonLabels: Record<string, string>;
  /** Set by the recorder: Unix ms when the notification arrived. */
  readonly receivedAtMs: number;
}

/** A local webhook receiver that keeps every notification (at most `limit`, oldest dropped). */
export interface WebhookRecorder {
  /** e.g. http://127.0.0.1:41234/alerts */
  readonly url: string;
  readonly messages: readonly WebhookMessage[];
  close(): Promise<void>;
}

/** Starts a webhook recorder on 127.0.0.1 (ephemeral port); answers 200 to every POST with a JSON body. */
export async function startWebhookRecorder(limit = 10_000): Promise<WebhookRecorder> {
  const messages: WebhookMessage[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size <= 4_000_000) chunks.push(c);
    });
    req.on('end', () => {
      try {
        const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as Omit<
          WebhookMessage,
          'receivedAtMs'
        >;
        messages.push({ ...body, receivedAtMs: Date.now() });
        if (messages.length > limit) messages.shift();
        res.writeHead(200).end();
      } catch {
        res.writeHead(400).end();
      }
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  let closing: Promise<void> | undefined;
  return {
    url: `http://127.0.0.1:${port}/alerts`,
    messages,
    close() {
      closing ??= new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      });
      return closing;
    },
  };
}

/**
 * A copy of an Alertmanager config (parsed YAML) whose receivers all send to `url` with a webhook_config
 * (same receiver names, `send_resolved: true`); `global`, the route tree (matchers, group_by, timings,
 * continue) and `inhibit_rules` are kept as they are.
 */
export function redirectReceiversToWebhook(
  config: Record<string, unknown>,
  url: string,
): Record<string, unknown> {
  const receivers = config.receivers as { name: string }[] | undefined;
  if (!Array.isArray(receivers) || receivers.length === 0) throw new Error('config has no receivers');
  return {
    ...config,
    receivers: receivers.map((r) => ({ name: r.name, webhook_configs: [{ url, send_resolved: true }] })),
  };
}

/** A running Alertmanager. */
export interface AlertmanagerInstance {
  /** e.g. http://127.0.0.1:41234 */
  readonly url: string;
  /** host:port, for Prometheus' alerting config and scrape targets. */
  readonly address: string;
  readonly process: ServerProcess;
  stop(): Promise<void>;
}

/**
 * Starts `binary` with `configFile`, its data under `dataDir`, on a free 127.0.0.1 port and with the gossip
 * cluster listener disabled (`--cluster.listen-address=`), and waits until /-/ready answers 200.
 * @throws Error when Alertmanager exits early (e.g. invalid config) or is not ready in time.
 */
export async function startAlertmanager(
  binary: string,
  configFile: string,
  dataDir: string,
  readyTimeoutMs = 30_000,
): Promise<AlertmanagerInstance> {
  const port = await freePort();
  const address = `127.0.0.1:${port}`;
  const url = `http://${address}`;
  const proc = await startServerProcess(
    'alertmanager',
    binary,
    [
      `--config.file=${configFile}`,
      `--storage.path=${join(dataDir, 'alertmanager-data')}`,
      `--web.listen-address=${address}`,
      '--cluster.listen-address=',
      '--log.level=warn',
    ],
    `${url}/-/ready`,
    readyTimeoutMs,
  );
  return { url, address, process: proc, stop: () => proc.stop() };
}
