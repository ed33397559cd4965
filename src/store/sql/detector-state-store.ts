/** `DetectorStateStore` over a Kysely instance whose schema was created by `migrateToLatest` (SQLite or PostgreSQL). */
import { sql, type Kysely, type Selectable } from 'kysely';
import { decodeDetectorStates, encodeDetectorStates } from '../detector-state-codec.ts';
import type { StoreDialect } from '../migrations.ts';
import type { Database, DetectorStatesTable } from '../schema.ts';
import type {
  DetectorStateRow,
  DetectorStateStore,
  LoadDetectorStatesResult,
  SaveDetectorStatesResult,
} from '../types.ts';
import { checkCutoff, checkLimit } from '../validation.ts';
import { MAX_PARAMS, wrap } from './common.ts';

/** Detector-state upserts: at most this many rows and about this many bytes of state JSON per statement. */
const STATE_ROWS_PER_STATEMENT = 500;
const STATE_BYTES_PER_STATEMENT = 4 * 1024 * 1024;

/** The detector states of a SQL store (the database handle belongs to the facade that created it). */
export class SqlDetectorStateStore implements DetectorStateStore {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly dialect: StoreDialect,
  ) {}

  /**
   * Upserts detector states (see `DetectorStateStore.saveDetectorStates`): one row per series key (the last
   * of a key in `rows` wins), rows whose state JSON exceeds `MAX_DETECTOR_STATE_BYTES` or cannot be written
   * are rejected per row, the rest go in one transaction as multi-row `insert ... on conflict (series_key) do
   * update` statements of at most 500 rows and about 4 MiB each.
   * @throws InvalidInputError on an invalid row (nothing stored). @throws StoreError on backend failure.
   */
  async saveDetectorStates(rows: readonly DetectorStateRow[]): Promise<SaveDetectorStatesResult> {
    const { encoded, rejected } = encodeDetectorStates(rows);
    if (encoded.length === 0) return { saved: 0, rejected };
    const values = encoded.map((e) => ({
      series_key: e.seriesKey,
      detector: e.detector,
      version: e.version,
      state_json: e.stateJson,
      updated_at: e.updatedAtMs,
      bytes: e.bytes,
    }));
    const maxRows = Math.min(STATE_ROWS_PER_STATEMENT, Math.floor(MAX_PARAMS[this.dialect] / 5));
    try {
      await this.db.transaction().execute(async (trx) => {
        let i = 0;
        while (i < values.length) {
          let j = i;
          let bytes = 0;
          while (
            j < values.length &&
            j - i < maxRows &&
            (j === i || bytes + values[j]!.bytes <= STATE_BYTES_PER_STATEMENT)
          ) {
            bytes += values[j]!.bytes;
            j++;
          }
          await trx
            .insertInto('detector_states')
            .values(values.slice(i, j).map(({ bytes: _, ...row }) => row))
            .onConflict((oc) =>
              oc.column('series_key').doUpdateSet((eb) => ({
                detector: eb.ref('excluded.detector'),
                version: eb.ref('excluded.version'),
                state_json: eb.ref('excluded.state_json'),
                updated_at: eb.ref('excluded.updated_at'),
              })),
            )
            .execute();
          i = j;
        }
      });
    } catch (e) {
      throw wrap('saveDetectorStates', e);
    }
    return { saved: values.length, rejected };
  }

  /**
   * At most `limit` stored detector states, newest first (ties by series key in byte order). A row whose state is not valid
   * JSON, or whose detector or version is invalid, is skipped and counted in `malformed`.
   * @throws InvalidInputError on a bad limit. @throws StoreError on backend failure.
   */
  async loadDetectorStates(limit: number): Promise<LoadDetectorStatesResult> {
    checkLimit(limit);
    let stored: Selectable<DetectorStatesTable>[];
    try {
      stored = await this.db
        .selectFrom('detector_states')
        .selectAll()
        .orderBy('updated_at', 'desc')
        // Byte order on both dialects (PostgreSQL's default collation may be locale-aware).
        .orderBy(this.dialect === 'postgres' ? sql`${sql.ref('series_key')} collate "C"` : 'series_key')
        .limit(limit)
        .execute();
    } catch (e) {
      throw wrap('loadDetectorStates', e);
    }
    return decodeDetectorStates(
      stored.map((r) => ({
        seriesKey: r.series_key,
        detector: r.detector,
        version: r.version,
        stateJson: r.state_json,
        updatedAt: r.updated_at,
      })),
    );
  }

  /**
   * Deletes detector states with updated_at < `cutoffMs`. Returns how many were deleted.
   * @throws InvalidInputError when `cutoffMs` is not finite. @throws StoreError on backend failure.
   */
  async deleteDetectorStatesOlderThan(cutoffMs: number): Promise<number> {
    checkCutoff(cutoffMs);
    try {
      const r = await this.db
        .deleteFrom('detector_states')
        .where('updated_at', '<', Math.ceil(cutoffMs))
        .executeTakeFirst();
      return Number(r.numDeletedRows);
    } catch (e) {
      throw wrap('deleteDetectorStatesOlderThan', e);
    }
  }
}
