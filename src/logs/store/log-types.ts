/**
 * The shapes of the log store's API (./log-store.ts): options, backend, stored entries, batch results and scans.
 */
import type BetterSqlite3 from 'better-sqlite3';
import type { TenantScope } from '../../model/tenant-scope.ts';
import type { LogLevel, LogRecord } from '../record.ts';
import type { LabelSet } from './streams.ts';

/** Options of the log store. */
export interface LogStoreOptions {
  /** Entries older than this (by timestamp) are deleted by `applyRetention`, per level, ms. */
  readonly retentionMs: Readonly<Record<LogLevel, number>>;
  /** Entries kept at most: `applyRetention` deletes the oldest beyond it (default 10 000 000). */
  readonly maxEntries?: number;
  /**
   * Streams (label sets) kept at most (default 100 000): entries of a label set not yet stored are refused
   * once as many streams exist ({@link LogInsertResult}); `applyRetention` removes streams left without entries.
   */
  readonly maxStreams?: number;
  /**
   * SQLite: entries of the pushes waiting for a commit at most (default 50 000); a push beyond it is refused
   * with LimitExceededError (HTTP 429), nothing of it stored (./group-commit.ts).
   */
  readonly maxQueuedEntries?: number;
  /** SQLite: entries written in one group commit at most, in whole batches (default 16 000). */
  readonly maxGroupEntries?: number;
}

/** The backend of a log store: PostgreSQL, or SQLite with the better-sqlite3 connection under kysely. */
export type LogStoreBackend =
  | { readonly dialect: 'postgres' }
  | { readonly dialect: 'sqlite'; readonly raw: Pick<BetterSqlite3.Database, 'prepare' | 'transaction'> };

/** A stored entry with its id. */
export interface StoredLog extends LogRecord {
  readonly id: number;
}

/** What one batch stored. */
export interface LogInsertResult {
  readonly stored: number;
  /** Positions (in the batch) of the entries refused because their label set is new and the stream cap is reached. */
  readonly droppedForStreamLimit: readonly number[];
}

/** A scan: time range, label sets, words, order, what to keep and how far to read. */
export interface LogScan {
  /** Inclusive start and exclusive end, Unix µs. */
  readonly startUs: number;
  readonly endUs: number;
  readonly labels: readonly LabelSet[];
  /** Full-text tokens every entry must contain (lowercased letter/digit runs). */
  readonly words?: readonly string[];
  /** Substrings (exact, case-sensitive) every entry's line must contain; checked in SQL. */
  readonly contains?: readonly string[];
  /** Full-text tokens every line containing all of `contains` has (used only to find candidates in the index). */
  readonly containsWords?: readonly string[];
  readonly traceId?: string;
  /** Only entries of this tenant scope's nodes or regions (./scope.ts). */
  readonly scope?: TenantScope;
  readonly direction: 'forward' | 'backward';
  /** Entries to return at most. */
  readonly limit: number;
  /** Rows to read at most (the scan stops and reports `truncated`). */
  readonly maxScan: number;
  /** Keeps a row (default: all). */
  readonly accept?: (r: StoredLog) => boolean;
}

/** Result of a scan. */
export interface LogScanResult {
  readonly entries: StoredLog[];
  readonly scanned: number;
  /** True when `maxScan` stopped the scan before `limit` entries were found. */
  readonly truncated: boolean;
}
