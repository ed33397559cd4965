/**
 * Stored reports: one row per rendered document (HTML, PDF or Markdown) in the `reports` table of the monitor's
 * database (SQLite or PostgreSQL, kysely, own migration table `kysely_migration_reports`). Bounded by count and
 * total bytes: every insert prunes the oldest beyond the limits.
 */
import type { Generated, Kysely, Migration } from 'kysely';
import { InvalidInputError, NotFoundError, PayloadTooLargeError } from '../errors.ts';
import { checkPositiveSafeIntegers } from '../store/validation.ts';
import type { StoreDialect } from '../store/migrations.ts';
import {
  binaryColumn,
  deleteBeyondBudget,
  openSystemDb,
  serialColumn,
  type SystemDb,
  type SystemDbLocation,
} from '../store/system-db.ts';
import { REPORT_FORMATS, REPORT_KINDS, type ReportFormat, type ReportKind } from './range.ts';

/** A stored report's metadata. */
export interface StoredReportInfo {
  readonly id: number;
  readonly kind: ReportKind;
  readonly format: ReportFormat;
  readonly title: string;
  readonly fromMs: number;
  readonly toMs: number;
  readonly createdAtMs: number;
  readonly sizeBytes: number;
  /** Time to gather and render, ms. */
  readonly generationMs: number;
}

/** A report to store. */
export type NewReport = Omit<StoredReportInfo, 'id' | 'sizeBytes'> & { readonly content: Uint8Array };

interface ReportsTable {
  id: Generated<number>;
  kind: string;
  format: string;
  title: string;
  from_ms: number;
  to_ms: number;
  created_at: number;
  size_bytes: number;
  generation_ms: number;
  content: Uint8Array;
}
interface ReportsDb {
  reports: ReportsTable;
}

/** The migrations of the reports system. */
export function reportMigrations(dialect: StoreDialect): Record<string, Migration> {
  return {
    '0001_reports': {
      async up(db: Kysely<unknown>): Promise<void> {
        await db.schema
          .createTable('reports')
          .addColumn('id', serialColumn(dialect), (c) =>
            dialect === 'sqlite' ? c.primaryKey().autoIncrement() : c.primaryKey(),
          )
          .addColumn('kind', 'text', (c) => c.notNull())
          .addColumn('format', 'text', (c) => c.notNull())
          .addColumn('title', 'text', (c) => c.notNull())
          .addColumn('from_ms', 'bigint', (c) => c.notNull())
          .addColumn('to_ms', 'bigint', (c) => c.notNull())
          .addColumn('created_at', 'bigint', (c) => c.notNull())
          .addColumn('size_bytes', 'bigint', (c) => c.notNull())
          .addColumn('generation_ms', 'bigint', (c) => c.notNull())
          .addColumn('content', binaryColumn(dialect), (c) => c.notNull())
          .execute();
        await db.schema.createIndex('reports_created_at_idx').on('reports').column('created_at').execute();
      },
      async down(db: Kysely<unknown>): Promise<void> {
        await db.schema.dropTable('reports').ifExists().execute();
      },
    },
  };
}

/** Bounds of the store. */
export interface ReportStoreLimits {
  readonly maxReports: number;
  readonly maxBytes: number;
}

/** Defaults: 1000 reports, 512 MiB. */
export const DEFAULT_REPORT_STORE_LIMITS: ReportStoreLimits = {
  maxReports: 1000,
  maxBytes: 512 * 1024 * 1024,
};

type Row = {
  id: number | string;
  kind: string;
  format: string;
  title: string;
  from_ms: number | string;
  to_ms: number | string;
  created_at: number | string;
  size_bytes: number | string;
  generation_ms: number | string;
};

function toInfo(r: Row): StoredReportInfo {
  return {
    id: Number(r.id),
    kind: r.kind as ReportKind,
    format: r.format as ReportFormat,
    title: r.title,
    fromMs: Number(r.from_ms),
    toMs: Number(r.to_ms),
    createdAtMs: Number(r.created_at),
    sizeBytes: Number(r.size_bytes),
    generationMs: Number(r.generation_ms),
  };
}

const META = [
  'id',
  'kind',
  'format',
  'title',
  'from_ms',
  'to_ms',
  'created_at',
  'size_bytes',
  'generation_ms',
] as const;

/** The report store. */
export class ReportStore {
  private constructor(
    private readonly sys: SystemDb<ReportsDb>,
    readonly limits: ReportStoreLimits,
  ) {}

