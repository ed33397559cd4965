/**
 * Starting the real Debian `victoria-metrics` (single-node) for integration tests: a free 127.0.0.1 port, a
 * temporary `-storageDataPath`, `-search.latencyOffset=1s` (samples become queryable a second after their
 * timestamp instead of 30 s), the result cache off, a retention of 100 years (the store contract writes samples
 * of 2023). Stopped by its process handle, never by name.
 * @see https://docs.victoriametrics.com/single-server-victoriametrics/#list-of-command-line-flags
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openRemoteStore, type RemoteBackedStore } from '../../src/remote-store/open.ts';
import { openSqliteStore } from '../../src/store/sqlite.ts';
import type { BucketedSampleReader } from '../../src/store/stepped-types.ts';
import type { SampleStore } from '../../src/store/types.ts';
import { freePort, startServerProcess } from './server-process.ts';
import type { StoreUnderTest } from './store-fixtures.ts';

/** A running VictoriaMetrics. */
export interface VictoriaMetricsInstance {
  /** e.g. http://127.0.0.1:41234 (the query API root) */
  readonly url: string;
  /** The remote-write endpoint. */
  readonly writeUrl: string;
  /** The process id (CPU accounting in benchmarks). */
  readonly pid: number | undefined;
  /** Makes the samples received so far visible to queries now (/internal/force_flush). */
  forceFlush(): Promise<void>;
  /** Last lines of its output (for failure messages). */
  logs(): string;
  /** SIGTERM (SIGKILL after 5 s) and removal of its data directory. Idempotent. */
  stop(): Promise<void>;
}

/**
 * Starts `binary` and waits (bounded) until /health answers 200.
 * @throws Error when it exits early or is not ready within `readyTimeoutMs`.
 */
export async function startVictoriaMetrics(
  binary: string,
  extraArgs: readonly string[] = [],
  readyTimeoutMs = 30_000,
): Promise<VictoriaMetricsInstance> {
  const dir = mkdtempSync(join(tmpdir(), 'dwcp-vm-'));
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const args = [
    `-storageDataPath=${dir}`,
    `-httpListenAddr=127.0.0.1:${port}`,
    '-retentionPeriod=100y',
    '-search.latencyOffset=1s',
    '-search.disableCache',
    '-loggerLevel=WARN',
    ...extraArgs,
  ];
  let proc;
  try {
    proc = await startServerProcess('victoria-metrics', binary, args, `${url}/health`, readyTimeoutMs);
  } catch (e) {
    rmSync(dir, { recursive: true, force: true });
    throw e;
  }
  let stopping: Promise<void> | undefined;
  return {
    url,
    writeUrl: `${url}/api/v1/write`,
    pid: proc.pid,
    async forceFlush() {
      const r = await fetch(`${url}/internal/force_flush`);
      await r.body?.cancel();
      if (r.status !== 200) throw new Error(`force_flush answered ${r.status}`);
    },
    logs: () => proc.logs(),
    stop() {
      stopping ??= proc.stop().then(() => rmSync(dir, { recursive: true, force: true }));
      return stopping;
    },
  };
}

/**
 * The store of `storage.type: victoriametrics` on `vm` with a SQLite state store in memory, as the store
 * contract sees it: a remote store is eventually consistent (queued, sent, then flushed by the database), so
 * each `append` here also waits for the queue to empty and for VictoriaMetrics to flush before it returns.
 * Series and names are looked up 10 years back (the contract writes samples of 2023).
 */
export async function victoriaStoreUnderTest(
  vm: VictoriaMetricsInstance,
  o: { allowNonFinite?: boolean } = {},
): Promise<StoreUnderTest & { readonly store: RemoteBackedStore }> {
  const state = await openSqliteStore({ path: ':memory:', retentionMs: 3_600_000 });
  const store = openRemoteStore({
    writeUrl: vm.writeUrl,
    readUrl: vm.url,
    retentionMs: 10 * 365 * 86_400_000,
    timeoutMs: 10_000,
    queue: {
      capacity: 100_000,
      maxSamplesPerSend: 5000,
      batchDeadlineMs: 50,
      minBackoffMs: 10,
      maxBackoffMs: 200,
    },
    state,
    ...(o.allowNonFinite === undefined ? {} : { allowNonFinite: o.allowNonFinite }),
  });
  const samples: SampleStore & BucketedSampleReader = {
    append: async (batch) => {
      const r = await store.append(batch);
      if (!(await store.samples.flush(10_000)))
        throw new Error(`samples not sent within 10 s:\n${vm.logs()}`);
      await vm.forceFlush();
      return r;
    },
    searchMetricNames: (s, l) => store.searchMetricNames(s, l),
    findSeries: (n, m, l) => store.findSeries(n, m, l),
    readPoints: (s, a, b, m) => store.readPoints(s, a, b, m),
    readBuckets: (s, a, b, r, f, m) => store.readBuckets(s, a, b, r, f, m),
    applyRetention: (n) => store.applyRetention(n),
    countSamples: () => store.countSamples(),
    close: () => store.close(),
  };
  return { samples, anomalies: store, states: store, store };
}
