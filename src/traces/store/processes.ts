/**
 * The trace store's processes (resources): the `trace_processes` rows (./schema.ts) spans point to by id, with
 * bounded LRU caches by key and by id. New processes are inserted (a key already stored is kept) and their ids
 * read back; processes are read by id through the cache. The store clears the caches after pruning rows.
 */
import type { Kysely } from 'kysely';
import { LruCache } from '../../store/lru-cache.ts';
import type { Attributes, SpanProcess, SpanRecord } from '../span.ts';
import { IDS_PER_READ, ROWS_PER_INSERT } from './batches.ts';
import type { TraceDatabase } from './schema.ts';

/** Process rows of a trace store, cached. */
export class TraceProcesses {
  private readonly db: Kysely<TraceDatabase>;
  private readonly byKey: LruCache<string, number>;
  private readonly byId: LruCache<number, SpanProcess>;

  /** @param cacheSize processes cached by key and by id (each) */
  constructor(db: Kysely<TraceDatabase>, cacheSize: number) {
    this.db = db;
    this.byKey = new LruCache(cacheSize);
    this.byId = new LruCache(cacheSize);
  }

  /**
   * Process ids of the spans' resources, inserting new ones (last seen at their spans' latest start, `latest`:
   * process key → Unix µs).
   */
  async ids(spans: readonly SpanRecord[], latest: ReadonlyMap<string, number>): Promise<Map<string, number>> {
    const out = new Map<string, number>();
    const missing = new Map<string, SpanProcess>();
    for (const s of spans) {
      const k = s.process.key;
      if (out.has(k) || missing.has(k)) continue;
      const id = this.byKey.get(k);
      if (id !== undefined) out.set(k, id);
      else missing.set(k, s.process);
    }
    if (missing.size > 0) {
      const list = [...missing.values()];
      for (let i = 0; i < list.length; i += ROWS_PER_INSERT) {
        const chunk = list.slice(i, i + ROWS_PER_INSERT);
        await this.db
          .insertInto('trace_processes')
          .values(
            chunk.map((p) => ({
              key: p.key,
              service: p.service,
              attributes_json: JSON.stringify(p.attributes),
              last_seen_us: latest.get(p.key)!,
            })),
          )
          .onConflict((oc) => oc.column('key').doNothing())
          .execute();
        const found = await this.db
          .selectFrom('trace_processes')
          .select(['id', 'key'])
          .where(
            'key',
            'in',
            chunk.map((p) => p.key),
          )
          .execute();
        for (const r of found) {
          const id = Number(r.id);
          out.set(r.key, id);
          this.byKey.set(r.key, id);
          this.byId.set(id, missing.get(r.key)!);
        }
      }
    }
    return out;
  }

  /** Processes by id (cached); ids no longer stored are absent. */
  async byIds(ids: Iterable<number>): Promise<Map<number, SpanProcess>> {
    const out = new Map<number, SpanProcess>();
    const missing: number[] = [];
    for (const id of new Set(ids)) {
      const p = this.byId.get(id);
      if (p) out.set(id, p);
      else missing.push(id);
    }
    for (let i = 0; i < missing.length; i += IDS_PER_READ) {
      const rows = await this.db
        .selectFrom('trace_processes')
        .selectAll()
        .where('id', 'in', missing.slice(i, i + IDS_PER_READ))
        .execute();
      for (const r of rows) {
        const p: SpanProcess = {
          service: r.service,
          attributes: JSON.parse(r.attributes_json) as Attributes,
          key: r.key,
        };
        const id = Number(r.id);
        out.set(id, p);
        this.byId.set(id, p);
        this.byKey.set(r.key, id);
      }
    }
    return out;
  }

  /** Forgets every cached process (after process rows were pruned). */
  clear(): void {
    this.byKey.clear();
    this.byId.clear();
  }
}