  /**
   * Opens the store (creating its table).
   * @throws InvalidInputError for limits that are not positive integers; StoreError from the database.
   */
  static async open(
    location: SystemDbLocation,
    limits: Partial<ReportStoreLimits> = {},
  ): Promise<ReportStore> {
    const l = { ...DEFAULT_REPORT_STORE_LIMITS, ...limits };
    checkPositiveSafeIntegers(l, 'report store ');
    return new ReportStore(await openSystemDb<ReportsDb>(location, 'reports', reportMigrations), l);
  }

  /**
   * Stores a report, then prunes the oldest beyond the limits.
   * @throws InvalidInputError for an unknown kind/format or a bad title/range; PayloadTooLargeError when the
   *   report alone exceeds `maxBytes`.
   */
  async insert(r: NewReport): Promise<StoredReportInfo> {
    if (!REPORT_KINDS.includes(r.kind))
      throw new InvalidInputError(`unknown report kind ${JSON.stringify(r.kind)}`);
    if (!REPORT_FORMATS.includes(r.format))
      throw new InvalidInputError(`unknown report format ${JSON.stringify(r.format)}`);
    if (r.title.trim() === '' || r.title.length > 200)
      throw new InvalidInputError('report title must be 1..200 characters');
    if (!(r.toMs > r.fromMs)) throw new InvalidInputError('report range must have to > from');
    if (r.content.byteLength > this.limits.maxBytes)
      throw new PayloadTooLargeError(this.limits.maxBytes, 'report');
    const row = {
      kind: r.kind,
      format: r.format,
      title: r.title,
      from_ms: Math.round(r.fromMs),
      to_ms: Math.round(r.toMs),
      created_at: Math.round(r.createdAtMs),
      size_bytes: r.content.byteLength,
      generation_ms: Math.round(r.generationMs),
      content: Buffer.from(r.content.buffer, r.content.byteOffset, r.content.byteLength),
    };
    const inserted = await this.sys.db
      .insertInto('reports')
      .values(row)
      .returning('id')
      .executeTakeFirstOrThrow();
    await this.prune();
    return toInfo({ ...row, id: Number(inserted.id) });
  }

  /** Metadata, newest first. @throws InvalidInputError for a limit outside 1..1000. */
  async list(f: { readonly kind?: ReportKind; readonly limit: number }): Promise<StoredReportInfo[]> {
    if (!Number.isInteger(f.limit) || f.limit < 1 || f.limit > 1000)
      throw new InvalidInputError(`limit must be an integer 1..1000, got ${f.limit}`);
    let q = this.sys.db.selectFrom('reports').select(META);
    if (f.kind) q = q.where('kind', '=', f.kind);
    return (await q.orderBy('created_at', 'desc').orderBy('id', 'desc').limit(f.limit).execute()).map(toInfo);
  }

  /** A report with its content. @throws NotFoundError when no report has this id. */
  async get(id: number): Promise<{ readonly info: StoredReportInfo; readonly content: Buffer }> {
    const r = await this.sys.db.selectFrom('reports').selectAll().where('id', '=', id).executeTakeFirst();
    if (!r) throw new NotFoundError(`report ${id} not found`);
    const { content, ...meta } = r;
    return { info: toInfo(meta), content: Buffer.from(content) };
  }

  /** Whether a report of this kind, format and range is stored (the scheduler uses it to avoid repeats). */
  async exists(kind: ReportKind, format: ReportFormat, fromMs: number, toMs: number): Promise<boolean> {
    const r = await this.sys.db
      .selectFrom('reports')
      .select('id')
      .where('kind', '=', kind)
      .where('format', '=', format)
      .where('from_ms', '=', fromMs)
      .where('to_ms', '=', toMs)
      .executeTakeFirst();
    return r !== undefined;
  }

  /** Count and total bytes stored. */
  async usage(): Promise<{ readonly reports: number; readonly bytes: number }> {
    const r = await this.sys.db
      .selectFrom('reports')
      .select((eb) => [eb.fn.countAll<number>().as('n'), eb.fn.sum<number>('size_bytes').as('bytes')])
      .executeTakeFirstOrThrow();
    return { reports: Number(r.n), bytes: Number(r.bytes ?? 0) };
  }

  /** Deletes the oldest reports beyond the limits; returns how many were deleted. */
  async prune(): Promise<number> {
    const rows = await this.sys.db
      .selectFrom('reports')
      .select(['id', 'size_bytes'])
      .orderBy('created_at', 'desc')
      .orderBy('id', 'desc')
      .execute();
    return deleteBeyondBudget(rows, this.limits.maxReports, this.limits.maxBytes, async (ids) =>
      Number(
        (await this.sys.db.deleteFrom('reports').where('id', 'in', ids).executeTakeFirst()).numDeletedRows,
      ),
    );
  }

  close(): Promise<void> {
    return this.sys.close();
  }
}
