/**
 * `findSeries` of the chunked store keeps each series' decoded labels between lookups (series-catalog.ts
 * `labelsOf`): what it returns must stay exactly what decoding the row gives — for series found again, for a series
 * id whose row now holds other labels (an id reused after retention), and with more series than the bound — and the
 * kept labels never exceed the bound, on SQLite and PostgreSQL.
 */
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { sql, type Kysely } from 'kysely';
import type { Sample } from '../../../src/model/sample.ts';
import { encodeLabels } from '../../../src/store/tsdb/codec/labels.ts';
import type { TsdbDatabase } from '../../../src/store/tsdb/schema.ts';
import { TsdbSeriesCatalog } from '../../../src/store/tsdb/series-catalog.ts';
import { chunkedStoreSuites, dbOf, T0 } from './tsdb-store-suite.ts';

const labelSet = fc.dictionary(
  fc.constantFrom('a', 'b', 'node', 'le', 'zone'),
  fc.oneof(fc.string({ maxLength: 5 }), fc.constantFrom('"', 'ünï', '')),
  { maxKeys: 3 },
);

/** Id, key and labels of each found series, for comparing two catalogs' answers. */
const shapeOf = (refs: readonly { id: number; key: string; labels: object }[]): string =>
  JSON.stringify(refs.map((r) => [r.id, r.key, Object.entries(r.labels)]));

chunkedStoreSuites('chunked store, labels kept between lookups', ({ open, test, dialect }) => {
  test('found series equal a catalog that keeps nothing, through repeated lookups, matches and the bound', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(labelSet, { minLength: 1, maxLength: 10 }),
        fc.integer({ min: 1, max: 6 }),
        async (sets, bound) => {
          const st = await open();
          const batch: Sample[] = sets.map((labels, i) => ({
            name: 'dwcp_labels',
            labels,
            value: i,
            timestampMs: T0 + i,
          }));
          await st.append(batch);
          await st.checkpoint();
          const db = dbOf(st) as unknown as Kysely<TsdbDatabase>;
          const kept = new TsdbSeriesCatalog(db, dialect, bound);
          const none = new TsdbSeriesCatalog(db, dialect, 0);
          const matches: Record<string, string>[] = [{}, { a: '' }, {}, { node: '"' }, {}];
          for (const match of matches) {
            const want = shapeOf(await none.findSeries('dwcp_labels', match, 100));
            assert.equal(shapeOf(await kept.findSeries('dwcp_labels', match, 100)), want);
            assert.ok(kept.decodedLabels <= bound, `${kept.decodedLabels} kept > bound ${bound}`);
          }
          assert.equal(none.decodedLabels, 0);
          await st.close();
        },
      ),
      { numRuns: 12, seed: 20261205 },
    );
  });

  test('a series row holding other labels than when it was kept is decoded again', async () => {
    const st = await open();
    await st.append([{ name: 'dwcp_labels', labels: { node: 'a' }, value: 1, timestampMs: T0 }]);
    await st.checkpoint();
    const db = dbOf(st) as unknown as Kysely<TsdbDatabase>;
    const catalog = new TsdbSeriesCatalog(db, dialect);
    const [first] = await catalog.findSeries('dwcp_labels', {}, 10);
    assert.deepEqual(first?.labels, { node: 'a' });
    assert.equal(catalog.decodedLabels, 1);
    // The same id with other labels (as when an id is reused after its series was deleted).
    await sql`update series set labels = ${encodeLabels({ node: 'b', zone: 'z' })} where id = ${first!.id}`.execute(
      db,
    );
    const [again] = await catalog.findSeries('dwcp_labels', {}, 10);
    assert.equal(again?.id, first!.id);
    assert.deepEqual(again?.labels, { node: 'b', zone: 'z' });
    assert.deepEqual(await catalog.findSeries('dwcp_labels', { node: 'a' }, 10), []);
    await st.close();
  });

  test('a negative or fractional bound is refused', async () => {
    const st = await open();
    const db = dbOf(st) as unknown as Kysely<TsdbDatabase>;
    assert.throws(() => new TsdbSeriesCatalog(db, dialect, -1), RangeError);
    assert.throws(() => new TsdbSeriesCatalog(db, dialect, 1.5), RangeError);
    await st.close();
  });
});
