/**
 * Starting a real server binary (prometheus, prometheus-alertmanager, ...) for an integration test with
 * arguments of the test's choosing, waiting (bounded) until its readiness URL answers 200, and stopping it;
 * a free 127.0.0.1 port and bounded polling. `startPrometheus` in ./prometheus.ts builds on it for a config
 * text and the default flags.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer, type AddressInfo } from 'node:net';

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

/** A running server process. */
export interface ServerProcess {
  /** The process id (for CPU accounting from /proc in benchmarks). */
  readonly pid: number | undefined;
  /** Last lines of the process' stderr and stdout (for failure messages). */
  logs(): string;
  /** Whether the process has exited. */
  exited(): boolean;
  /** SIGTERM, then SIGKILL after 5 s; resolves when the process has exited. Idempotent. */
  stop(): Promise<void>;
  /** SIGKILL now (a crash: no shutdown code runs); resolves with the signal the process died of. */
  kill9(): Promise<NodeJS.Signals | null>;
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
  let exitSignal: NodeJS.Signals | null = null;
  const exitedP = new Promise<void>((resolve) =>
    child.once('exit', (_code, signal) => ((exited = true), (exitSignal = signal), resolve())),
  );
  let stopping: Promise<void> | undefined;
  const proc: ServerProcess = {
    pid: child.pid,
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
    async kill9() {
      if (!exited) child.kill('SIGKILL');
      await exitedP;
      return exitSignal;
    },
  };
  try {
    const outcome = await pollUntil(
      `${name} ${readyUrl}`,
      async () => {
        if (exited) return 'exited';
        const r = await fetch(readyUrl);
        await r.body?.cancel();
        return r.status === 200 ? 'ready' : undefined;
      },
      readyTimeoutMs,
    );
    if (outcome === 'exited') throw new Error(`${name} exited before it was ready: ${log}`);
  } catch (e) {
    await proc.stop();
    throw e;
  }
  return proc;
}
