/**
 * `findSeries` of the chunked store takes the key of a series the head holds from the head (series-catalog.ts
 * `keysFrom`) instead of building it from the row: the keys it returns must still be exactly `seriesKey(name,
 * labels)` of what was appended — label values with quotes, backslashes, newlines and non-ASCII text, any label
 * order — for series in the head, after a reopen (the head rebuilt from the WAL), and for series the head no longer
 * holds (built from the row), on SQLite and PostgreSQL.
 */
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { seriesKey, type Labels, type Sample } from '../../../src/model/sample.ts';
import { chunkedStoreSuites, T0 } from './tsdb-store-suite.ts';

const labelName = fc.constantFrom('a', 'b', 'node', 'le', 'zone', 'x_y', 'Z9');
const labelValue = fc.oneof(
  fc.string({ maxLength: 6 }),
  fc.constantFrom('"', '\\', '\n', 'a"b\\c\nd', 'ünï', '', '{}', ',='),
);
const labelSet = fc.dictionary(labelName, labelValue, { maxKeys: 4 });

/** The keys `findSeries` returns for `name`, by id, each checked against `seriesKey` of the labels it returns. */
function assertKeys(refs: readonly { key: string; name: string; labels: Labels }[], want: Set<string>): void {
  for (const r of refs) assert.equal(r.key, seriesKey(r.name, r.labels));
  assert.deepEqual(new Set(refs.map((r) => r.key)), want);
}

chunkedStoreSuites('chunked store, keys of found series', ({ open, reopen, test }) => {
  test('keys are seriesKey of the appended series, from the head, after a reopen and once out of the head', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(labelSet, { minLength: 1, maxLength: 12 }), async (sets) => {
        // One batch per round; label order as generated (the key sorts the names).
        const st = await open({ seriesCacheSize: 4 });
        const want = new Set(sets.map((l) => seriesKey('dwcp_keys', l)));
        const batch: Sample[] = sets.map((labels, i) => ({
          name: 'dwcp_keys',
          labels,
          value: i,
          timestampMs: T0 + i,
        }));
        await st.append(batch);
        assertKeys(await st.findSeries('dwcp_keys', {}, 100), want);
        const again = await reopen(st, { seriesCacheSize: 4 });
        assertKeys(await again.findSeries('dwcp_keys', {}, 100), want);
        // Other series push these out of the head (at most 4 series held): their keys are built from the rows.
        await again.append(
          Array.from({ length: 8 }, (_, i) => ({
            name: 'dwcp_other',
            labels: { i: String(i) },
            value: 1,
            timestampMs: T0 + 100 + i,
          })),
        );
        assertKeys(await again.findSeries('dwcp_keys', {}, 100), want);
        await again.close();
      }),
      { numRuns: 15 },
    );
  });
});
