/** The saved counters (src/store/counter-store.ts) on SQLite and PostgreSQL: round trip, replacement, bounds, bad values. */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { CounterStore, MAX_SAVED_COUNTER_ROWS } from '../../../src/store/counter-store.ts';
import type { SystemDbLocation } from '../../../src/store/system-db.ts';
import { dropSchema, freshSchema, pgSkipReason, PG_URL } from '../../helpers/postgres.ts';

const dir = mkdtempSync(join(tmpdir(), 'dwcp-counters-'));
after(() => rmSync(dir, { recursive: true, force: true }));

function suite(name: string, location: () => Promise<SystemDbLocation | string>): void {
  describe(`CounterStore (${name})`, () => {
    it('saves and loads rows; a save replaces the previous rows; labels in any key order are one series', async (t) => {
      const loc = await location();
      if (typeof loc === 'string') return t.skip(loc);
      const store = await CounterStore.open(loc);
      try {
        await store.save([
          { name: 'dwcp_monitor_alerts_sent_total', labels: { receiver: 'pager' }, value: 3 },
          {
            name: 'dwcp_anomalies_detected_total',
            labels: { severity: 'high', metric_name: 'm', model_type: 'ensemble' },
            value: 2.5,
          },
        ]);
        await store.save([
          {
            name: 'dwcp_anomalies_detected_total',
            labels: { model_type: 'ensemble', metric_name: 'm', severity: 'high' },
            value: 7,
          },
          { name: 'dwcp_monitor_incidents_opened_total', labels: {}, value: 1 },
        ]);
        const rows = (await store.load()).sort((a, b) => a.name.localeCompare(b.name));
        assert.deepEqual(rows, [
          {
            name: 'dwcp_anomalies_detected_total',
            labels: { metric_name: 'm', model_type: 'ensemble', severity: 'high' },
            value: 7,
          },
          { name: 'dwcp_monitor_incidents_opened_total', labels: {}, value: 1 },
        ]);
      } finally {
        await store.close();
      }
      const reopened = await CounterStore.open(loc);
      try {
        assert.equal((await reopened.load()).length, 2, 'rows survive closing and reopening');
      } finally {
        await reopened.close();
      }
    });

    it(`refuses negative and non-finite values (nothing saved) and keeps at most ${MAX_SAVED_COUNTER_ROWS} rows`, async (t) => {
      const loc = await location();
      if (typeof loc === 'string') return t.skip(loc);
      const store = await CounterStore.open(loc);
      try {
        await store.save([{ name: 'a_total', labels: {}, value: 1 }]);
        await assert.rejects(
          store.save([{ name: 'a_total', labels: {}, value: -1 }]),
          /a_total: value -1 is not a finite non-negative number/,
        );
        await assert.rejects(
          store.save([{ name: 'a_total', labels: {}, value: Number.NaN }]),
          /not a finite/,
        );
        assert.deepEqual(
          await store.load(),
          [{ name: 'a_total', labels: {}, value: 1 }],
          'a refused save leaves the previous rows',
        );
        const many = Array.from({ length: MAX_SAVED_COUNTER_ROWS + 5 }, (_, i) => ({
          name: 'b_total',
          labels: { i: String(i) },
          value: i,
        }));
        await store.save(many);
        assert.equal((await store.load()).length, MAX_SAVED_COUNTER_ROWS);
      } finally {
        await store.close();
      }
    });
  });
}

let n = 0;
suite('SQLite', async () => ({ type: 'sqlite', path: join(dir, `counters-${n++}.db`) }));
const schemas: string[] = [];
after(async () => {
  for (const s of schemas) await dropSchema(s);
});
suite('PostgreSQL', async () => {
  const skip = await pgSkipReason();
  if (skip !== undefined) return skip;
  const schema = freshSchema('counters');
  schemas.push(schema);
  return { type: 'postgres', url: PG_URL, schema };
});
