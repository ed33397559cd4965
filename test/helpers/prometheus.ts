/**
 * Helpers for integration tests that run the real Debian `prometheus` binary: starting/stopping Prometheus
 * with a generated config in a temporary directory (process handling in ./server-process.ts).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, startServerProcess, type ServerProcess } from './server-process.ts';

/**
 * GET `${url}${path}` of a Prometheus HTTP API and the `data` of a successful response.
 * @throws Error with the API's error text (or the HTTP status) when the status is not `success`.
 */
export async function prometheusApi<T>(url: string, path: string): Promise<T> {
  const res = await fetch(url + path);
  const body = (await res.json()) as { status: string; data: T; error?: string };
  if (body.status !== 'success') throw new Error(`${path}: ${body.error ?? res.status}`);
  return body.data;
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
  /** The process id (for CPU accounting from /proc in benchmarks). */
  readonly pid: number | undefined;
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
 * The `remote_write` section sending to `url` every second (short backoffs, for tests), with a bearer token read
 * from `credentialsFile` when given.
 */
export function remoteWriteConfig(url: string, credentialsFile?: string): string {
  return [
    'remote_write:',
    `  - url: ${JSON.stringify(url)}`,
    ...(credentialsFile
      ? ['    authorization:', `      credentials_file: ${JSON.stringify(credentialsFile)}`]
      : []),
    '    queue_config:',
    '      batch_send_deadline: 1s',
    '      min_backoff: 100ms',
    '      max_backoff: 1s',
    '',
  ].join('\n');
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
  let proc: ServerProcess;
  try {
    proc = await startServerProcess(
      'prometheus',
      binary,
      [
        `--config.file=${configFile}`,
        `--storage.tsdb.path=${join(dir, 'data')}`,
        `--web.listen-address=127.0.0.1:${port}`,
        '--log.level=warn',
      ],
      `${url}/-/ready`,
      readyTimeoutMs,
    );
  } catch (e) {
    rmSync(dir, { recursive: true, force: true });
    throw e;
  }
  let stopping: Promise<void> | undefined;
  const stop = (): Promise<void> => {
    stopping ??= proc.stop().then(() => rmSync(dir, { recursive: true, force: true }));
    return stopping;
  };
  const inst: PrometheusInstance = {
    url,
    dir,
    pid: proc.pid,
    logs: () => proc.logs(),
    api: <T>(path: string): Promise<T> => prometheusApi<T>(url, path),
    stop,
  };
  return inst;
}
