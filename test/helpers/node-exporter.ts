/** Starting the real Debian `prometheus-node-exporter` on a free 127.0.0.1 port for integration tests. */
import { spawn } from 'node:child_process';
import { freePort, pollUntil } from './prometheus.ts';

export interface NodeExporterInstance {
  /** e.g. http://127.0.0.1:41234/metrics */
  readonly metricsUrl: string;
  /** Last lines of the exporter's stderr (for failure messages). */
  logs(): string;
  /** Kills the exporter (SIGTERM, then SIGKILL after 5 s). Idempotent. */
  stop(): Promise<void>;
}

/**
 * Starts `binary` with its default collectors on a free port and waits (bounded) until /metrics answers 200.
 * @throws Error when the exporter exits early or does not answer within `readyTimeoutMs`.
 */
export async function startNodeExporter(binary: string, readyTimeoutMs = 20_000): Promise<NodeExporterInstance> {
  const port = await freePort();
  const child = spawn(binary, [`--web.listen-address=127.0.0.1:${port}`, '--no-collector.systemd', '--log.level=warn'], { stdio: ['ignore', 'ignore', 'pipe'] });
  let log = '';
  child.stderr?.on('data', (d: Buffer) => {
    log = (log + d.toString()).slice(-8000);
  });
  let exited = false;
  const exitedP = new Promise<void>((resolve) => child.once('exit', () => ((exited = true), resolve())));
  let stopping: Promise<void> | undefined;
  const inst: NodeExporterInstance = {
    metricsUrl: `http://127.0.0.1:${port}/metrics`,
    logs: () => log,
    stop() {
      stopping ??= (async () => {
        if (exited) return;
        child.kill('SIGTERM');
        const t = setTimeout(() => child.kill('SIGKILL'), 5000);
        await exitedP;
        clearTimeout(t);
      })();
      return stopping;
    },
  };
  try {
    await pollUntil('node_exporter /metrics', async () => {
      if (exited) throw new Error(`node_exporter exited: ${log}`);
      const res = await fetch(inst.metricsUrl);
      await res.arrayBuffer();
      return res.ok ? true : undefined;
    }, readyTimeoutMs, 100);
  } catch (e) {
    await inst.stop();
    throw e;
  }
  return inst;
}
