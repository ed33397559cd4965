/**
 * Starting a real server binary (prometheus, prometheus-alertmanager, ...) for an integration test with
 * arguments of the test's choosing, waiting (bounded) until its readiness URL answers 200, and stopping it.
 * `startPrometheus` in ./prometheus.ts is the simpler variant for a config text and the default flags.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { pollUntil } from './prometheus.ts';

/** A running server process. */
export interface ServerProcess {
  /** Last lines of the process' stderr and stdout (for failure messages). */
  logs(): string;
  /** Whether the process has exited. */
  exited(): boolean;
  /** SIGTERM, then SIGKILL after 5 s; resolves when the process has exited. Idempotent. */
  stop(): Promise<void>;
}

/**
 * Spawns `binary args` and waits until GET `readyUrl` answers 200 (at most `readyTimeoutMs`).
 * @param name used in error messages
 * @throws Error when the process exits early or is not ready in time (the process is stopped first).
 */
export async function startServerProcess(
  name: string,
  binary: string,
  args: readonly string[],
  readyUrl: string,
  readyTimeoutMs = 30_000,
): Promise<ServerProcess> {
  const child: ChildProcess = spawn(binary, [...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let log = '';
  const append = (d: Buffer): void => {
    log = (log + d.toString()).slice(-16_000);
  };
  child.stdout?.on('data', append);
  child.stderr?.on('data', append);
  let exited = false;
  const exitedP = new Promise<void>((resolve) => child.once('exit', () => ((exited = true), resolve())));
  let stopping: Promise<void> | undefined;
  const proc: ServerProcess = {
    logs: () => log,
    exited: () => exited,
    stop() {
      stopping ??= (async () => {
        if (!exited) {
          child.kill('SIGTERM');
          const t = setTimeout(() => child.kill('SIGKILL'), 5000);
          await exitedP;
          clearTimeout(t);
        }
      })();
      return stopping;
    },
  };
  try {
    await pollUntil(
      `${name} ${readyUrl}`,
      async () => {
        if (exited) throw new Error(`${name} exited: ${log}`);
        const r = await fetch(readyUrl);
        await r.body?.cancel();
        return r.status === 200 ? true : undefined;
      },
      readyTimeoutMs,
    );
  } catch (e) {
    await proc.stop();
    throw e;
  }
  return proc;
}
