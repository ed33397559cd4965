/**
 * The trace store contract: one suite every trace-store backend runs (SQLite in memory:
 * test/unit/traces/store/trace-store.test.ts; PostgreSQL: test/integration/store/trace-store-postgres.test.ts).
 * Behaviour only, through TraceStore's methods: round trip, idempotent writes, atomic batches, search filters and
 * its scan bound, retention by age and by span count, service and operation names and their pruning with the
 * spans, and the migration bookkeeping table.
 */
import assert from 'node:assert/strict';
import { describe } from 'node:test';
import { sql } from 'kysely';
import { DEFAULT_OTLP_LIMITS } from '../../src/traces/otlp/limits.ts';
import { normalizeExportRequest } from '../../src/traces/otlp/normalize.ts';
import type { SpanRecord } from '../../src/traces/span.ts';
import type { TraceStore, TraceStoreOptions } from '../../src/traces/store/trace-store.ts';
import type { TenantScope } from '../../src/model/tenant-scope.ts';
import { hexId, otlpJson, type TestSpan } from './otlp.ts';
import { backendHarness, type SuiteBackend } from './store-suite.ts';

export const NOW = Date.UTC(2026, 0, 1, 12);

/** Validated spans of an OTLP/JSON request built from `spans`. */
export function records(spans: readonly TestSpan[], resource?: Record<string, string>): SpanRecord[] {
  const r = normalizeExportRequest(
    otlpJson(spans, resource),
    { ...DEFAULT_OTLP_LIMITS, maxAgeMs: 365 * 86_400_000 },
    NOW,
  );
  assert.equal(r.rejectedCount, 0, r.messages.join('; '));
  return r.spans;
}

/** A backend: opens a fresh, empty store; `skip` when the server is unreachable outside CI. */
export type TraceStoreBackend = SuiteBackend<TraceStoreOptions, TraceStore>;

