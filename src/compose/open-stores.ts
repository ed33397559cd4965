/**
 * Opening the monitor's data stores together for `startMonitor`: the sample store, then the span, log and exemplar
 * stores beside it; when one fails, the ones already open are closed before the error is rethrown. Wiring only.
 */
import type { Logger } from 'pino';
import type { Registry } from 'prom-client';
import type { CatalogMetrics } from '../catalog/registry.ts';
import type { MonitorConfig } from '../config.ts';
import type { LogStore } from '../logs/store/log-store.ts';
import { catalogRemoteStorageMetrics } from '../remote-store/metrics.ts';
import { catalogQueryCacheMetrics } from '../store/tsdb/cache-metrics.ts';
import type { OpenedStore } from '../store/sqlite.ts';
import type { ExemplarStore } from '../traces/exemplars/exemplar-store.ts';
import type { TraceStore } from '../traces/store/trace-store.ts';
import { openExemplarStore, openLogStore, openStore, openTraceStore } from './stores.ts';

/** The open data stores; the optional ones are undefined when their system is turned off. */
export interface DataStores {
  readonly store: OpenedStore;
  readonly traceStore: TraceStore | undefined;
  readonly logStore: LogStore | undefined;
  readonly exemplarStore: ExemplarStore | undefined;
}

/** Runs `open`; on failure closes `opened` (newest first) and rethrows. */
async function openOrClose<T>(
  open: () => Promise<T>,
  opened: readonly ({ close(): Promise<unknown> } | undefined)[],
): Promise<T> {
  try {
    return await open();
  } catch (e) {
    for (const s of [...opened].reverse()) await s?.close().catch(() => undefined);
    throw e;
  }
}

/**
 * Opens the sample, span, log and exemplar stores of the configuration.
 * @throws StoreError / ConfigError of the store that failed (the others are closed first).
 */
export async function openDataStores(
  config: MonitorConfig,
  registry: Registry,
  metrics: CatalogMetrics,
  log: Logger,
): Promise<DataStores> {
  const store = await openStore(config, {
    metrics: catalogRemoteStorageMetrics(metrics),
    log,
    queryCacheMetrics: catalogQueryCacheMetrics(metrics),
  });
  const traceStore = await openOrClose(() => openTraceStore(config), [store]);
  const logStore = await openOrClose(() => openLogStore(config), [store, traceStore]);
  const exemplarStore = await openOrClose(
    () => openExemplarStore(config, registry),
    [store, traceStore, logStore],
  );
  return { store, traceStore, logStore, exemplarStore };
}
