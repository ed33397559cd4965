/**
 * Stored profiles (continuous mode and on-demand captures kept for comparison): one row per pprof file in the
 * `profiles` table of the monitor's database (SQLite or PostgreSQL, kysely, own migration table
 * `kysely_migration_profiles`). Bounded by count and total bytes: every insert prunes the oldest profiles
 * beyond `maxProfiles` or `maxBytes`.
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

/** What was profiled. */
export type ProfileKind = 'cpu' | 'heap';
/** Why the profile was taken. */
export type ProfileTrigger = 'on_demand' | 'continuous';

/** A stored profile's metadata. */
export interface StoredProfileInfo {
  readonly id: number;
  readonly kind: ProfileKind;
  /** `monitor` for the monitor process, otherwise the profiled target's id. */
  readonly source: string;
  readonly trigger: ProfileTrigger;
  readonly startedAtMs: number;
  readonly durationMs: number;
  readonly sizeBytes: number;
}

/** A profile to store. */
export interface NewProfile {
  readonly kind: ProfileKind;
  readonly source: string;
  readonly trigger: ProfileTrigger;
  readonly startedAtMs: number;
  readonly durationMs: number;
  /** gzip-compressed pprof. */
  readonly pprof: Uint8Array;
}

/** Filter of {@link ProfileStore.list}. */
export interface ProfileFilter {
  readonly kind?: ProfileKind;
  readonly source?: string;
  /** Newest first, at most this many (1..1000). */
  readonly limit: number;
}

interface ProfilesTable {
  id: Generated<number>;
  kind: string;
  source: string;
  trigger: string;
  started_at: number;
  duration_ms: number;
  size_bytes: number;
  data: Uint8Array;
}
interface ProfilesDb {
  profiles: ProfilesTable;
}

/** The migrations of the profiles system. */
export function profileMigrations(dialect: StoreDialect): Record<string, Migration> {
  return {
    '0001_profiles': {
      async up(db: Kysely<unknown>): Promise<void> {
        await db.schema
          .createTable('profiles')
          .addColumn('id', serialColumn(dialect), (c) =>
            dialect === 'sqlite' ? c.primaryKey().autoIncrement() : c.primaryKey(),
          )
          .addColumn('kind', 'text', (c) => c.notNull())
          .addColumn('source', 'text', (c) => c.notNull())
          .addColumn('trigger', 'text', (c) => c.notNull())
          .addColumn('started_at', 'bigint', (c) => c.notNull())
          .addColumn('duration_ms', 'bigint', (c) => c.notNull())
          .addColumn('size_bytes', 'bigint', (c) => c.notNull())
          .addColumn('data', binaryColumn(dialect), (c) => c.notNull())
          .execute();
        await db.schema.createIndex('profiles_started_at_idx').on('profiles').column('started_at').execute();
      },
      async down(db: Kysely<unknown>): Promise<void> {
        await db.schema.dropTable('profiles').ifExists().execute();
      },
    },
  };
}

/** Bounds of the store. */
export interface ProfileStoreLimits {
  /** Profiles kept at most (default 500). */
  readonly maxProfiles: number;
  /** Total pprof bytes kept at most (default 256 MiB). */
  readonly maxBytes: number;
}

/** Default {@link ProfileStoreLimits}. */
export const DEFAULT_PROFILE_STORE_LIMITS: ProfileStoreLimits = {
  maxProfiles: 500,
  maxBytes: 256 * 1024 * 1024,
};

const KINDS: readonly ProfileKind[] = ['cpu', 'heap'];
const TRIGGERS: readonly ProfileTrigger[] = ['on_demand', 'continuous'];

function toInfo(r: {
  id: number | string;
  kind: string;
  source: string;
  trigger: string;
  started_at: number | string;
  duration_ms: number | string;
  size_bytes: number | string;
}): StoredProfileInfo {
  return {
    id: Number(r.id),
    kind: r.kind as ProfileKind,
    source: r.source,
    trigger: r.trigger as ProfileTrigger,
    startedAtMs: Number(r.started_at),
    durationMs: Number(r.duration_ms),
    sizeBytes: Number(r.size_bytes),
  };
}

/** The profile store. */
export class ProfileStore {
  private constructor(
    private readonly sys: SystemDb<ProfilesDb>,
    readonly limits: ProfileStoreLimits,
  ) {}

