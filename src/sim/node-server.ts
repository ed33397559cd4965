/**
 * The HTTP side of a simulated node: serves its registry with the SDK metrics server (GET /metrics, /health,
 * /ready), closes while a node_down fault is active and reopens on the same port afterwards. Start/stop work
 * is serialised on one promise chain, so a tick never waits for it.
 */
import type { Registry } from 'prom-client';
import { startMetricsServer, type MetricsServer, type MetricsServerRoute } from '../sdk/metrics-server.ts';

/** Options of {@link NodeServer}. */
export interface NodeServerOptions {
  readonly id: string;
  readonly registry: Registry;
  /** The /ready condition. */
  readonly ready: () => boolean;
  /** Receives restart failures. */
  readonly warn: (message: string) => void;
  /** Version of the registry's content (the node's tick count): scrapes between two ticks share one render. */
  readonly contentVersion?: () => number;
}

/** The metrics server of one node. */
export class NodeServer {
  private readonly opts: NodeServerOptions;
  private server: MetricsServer | undefined;
  private listenHost = '127.0.0.1';
  private listenPort = 0;
  private serverOp: Promise<void> = Promise.resolve();
  private stopped = false;
  /** Extra GET routes of the metrics server (e.g. /debug/pprof/profile); set before `listen`. */
  routes: ReadonlyMap<string, MetricsServerRoute> | undefined;

  constructor(opts: NodeServerOptions) {
    this.opts = opts;
  }

  /** URL of the running server, or undefined while not serving. */
  get url(): string | undefined {
    return this.server?.url;
  }

  /** The last bound port (0 before listen). */
  get port(): number {
    return this.listenPort;
  }

  /**
   * Starts the metrics server.
   * @returns the bound port (useful when `port` is 0).
   * @throws the listen error (e.g. EADDRINUSE).
   */
  async listen(host: string, port: number): Promise<number> {
    this.listenHost = host;
    this.server = await this.start(host, port);
    this.listenPort = this.server.port;
    return this.listenPort;
  }

  /** Stops the server for good (pending restarts are cancelled). */
  async close(): Promise<void> {
    this.stopped = true;
    await this.serverOp;
    const s = this.server;
    this.server = undefined;
    if (s) await s.close();
  }

  /** Resolves when stop/restart work started so far has finished. */
  settled(): Promise<void> {
    return this.serverOp;
  }

  /**
   * Queues closing (`up` false) or reopening (`up` true, on the last bound port) the server. Does nothing
   * before the first `listen` or after `close`; a failed reopen is reported through `warn`.
   */
  setServing(up: boolean): void {
    if (this.listenPort === 0) return;
    this.serverOp = this.serverOp.then(async () => {
      if (this.stopped) return;
      if (!up && this.server) {
        const s = this.server;
        this.server = undefined;
        await s.close();
      } else if (up && !this.server) {
        try {
          this.server = await this.start(this.listenHost, this.listenPort);
        } catch (e) {
          this.opts.warn(
            `${this.opts.id}: restarting the metrics server on port ${this.listenPort} failed: ${(e as Error).message}`,
          );
        }
      }
    });
  }

  private start(host: string, port: number): Promise<MetricsServer> {
    return startMetricsServer({
      registry: this.opts.registry,
      host,
      port,
      service: `dwcp-sim-${this.opts.id}`,
      ready: this.opts.ready,
      ...(this.opts.contentVersion ? { contentVersion: this.opts.contentVersion } : {}),
      ...(this.routes ? { routes: this.routes } : {}),
    });
  }
}
