/**
 * DuckDB as a candidate sample store for the storage benchmark (measured, not used by the product): one table
 * (series_id INTEGER, ts BIGINT, value DOUBLE) written through DuckDB's appender, series keys resolved in a
 * JS map as the other layouts do, and the 24 h range query written as SQL (last value per series and minute,
 * then the average across series), so DuckDB runs it vectorised on its own threads.
 * `@duckdb/node-api` is a devDependency; when it is missing the benchmark reports DuckDB as not measured.
 */
import { statSync } from 'node:fs';
import { SeriesKeyBuilder } from '../src/store/series-key-builder.ts';
import type { Sample } from '../src/model/sample.ts';

type DuckModule = typeof import('@duckdb/node-api');
type Instance = Awaited<ReturnType<DuckModule['DuckDBInstance']['create']>>;
type Connection = Awaited<ReturnType<Instance['connect']>>;

/** A DuckDB file with one samples table. */
export class DuckSamples {
  private readonly ids = new Map<string, number>();
  private readonly keys = new SeriesKeyBuilder();
  private constructor(
    private readonly path: string,
    private readonly instance: Instance,
    private readonly conn: Connection,
  ) {}

  /** Opens `path`, or returns undefined when `@duckdb/node-api` is not installed. */
  static async open(path: string): Promise<DuckSamples | undefined> {
    let mod: DuckModule;
    try {
      mod = await import('@duckdb/node-api');
    } catch {
      return undefined;
    }
    const instance = await mod.DuckDBInstance.create(path);
    const conn = await instance.connect();
    await conn.run(
      'create table if not exists samples (series_id integer not null, ts bigint not null, value double)',
    );
    return new DuckSamples(path, instance, conn);
  }

  /** Appends a batch through one appender (keys resolved per sample, new ids assigned). Returns rows written. */
  async append(batch: readonly Sample[]): Promise<number> {
    const app = await this.conn.createAppender('samples');
    for (const s of batch) {
      const key = this.keys.key(s.name, s.labels);
      let id = this.ids.get(key);
      if (id === undefined) this.ids.set(key, (id = this.ids.size + 1));
      app.appendInteger(id);
      app.appendBigInt(BigInt(s.timestampMs));
      app.appendDouble(s.value);
      app.endRow();
    }
    app.closeSync();
    return batch.length;
  }

  /** Average over all series of the last value per series per minute in [fromMs, toMs]: rows returned. */
  async avgLastPerMinute(fromMs: number, toMs: number): Promise<number> {
    const r = await this.conn.runAndReadAll(
      `select b, avg(v) from (select series_id, ts // 60000 as b, arg_max(value, ts) as v from samples where ts between ${Math.floor(fromMs)} and ${Math.floor(toMs)} group by all) group by b order by b`,
    );
    return r.getRows().length;
  }

  /** Forces a checkpoint and returns the file size in bytes. */
  async diskBytes(): Promise<number> {
    await this.conn.run('checkpoint');
    return statSync(this.path).size;
  }

  close(): void {
    this.conn.closeSync();
    this.instance.closeSync();
  }
}
