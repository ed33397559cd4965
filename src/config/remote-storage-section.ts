/**
 * `storage.type: victoriametrics`: samples written by Prometheus remote write to VictoriaMetrics (single-node,
 * or vminsert of a cluster) and read back through its Prometheus query API (single-node, or vmselect);
 * anomalies, detector states and the other systems' tables stay in the `state` database (SQLite or PostgreSQL).
 * @see https://docs.victoriametrics.com/single-server-victoriametrics/
 * @see https://docs.victoriametrics.com/cluster-victoriametrics/#url-format
 */
import { z } from 'zod';
import { checkHttpAuth, httpAuthFields } from './http-auth-fields.ts';
import { httpUrl, labelName, positiveDuration, window } from './fields.ts';

/** Remote-write queue defaults (per monitor; Prometheus' own queue takes 2500 per shard, 500-2000 per send). */
export const REMOTE_QUEUE_DEFAULTS = {
  capacity: 100_000,
  maxSamplesPerSend: 5000,
  batchDeadline: 1000,
  minBackoff: 30,
  maxBackoff: 5000,
};

/** VictoriaMetrics' default `-retentionPeriod` (1 month), the default lookback of reads. */
export const VICTORIA_DEFAULT_RETENTION_MS = 31 * 86_400_000;

const queueSchema = z
  .strictObject({
    /** Samples held at most (queued and in flight); beyond it new samples are dropped and counted. */
    capacity: z.number().int().min(1).max(10_000_000).default(REMOTE_QUEUE_DEFAULTS.capacity),
    /** Samples per remote-write request at most. */
    maxSamplesPerSend: z.number().int().min(1).max(100_000).default(REMOTE_QUEUE_DEFAULTS.maxSamplesPerSend),
    /** A partial batch is sent after this long. */
    batchDeadline: positiveDuration.default(REMOTE_QUEUE_DEFAULTS.batchDeadline),
    /** Retry delays after a 5xx, 429 or network error: from minBackoff, doubling, up to maxBackoff. */
    minBackoff: positiveDuration.default(REMOTE_QUEUE_DEFAULTS.minBackoff),
    maxBackoff: positiveDuration.default(REMOTE_QUEUE_DEFAULTS.maxBackoff),
  })
  .refine((q) => q.minBackoff <= q.maxBackoff, {
    message: 'minBackoff must not exceed maxBackoff',
    path: ['minBackoff'],
  })
  .default(REMOTE_QUEUE_DEFAULTS);

/** Where the monitor's tables live besides the samples. */
const stateSchema = z
  .discriminatedUnion('type', [
    z.strictObject({ type: z.literal('sqlite'), path: z.string().min(1).default('./data/dwcp-monitor.db') }),
    z.strictObject({ type: z.literal('postgres'), url: z.string().min(1) }),
  ])
  .default({ type: 'sqlite', path: './data/dwcp-monitor.db' });

/**
 * The `storage` section when `type` is `victoriametrics`. Credentials (`basicAuth`, `bearerToken`,
 * `bearerTokenFile`, at most one kind) go with every write and query in the `Authorization` header, never in the URLs.
 */
export const victoriaMetricsStorageSchema = z
  .strictObject({
    type: z.literal('victoriametrics'),
    /** Remote-write endpoint: single-node `/api/v1/write`, cluster `http://vminsert:8480/insert/<tenant>/prometheus/api/v1/write`. */
    writeUrl: httpUrl.default('http://127.0.0.1:8428/api/v1/write'),
    /** Query API root: single-node `http://host:8428`, cluster `http://vmselect:8481/select/<tenant>/prometheus`. */
    readUrl: httpUrl.default('http://127.0.0.1:8428'),
    /** Set to VictoriaMetrics' `-retentionPeriod`: how far back series are looked up (and detector states kept). */
    retention: window.default(VICTORIA_DEFAULT_RETENTION_MS),
    /** Timeout of one write or query request. */
    timeout: positiveDuration.default(10_000),
    queue: queueSchema,
    state: stateSchema,
    /**
     * Prometheus' `external_labels`: added to every written sample that lacks them and matched by every read. The
     * two replicas of an HA pair must have the same ones (VictoriaMetrics deduplicates identical series only).
     */
    externalLabels: z.record(labelName, z.string().min(1)).default({}),
    ...httpAuthFields,
  })
  .superRefine(checkHttpAuth);
