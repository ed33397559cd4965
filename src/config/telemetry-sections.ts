/**
 * The `traces` and `logs` sections of the monitor's configuration: receivers, stores, retention, tail sampling and
 * PII masking. Part of the schema in src/config.ts.
 */
import { z } from 'zod';
import { duration, window } from './fields.ts';

/** Defaults of the `traces` section: 7 days, 10 million spans, 8 MiB bodies. */
const TRACE_DEFAULTS = {
  enabled: true,
  retention: 7 * 86_400_000,
  maxSpans: 10_000_000,
  maxBodyBytes: 8 * 1024 * 1024,
};

const PII_RULE_NAMES = ['email', 'ipv4', 'ipv6', 'card', 'bearer', 'api_key', 'secret_pair'] as const;

/** Defaults of the `logs` section: retention 1 d debug, 7 d info, 14 d warn, 30 d error and fatal; 10 million entries; 100 000 streams; 50 000 entries waiting for a commit, 16 000 per commit; 8 MiB bodies; PII masked. */
const LOG_DEFAULTS = {
  enabled: true,
  retention: {
    debug: 86_400_000,
    info: 7 * 86_400_000,
    warn: 14 * 86_400_000,
    error: 30 * 86_400_000,
    fatal: 30 * 86_400_000,
  },
  maxEntries: 10_000_000,
  maxStreams: 100_000,
  maxQueuedEntries: 50_000,
  maxGroupEntries: 16_000,
  maxBodyBytes: 8 * 1024 * 1024,
  pii: {
    enabled: true,
    maskIp: true,
    disabledRules: [] as (typeof PII_RULE_NAMES)[number][],
    extraRules: [] as {
      name: string;
      pattern: string;
      flags?: string;
      group?: number;
      replacement?: string;
    }[],
  },
};

/**
 * The OTLP trace receiver (POST /v1/traces) and span store. `path`: SQLite file of the spans (default
 * `traces.db` beside the SQLite sample store; with PostgreSQL storage the spans go into the same database).
 */
export const tracesSectionSchema = z
  .strictObject({
    enabled: z.boolean().default(true),
    path: z.string().min(1).optional(),
    retention: window.default(TRACE_DEFAULTS.retention),
    maxSpans: z.number().int().min(1000).max(1_000_000_000).default(TRACE_DEFAULTS.maxSpans),
    /** Largest POST /v1/traces body (compressed or not), bytes. */
    maxBodyBytes: z
      .number()
      .int()
      .min(1024)
      .max(256 * 1024 * 1024)
      .default(TRACE_DEFAULTS.maxBodyBytes),
    /**
     * Tail sampling of received traces (off by default: every accepted span is stored). Keeps every trace with
     * an error, slower than `latencyThreshold` or its root operation's recent `latencyQuantile`, or with one of
     * the `attributes` values, and a share of the rest adapted to `spansPerSecond` (docs/traces.md).
     */
    tailSampling: z
      .strictObject({
        enabled: z.boolean().default(false),
        decisionWait: duration.pipe(z.number().min(0).max(600_000)).default(10_000),
        maxTraces: z.number().int().min(1).max(10_000_000).default(50_000),
        maxSpans: z.number().int().min(1).max(100_000_000).default(500_000),
        maxBytes: z
          .number()
          .int()
          .min(1024)
          .max(64 * 1024 ** 3)
          .default(256 * 1024 * 1024),
        maxSpansPerTrace: z.number().int().min(1).max(1_000_000).default(10_000),
        latencyThreshold: duration.pipe(z.number().positive()).optional(),
        latencyQuantile: z.number().min(0).lt(1).default(0.99),
        attributes: z
          .array(z.strictObject({ key: z.string().min(1), values: z.array(z.string()).min(1) }))
          .max(100)
          .default([]),
        probability: z.number().gt(0).max(1).default(0.1),
        adaptive: z.boolean().default(true),
        spansPerSecond: z.number().positive().default(500),
        adaptInterval: duration.pipe(z.number().min(1000)).default(10_000),
      })
      .prefault({}),
  })
  .prefault({});

/**
 * The log receivers (POST /v1/logs, POST /loki/api/v1/push), PII masking at ingest and the log store. `path`:
 * SQLite file of the logs (default `logs.db` beside the SQLite sample store; with PostgreSQL storage the logs
 * go into the same database). `retention` per level. `maxQueuedEntries` / `maxGroupEntries`: the SQLite store's
 * write queue (src/logs/store/group-commit.ts). `pii`: masking on/off, IP addresses on/off, built-in
 * rules switched off by name (email, ipv4, ipv6, card, bearer, api_key, secret_pair), extra rules (regular
 * expression, masked capture group, replacement), and the attribute keys masked whole (`sensitiveKeys`).
 */
export const logsSectionSchema = z
  .strictObject({
    enabled: z.boolean().default(true),
    path: z.string().min(1).optional(),
    retention: z
      .strictObject({
        debug: window.default(LOG_DEFAULTS.retention.debug),
        info: window.default(LOG_DEFAULTS.retention.info),
        warn: window.default(LOG_DEFAULTS.retention.warn),
        error: window.default(LOG_DEFAULTS.retention.error),
        fatal: window.default(LOG_DEFAULTS.retention.fatal),
      })
      .refine((r) => Object.values(r).every((v) => v > 0), 'every retention must be > 0')
      .default(LOG_DEFAULTS.retention),
    maxEntries: z.number().int().min(1000).max(1_000_000_000).default(LOG_DEFAULTS.maxEntries),
    /** Streams (label sets) kept; entries of a new label set beyond it are refused and counted. */
    maxStreams: z.number().int().min(1).max(10_000_000).default(LOG_DEFAULTS.maxStreams),
    /**
     * SQLite: entries of the pushes waiting for a commit at most; a push beyond it is refused with HTTP 429,
     * nothing of it stored (the client retries).
     */
    maxQueuedEntries: z.number().int().min(1).max(10_000_000).default(LOG_DEFAULTS.maxQueuedEntries),
    /** SQLite: entries written in one transaction at most (whole pushes; a larger push alone). */
    maxGroupEntries: z.number().int().min(1).max(1_000_000).default(LOG_DEFAULTS.maxGroupEntries),
    /** Largest push body (compressed or not), bytes. */
    maxBodyBytes: z
      .number()
      .int()
      .min(1024)
      .max(256 * 1024 * 1024)
      .default(LOG_DEFAULTS.maxBodyBytes),
    pii: z
      .strictObject({
        enabled: z.boolean().default(true),
        maskIp: z.boolean().default(true),
        disabledRules: z.array(z.enum(PII_RULE_NAMES)).default([]),
        extraRules: z
          .array(
            z.strictObject({
              name: z.string().regex(/^[a-z][a-z0-9_]*$/),
              pattern: z.string().min(1),
              flags: z
                .string()
                .regex(/^[imsu]*$/)
                .optional(),
              group: z.number().int().min(0).optional(),
              replacement: z.string().optional(),
            }),
          )
          .max(64)
          .default([]),
        sensitiveKeys: z.string().min(1).optional(),
      })
      .default(LOG_DEFAULTS.pii),
  })
  .default(LOG_DEFAULTS);
