/**
 * Helpers for integration tests that run the real Debian `prometheus` binary: a free 127.0.0.1 port,
 * bounded polling, and starting/stopping Prometheus with a generated config in a temporary directory.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A TCP port that was free on 127.0.0.1 a moment ago (bind port 0, read it, close). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as AddressInfo).port;
      s.close(() => resolve(port));
    });
  });
}

/**
 * Calls `fn` every `intervalMs` until it returns a value other than undefined, or throws after `timeoutMs`
 * with `what` and the last error in the message.
 */
export async function pollUntil<T>(
  what: string,
  fn: () => Promise<T | undefined>,
  timeoutMs = 30_000,
  intervalMs = 250,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const v = await fn();
      if (v !== undefined) return v;
    } catch (e) {
      last = e;
    }
    if (Date.now() >= deadline)
      throw new Error(
        `timed out after ${timeoutMs} ms waiting for ${what}${last ? `: ${String(last)}` : ''}`,
      );
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}

/** One static scrape target. */
export interface ScrapeTarget {
  /** host:port */
  readonly address: string;
  readonly labels?: Readonly<Record<string, string>>;
}

export interface PrometheusInstance {
  /** e.g. http://127.0.0.1:41234 */
  readonly url: string;
  readonly dir: string;
  /** Last lines of Prometheus' stderr (for failure messages). */
  logs(): string;
  /** GET `${url}${path}` and parse the JSON `data` of a successful API response. */
  api<T>(path: string): Promise<T>;
  /** Kills Prometheus (SIGTERM, then SIGKILL after 5 s) and removes its directory. Idempotent. */
  stop(): Promise<void>;
}

/** prometheus.yml scraping `targets` as job `job` every `interval`. */
export function prometheusConfig(job: string, targets: readonly ScrapeTarget[], interval = '1s'): string {
  const lines = [
    'global:',
    `  scrape_interval: ${interval}`,
    `  scrape_timeout: ${interval}`,
    'scrape_configs:',
    `  - job_name: ${JSON.stringify(job)}`,
    '    static_configs:',
  ];
  for (const t of targets) {
    lines.push(`      - targets: [${JSON.stringify(t.address)}]`);
    if (t.labels && Object.keys(t.labels).length > 0) {
      lines.push('        labels:');
      for (const [k, v] of Object.entries(t.labels)) lines.push(`          ${k}: ${JSON.stringify(v)}`);
    }
  }
  return lines.join('\n') + '\n';
}

/**
 * Starts `binary` with `config` on a free 127.0.0.1 port and a temporary TSDB, and waits (bounded) until
 * /-/ready answers 200.
 * @throws Error when Prometheus exits early or is not ready within `readyTimeoutMs`.
 */
export async function startPrometheus(
  binary: string,
  config: string,
  readyTimeoutMs = 30_000,
): Promise<PrometheusInstance> {
  const dir = mkdtempSync(join(tmpdir(), 'dwcp-prom-'));
  const configFile = join(dir, 'prometheus.yml');
  writeFileSync(configFile, config);
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const child: ChildProcess = spawn(
    binary,
    [
      `--config.file=${configFile}`,
      `--storage.tsdb.path=${join(dir, 'data')}`,
      `--web.listen-address=127.0.0.1:${port}`,
      '--log.level=warn',
    ],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  let log = '';
  child.stderr?.on('data', (d: Buffer) => {
    log = (log + d.toString()).slice(-8000);
  });
  let exited = false;
  const exitedP = new Promise<void>((resolve) => child.once('exit', () => ((exited = true), resolve())));
  let stopping: Promise<void> | undefined;
  const stop = (): Promise<void> => {
    stopping ??= (async () => {
      if (!exited) {
        child.kill('SIGTERM');
        const t = setTimeout(() => child.kill('SIGKILL'), 5000);
        await exitedP;
        clearTimeout(t);
      }
      rmSync(dir, { recursive: true, force: true });
    })();
    return stopping;
  };
  const inst: PrometheusInstance = {
    url,
    dir,
    logs: () => log,
    async api<T>(path: string): Promise<T> {
      const res = await fetch(url + path);
      const body = (await res.json()) as { status: string; data: T; error?: string };
      if (body.status !== 'success') throw new Error(`${path}: ${body.error ?? res.status}`);
      return body.data;
    },
    stop,
  };
  try {
    await pollUntil(
      'prometheus /-/ready',
      async () => {
        if (exited) throw new Error(`prometheus exited: ${log}`);
        const r = await fetch(`${url}/-/ready`);
        await r.body?.cancel();
        return r.status === 200 ? true : undefined;
      },
      readyTimeoutMs,
    );
  } catch (e) {
    await stop();
    throw e;
  }
  return inst;
}
