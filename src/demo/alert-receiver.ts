/**
 * A local webhook receiver for the demo: accepts Alertmanager webhook payloads on 127.0.0.1 and counts the
 * alerts it received, so the demo report can say how many alerts were really delivered over HTTP.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** What the receiver has seen. */
export interface ReceivedAlerts {
  readonly notifications: number;
  readonly firing: number;
  readonly resolved: number;
  /** Notifications whose idempotency key had been seen before (a receiver would drop them). */
  readonly duplicates: number;
  /** Each alert received (the last {@link MAX_RECORDED}): its `incident` label, status and arrival time. */
  readonly alerts: readonly ReceivedAlert[];
}

/** One alert as received. */
export interface ReceivedAlert {
  readonly incident: string | null;
  readonly status: 'firing' | 'resolved';
  readonly receivedAtMs: number;
}

/** Alerts and idempotency keys remembered at most. */
export const MAX_RECORDED = 10_000;

/** A running receiver. */
export interface AlertReceiver {
  readonly url: string;
  stats(): ReceivedAlerts;
  close(): Promise<void>;
}

interface PayloadShape {
  alerts?: { status?: string; labels?: Record<string, string> }[];
}

/**
 * Starts the receiver on 127.0.0.1 (ephemeral port unless `port` is given). Bodies over 1 MiB are refused
 * with 413; bodies that are not JSON get 400.
 */
export async function startAlertReceiver(port = 0): Promise<AlertReceiver> {
  let notifications = 0;
  let firing = 0;
  let resolved = 0;
  let duplicates = 0;
  const alerts: ReceivedAlert[] = [];
  const keys = new Set<string>();
  const server: Server = createServer((req, res) => {
    if (req.method !== 'POST') {
      res.writeHead(405).end();
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    let tooLarge = false;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > 1 << 20) tooLarge = true;
      else chunks.push(c);
    });
    req.on('end', () => {
      if (tooLarge) {
        res.writeHead(413).end();
        return;
      }
      try {
        const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as PayloadShape;
        const key = req.headers['idempotency-key'];
        if (typeof key === 'string') {
          if (keys.has(key)) duplicates++;
          keys.add(key);
          if (keys.size > MAX_RECORDED) keys.delete(keys.values().next().value!);
        }
        notifications++;
        for (const a of body.alerts ?? []) {
          const status = a.status === 'resolved' ? 'resolved' : 'firing';
          if (status === 'resolved') resolved++;
          else firing++;
          alerts.push({ incident: a.labels?.incident ?? null, status, receivedAtMs: Date.now() });
          if (alerts.length > MAX_RECORDED) alerts.shift();
        }
        res.writeHead(200).end();
      } catch {
        res.writeHead(400).end();
      }
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve());
  });
  const { port: actual } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${actual}/alerts`,
    stats: () => ({ notifications, firing, resolved, duplicates, alerts: [...alerts] }),
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