/** Registers the contract suite for one backend. */
export function traceStoreContract(name: string, setup: () => Promise<TraceStoreBackend>): void {
  describe(`trace store contract (${name})`, () => {
    const h = backendHarness<TraceStoreOptions, TraceStore, TraceStoreBackend>(setup, (st) => st.close());
    const open = (opts: Partial<TraceStoreOptions> = {}): Promise<TraceStore> =>
      h.open({ retentionMs: 86_400_000, ...opts });
    const test = h.test;

    test('round trip: spans come back with attributes, events, status and resource; writes are idempotent', async () => {
      const st = await open();
      const t = hexId(1, 32);
      const input = records(
        [
          {
            traceId: t,
            spanId: hexId(1, 16),
            name: 'root',
            startMs: NOW - 10_000,
            durationMs: 5000,
            attributes: { 'dwcp.vm.id': 'vm-1', 'dwcp.bytes': 12, ratio: 2.5, ok: true },
          },
          {
            traceId: t,
            spanId: hexId(2, 16),
            parentSpanId: hexId(1, 16),
            name: 'child',
            kind: 3,
            startMs: NOW - 9000,
            durationMs: 1000,
            status: { code: 2, message: 'boom' },
          },
        ],
        { 'service.name': 'svc', 'cloud.region': 'eu-west' },
      );
      assert.equal(await st.insertSpans(input), 2);
      assert.equal(await st.insertSpans(input), 0, 'the same spans again are skipped');
      const back = (await st.getTrace(t)).sort((a, b) => a.startUs - b.startUs);
      assert.deepEqual(
        back,
        [...input].sort((a, b) => a.startUs - b.startUs),
      );
      assert.deepEqual(await st.getTrace(hexId(2, 32)), []);
      assert.equal(await st.spanCount(), 2);
    });

    test('a tenant scope: traces with a span of its nodes or regions, before the limit; its services and operations', async () => {
      const st = await open();
      const span = (k: number, node: string, region: string, service: string, startMs: number) =>
        records(
          [
            {
              traceId: hexId(0x500 + k, 32),
              spanId: hexId(1, 16),
              name: `op-${service}`,
              startMs,
              durationMs: 5,
            },
          ],
          { 'service.name': service, 'service.instance.id': node, 'cloud.region': region },
        );
      await st.insertSpans([
        ...span(1, 'node-a', 'eu-west', 'svc-a', NOW - 9000),
        ...span(2, 'node-a', 'eu-west', 'svc-a', NOW - 8000),
        ...span(3, 'node-r', 'ap-south', 'svc-r', NOW - 7000),
        ...[4, 5, 6].flatMap((k) => span(k, 'node-b', 'us-east', 'svc-b', NOW - 6000 + k)),
      ]);
      const tenant = (nodes: string[], regions: string[]): TenantScope => ({
        kind: 'nodes',
        tenant: 't',
        nodes: new Set(nodes),
        regions: new Set(regions),
      });
      const base = { tags: {}, startUs: (NOW - 60_000) * 1000, endUs: NOW * 1000 };
      const ids = async (scope: TenantScope | undefined, limit = 2) =>
        (await st.search({ ...base, limit, ...(scope ? { scope } : {}) })).traces.map(
          (t) => Number.parseInt(t[0]!.traceId, 16) - 0x500,
        );
      assert.deepEqual(await ids(undefined), [6, 5]);
      assert.deepEqual(await ids(tenant(['node-a'], [])), [2, 1], 'the limit counts the tenant traces only');
      assert.deepEqual(await ids(tenant(['node-a'], ['ap-south']), 10), [3, 2, 1]);
      assert.deepEqual(await ids(tenant([], [])), []);
      assert.deepEqual(await st.services(tenant(['node-a'], ['ap-south'])), ['svc-a', 'svc-r']);
      assert.deepEqual(await st.services(tenant([], [])), []);
      assert.deepEqual(await st.services(), ['svc-a', 'svc-b', 'svc-r']);
      assert.deepEqual(await st.operations('svc-b', tenant(['node-a'], [])), []);
      assert.deepEqual(await st.operations('svc-a', tenant(['node-a'], [])), ['op-svc-a']);
    });

    test('a batch with a bad row stores nothing of the batch', async () => {
      const st = await open();
      const good = records([
        { traceId: hexId(3, 32), spanId: hexId(1, 16), name: 'ok', startMs: NOW - 1000, durationMs: 1 },
      ])[0]!;
      const bad = { ...good, spanId: hexId(2, 16), name: null as unknown as string };
      await assert.rejects(st.insertSpans([good, bad]));
      assert.equal(await st.spanCount(), 0);
    });

    test('search: filters on service, operation, duration, status, indexed and other tags, time; bounded scan', async () => {
      const st = await open({ searchScanLimit: 1000 });
      const all: SpanRecord[] = [];
      for (let i = 1; i <= 30; i++) {
        all.push(
          ...records(
            [
              {
                traceId: hexId(0x100 + i, 32),
                spanId: hexId(1, 16),
                name: i % 2 === 0 ? 'even' : 'odd',
                startMs: NOW - 100_000 + i * 1000,
                durationMs: i * 10,
                status: { code: i % 10 === 0 ? 2 : 0 },
                attributes: { 'dwcp.node.id': `node-${i % 3}`, color: i % 5 === 0 ? 'red' : 'blue' },
              },
            ],
            { 'service.name': i <= 15 ? 'a' : 'b' },
          ),
        );
      }
      await st.insertSpans(all);
      const base = { tags: {}, startUs: (NOW - 200_000) * 1000, endUs: NOW * 1000, limit: 100 };
      const ids = async (q: Partial<typeof base> & Record<string, unknown>) =>
        (await st.search({ ...base, ...q })).traces.map((tr) => Number.parseInt(tr[0]!.traceId, 16) - 0x100);
      assert.deepEqual(await ids({ service: 'a', limit: 3 }), [15, 14, 13], 'most recent first, limited');
      assert.equal((await ids({ operation: 'even' })).length, 15);
      assert.deepEqual(await ids({ minDurationUs: 280_000 }), [30, 29, 28]);
      assert.deepEqual(await ids({ maxDurationUs: 20_000 }), [2, 1]);
      assert.deepEqual(await ids({ status: 'error' }), [30, 20, 10]);
      assert.deepEqual(await ids({ tags: { error: 'true' }, service: 'a' }), [10]);
      assert.deepEqual(await ids({ tags: { 'dwcp.node.id': 'node-0', color: 'red' } }), [30, 15]);
      assert.deepEqual(
        await ids({ tags: { error: 'true', 'otel.status_code': 'OK' } }),
        [],
        'contradictory tags match nothing',
      );
      assert.deepEqual(
        await ids({ startUs: (NOW - 100_000 + 5000) * 1000, endUs: (NOW - 100_000 + 6000) * 1000 }),
        [6, 5],
      );
      await assert.rejects(st.search({ ...base, limit: 0 }), /limit/);
    });

    test('search stops at the scan limit and says so', async () => {
      const st = await open({ searchScanLimit: 1000 });
      const many: TestSpan[] = [];
      for (let i = 0; i < 2500; i++)
        many.push({
          traceId: hexId(0x5000 + i, 32),
          spanId: hexId(1, 16),
          name: 'op',
          startMs: NOW - 50_000 + i,
          durationMs: 1,
        });
      await st.insertSpans(records(many));
      const r = await st.search({ tags: { color: 'none' }, startUs: 0, endUs: NOW * 1000, limit: 10 });
      assert.equal(r.traces.length, 0);
      assert.equal(r.truncated, true);
      assert.ok(r.scanned >= 1000 && r.scanned < 2500, `scanned ${r.scanned}`);
    });

    test('retention: deletes spans older than the retention, then the oldest beyond maxSpans', async () => {
      const st = await open({ retentionMs: 60_000, maxSpans: 10 });
      const s: TestSpan[] = [];
      for (let i = 0; i < 40; i++)
        s.push({
          traceId: hexId(0x9000 + i, 32),
          spanId: hexId(1, 16),
          name: 'op',
          startMs: NOW - 7_200_000 + i * 150_000,
          durationMs: 1,
        });
      await st.insertSpans(records(s));
      // The newest span started at NOW - 7.2e6 + 39 * 1.5e5 = NOW - 1 350 000; retention is 60 s.
      const deleted = await st.applyRetention(NOW - 1_350_000 + 60_000);
      assert.equal(await st.spanCount(), 1, 'only the newest span started within the retention');
      assert.equal(deleted, 39);
      const st2 = await open({ retentionMs: 86_400_000, maxSpans: 10 });
      await st2.insertSpans(records(s));
      assert.equal(await st2.applyRetention(NOW), 30);
      assert.equal(await st2.spanCount(), 10);
      const left = (
        await st2.search({ tags: {}, startUs: 0, endUs: (NOW + 1e9) * 1000, limit: 100 })
      ).traces.map((tr) => tr[0]!.startUs);
      assert.equal(Math.min(...left), (NOW - 7_200_000 + 30 * 150_000) * 1000, 'the newest ten kept');
    });

    test('services and operations: sorted names of the stored spans, pruned with them (process rows too)', async () => {
      const st = await open({ retentionMs: 3_600_000 });
      const old = NOW - 3 * 3_600_000;
      await st.insertSpans(
        records(
          [{ traceId: hexId(0xa1, 32), spanId: hexId(1, 16), name: 'gone.op', startMs: old, durationMs: 1 }],
          { 'service.name': 'old-svc' },
        ),
      );
      await st.insertSpans(
        records(
          [
            {
              traceId: hexId(0xa2, 32),
              spanId: hexId(1, 16),
              name: 'dwcp.migration',
              startMs: NOW - 60_000,
              durationMs: 1,
            },
            {
              traceId: hexId(0xa2, 32),
              spanId: hexId(2, 16),
              name: 'dwcp.amst.transfer',
              startMs: NOW - 59_000,
              durationMs: 1,
            },
          ],
          { 'service.name': 'dwcp-node' },
        ),
      );
      // A later span of the old service's operation, newer than the row's last-seen time by less than a minute.
      await st.insertSpans(
        records(
          [
            {
              traceId: hexId(0xa3, 32),
              spanId: hexId(1, 16),
              name: 'dwcp.migration',
              startMs: NOW - 30_000,
              durationMs: 1,
            },
          ],
          { 'service.name': 'dwcp-node' },
        ),
      );
      assert.deepEqual(await st.services(), ['dwcp-node', 'old-svc']);
      assert.deepEqual(await st.operations('dwcp-node'), ['dwcp.amst.transfer', 'dwcp.migration']);
      assert.deepEqual(await st.operations('nobody'), []);
      const processes = async () =>
        Number(
          (await sql<{ n: number | string }>`select count(*) as n from trace_processes`.execute(st.db))
            .rows[0]!.n,
        );
      assert.equal(await processes(), 2);
      assert.equal(await st.applyRetention(NOW), 1);
      assert.deepEqual(await st.services(), ['dwcp-node'], 'the service whose spans are gone is gone');
      assert.deepEqual(await st.operations('old-svc'), []);
      assert.equal(await processes(), 1, 'its process row too');
      // The live service's rows stay, and a new span of the pruned service brings it back with its process.
      await st.insertSpans(
        records(
          [
            {
              traceId: hexId(0xa4, 32),
              spanId: hexId(1, 16),
              name: 'back.op',
              startMs: NOW - 1000,
              durationMs: 1,
            },
          ],
          { 'service.name': 'old-svc' },
        ),
      );
      assert.deepEqual(await st.services(), ['dwcp-node', 'old-svc']);
      const [span] = await st.getTrace(hexId(0xa4, 32));
      assert.equal(span!.process.service, 'old-svc');
      assert.equal(await processes(), 2);
      // Everything expires: nothing is left of either service.
      await st.applyRetention(NOW + 2 * 3_600_000);
      assert.deepEqual(await st.services(), []);
      assert.equal(await processes(), 0);
      assert.equal(await st.spanCount(), 0);
    });

    test("migrations are recorded in the trace system's own bookkeeping table", async () => {
      const st = await open();
      const rows = await sql<{ name: string }>`select name from kysely_migration_traces`.execute(st.db);
      assert.deepEqual(
        rows.rows.map((r) => r.name),
        ['0001_traces', '0002_trace_operations', '0003_trace_spans_rowid', '0004_trace_spans_error_covering'],
      );
    });
  });
}