  /**
   * Opens the store (creating its table).
   * @throws InvalidInputError for limits that are not positive integers; StoreError from the database.
   */
  static async open(
    location: SystemDbLocation,
    limits: Partial<ProfileStoreLimits> = {},
  ): Promise<ProfileStore> {
    const l = { ...DEFAULT_PROFILE_STORE_LIMITS, ...limits };
    checkPositiveSafeIntegers(l, 'profile store ');
    return new ProfileStore(await openSystemDb<ProfilesDb>(location, 'profiles', profileMigrations), l);
  }

  /**
   * Stores a profile, then prunes the oldest beyond the limits.
   * @throws InvalidInputError for an unknown kind/trigger, an empty source or bad times;
   *   PayloadTooLargeError when the profile alone exceeds `maxBytes`.
   */
  async insert(p: NewProfile): Promise<StoredProfileInfo> {
    if (!KINDS.includes(p.kind))
      throw new InvalidInputError(`unknown profile kind ${JSON.stringify(p.kind)}`);
    if (!TRIGGERS.includes(p.trigger))
      throw new InvalidInputError(`unknown profile trigger ${JSON.stringify(p.trigger)}`);
    if (p.source.trim() === '' || p.source.length > 256)
      throw new InvalidInputError('profile source must be 1..256 characters');
    if (!Number.isFinite(p.startedAtMs) || !Number.isFinite(p.durationMs) || p.durationMs < 0)
      throw new InvalidInputError('profile times must be finite, duration >= 0');
    if (p.pprof.byteLength > this.limits.maxBytes)
      throw new PayloadTooLargeError(this.limits.maxBytes, 'profile');
    const row = {
      kind: p.kind,
      source: p.source,
      trigger: p.trigger,
      started_at: Math.round(p.startedAtMs),
      duration_ms: Math.round(p.durationMs),
      size_bytes: p.pprof.byteLength,
      data: Buffer.from(p.pprof.buffer, p.pprof.byteOffset, p.pprof.byteLength),
    };
    const inserted = await this.sys.db
      .insertInto('profiles')
      .values(row)
      .returning('id')
      .executeTakeFirstOrThrow();
    await this.prune();
    return toInfo({ id: Number(inserted.id), ...row });
  }

  /** Metadata, newest first. @throws InvalidInputError for a limit outside 1..1000. */
  async list(f: ProfileFilter): Promise<StoredProfileInfo[]> {
    if (!Number.isInteger(f.limit) || f.limit < 1 || f.limit > 1000)
      throw new InvalidInputError(`limit must be an integer 1..1000, got ${f.limit}`);
    let q = this.sys.db
      .selectFrom('profiles')
      .select(['id', 'kind', 'source', 'trigger', 'started_at', 'duration_ms', 'size_bytes']);
    if (f.kind) q = q.where('kind', '=', f.kind);
    if (f.source) q = q.where('source', '=', f.source);
    const rows = await q.orderBy('started_at', 'desc').orderBy('id', 'desc').limit(f.limit).execute();
    return rows.map(toInfo);
  }

  /** The pprof bytes and metadata. @throws NotFoundError when no profile has this id. */
  async get(id: number): Promise<{ readonly info: StoredProfileInfo; readonly pprof: Buffer }> {
    const r = await this.sys.db.selectFrom('profiles').selectAll().where('id', '=', id).executeTakeFirst();
    if (!r) throw new NotFoundError(`profile ${id} not found`);
    const { data, ...meta } = r;
    return { info: toInfo(meta), pprof: Buffer.from(data) };
  }

  /** Count and total bytes stored. */
  async usage(): Promise<{ readonly profiles: number; readonly bytes: number }> {
    const r = await this.sys.db
      .selectFrom('profiles')
      .select((eb) => [eb.fn.countAll<number>().as('n'), eb.fn.sum<number>('size_bytes').as('bytes')])
      .executeTakeFirstOrThrow();
    return { profiles: Number(r.n), bytes: Number(r.bytes ?? 0) };
  }

  /** Deletes the oldest profiles beyond the limits; returns how many were deleted. */
  async prune(): Promise<number> {
    const rows = await this.sys.db
      .selectFrom('profiles')
      .select(['id', 'size_bytes'])
      .orderBy('started_at', 'desc')
      .orderBy('id', 'desc')
      .execute();
    return deleteBeyondBudget(rows, this.limits.maxProfiles, this.limits.maxBytes, async (ids) =>
      Number(
        (await this.sys.db.deleteFrom('profiles').where('id', 'in', ids).executeTakeFirst()).numDeletedRows,
      ),
    );
  }

  close(): Promise<void> {
    return this.sys.close();
  }
}
