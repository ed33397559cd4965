/**
 * The log store contract: one suite every log-store backend runs (SQLite in memory:
 * test/unit/logs/store/log-store.test.ts; PostgreSQL: test/integration/store/log-store-postgres.test.ts).
 * Behaviour only, through LogStore's methods: round trip, label and word filters, both directions with keyset
 * paging, the scan bound, label names and values, retention per level, the entry cap, streams (one per label
 * set, the stream cap, streams removed with their last entry), counts per stream and bucket, atomic batches
 * (also beside retention), and the migration bookkeeping table.
 */
import assert from 'node:assert/strict';
import { describe } from 'node:test';
import type { LogStore, LogStoreOptions } from '../../src/logs/store/log-store.ts';
import type { TenantScope } from '../../src/model/tenant-scope.ts';
import { backendHarness, type SuiteBackend } from './store-suite.ts';
import { logStoreWriteTests } from './log-store-contract-writes.ts';
import { DAY, NOW, RANGE, RETENTION, logRecord } from './log-store-fixtures.ts';

export { DAY, NOW, logRecord } from './log-store-fixtures.ts';

/** A backend: opens a fresh, empty store; `skip` when the server is unreachable outside CI. */
export type LogStoreBackend = SuiteBackend<LogStoreOptions, LogStore>;

/** Registers the contract suite for one backend. */
export function logStoreContract(name: string, setup: () => Promise<LogStoreBackend>): void {
  describe(`log store contract (${name})`, () => {
    const h = backendHarness<LogStoreOptions, LogStore, LogStoreBackend>(setup, (st) => st.close());
    const open = (opts: Partial<LogStoreOptions> = {}): Promise<LogStore> =>
      h.open({ retentionMs: RETENTION, ...opts });
    const test = h.test;
    const scan = (st: LogStore, over: Partial<Parameters<LogStore['scan']>[0]> = {}) =>
      st.scan({ ...RANGE, labels: [], direction: 'backward', limit: 1000, maxScan: 100_000, ...over });

    test('round trip: every field comes back; newest first backward, oldest first forward', async () => {
      const st = await open();
      const a = logRecord(3000, {
        body: 'first',
        traceId: 'a'.repeat(32),
        spanId: 'b'.repeat(16),
        attributes: { k: 'v' },
        level: 'error',
      });
      const c = logRecord(1000, { body: 'third' });
      const m = logRecord(2000, { body: 'second' });
      assert.equal(await st.insertLogs([a, c, m]), 3);
      const back = await scan(st);
      assert.deepEqual(
        back.entries.map((e) => e.body),
        ['third', 'second', 'first'],
      );
      const first = back.entries[2]!;
      assert.ok(Number.isInteger(first.id));
      assert.deepEqual({ ...first, id: undefined }, { ...a, id: undefined });
      const fwd = await scan(st, { direction: 'forward' });
      assert.deepEqual(
        fwd.entries.map((e) => e.body),
        ['first', 'second', 'third'],
      );
      assert.equal(await st.count(), 3);
    });

    test('label sets, trace id and full-text words filter; the time range is [start, end)', async () => {
      const st = await open();
      await st.insertLogs([
        logRecord(5000, {
          body: 'migration timeout after 30s',
          nodeId: 'node-1',
          level: 'error',
          traceId: 'c'.repeat(32),
        }),
        logRecord(4000, { body: 'retry 2 of transfer', nodeId: 'node-2', level: 'warn' }),
        logRecord(3000, {
          body: 'mode switch to internet',
          nodeId: 'node-2',
          region: 'eu-west',
          level: 'info',
        }),
        logRecord(2000, { body: 'Timeout waiting for peer', nodeId: 'node-3', level: 'error' }),
      ]);
      const bodies = async (over: Partial<Parameters<LogStore['scan']>[0]>) =>
        (await scan(st, over)).entries.map((e) => e.body);
      assert.deepEqual(await bodies({ labels: [{ label: 'level', in: ['error'] }] }), [
        'Timeout waiting for peer',
        'migration timeout after 30s',
      ]);
      assert.deepEqual(
        await bodies({
          labels: [
            { label: 'node_id', in: ['node-2'] },
            { label: 'region', notIn: ['eu-west'] },
          ],
        }),
        ['retry 2 of transfer'],
      );
      assert.deepEqual(await bodies({ words: ['timeout'] }), [
        'Timeout waiting for peer',
        'migration timeout after 30s',
      ]);
      assert.deepEqual(await bodies({ words: ['timeout', 'peer'] }), ['Timeout waiting for peer']);
      assert.deepEqual(await bodies({ words: ['time'] }), [], 'words are whole tokens');
      assert.deepEqual(await bodies({ traceId: 'c'.repeat(32) }), ['migration timeout after 30s']);
      assert.deepEqual(await bodies({ labels: [{ label: 'level', in: [] }] }), []);
      assert.deepEqual(await bodies({ startUs: (NOW - 4000) * 1000, endUs: (NOW - 2000) * 1000 }), [
        'mode switch to internet',
        'retry 2 of transfer',
      ]);
    });

    test('a tenant scope: its nodes or regions only, before the limit; label names and values too; empty scope nothing', async () => {
      const st = await open();
      await st.insertLogs([
        logRecord(6000, { body: 'a old', nodeId: 'node-a', region: 'eu-west', service: 'svc-a' }),
        logRecord(5000, { body: 'a new', nodeId: 'node-a', region: 'eu-west', service: 'svc-a' }),
        logRecord(4000, { body: 'r only', nodeId: 'node-r', region: 'ap-south', service: 'svc-r' }),
        ...[3000, 2000, 1000].map((ago) =>
          logRecord(ago, {
            body: `b ${ago}`,
            nodeId: 'node-b',
            region: 'us-east',
            service: 'svc-b',
            component: 'ctl',
          }),
        ),
        logRecord(500, { body: 'cluster', nodeId: '', region: '', service: 'svc-c' }),
      ]);
      const tenant = (nodes: string[], regions: string[]): TenantScope => ({
        kind: 'nodes',
        tenant: 't',
        nodes: new Set(nodes),
        regions: new Set(regions),
      });
      const bodies = async (scope: TenantScope, over: Partial<Parameters<LogStore['scan']>[0]> = {}) =>
        (await scan(st, { scope, limit: 2, ...over })).entries.map((e) => e.body);
      assert.deepEqual(
        await bodies(tenant(['node-a'], [])),
        ['a new', 'a old'],
        'the limit counts the tenant entries only',
      );
      assert.deepEqual(await bodies(tenant([], ['ap-south'])), ['r only']);
      assert.deepEqual(await bodies(tenant(['node-a'], ['ap-south']), { limit: 10 }), [
        'r only',
        'a new',
        'a old',
      ]);
      assert.deepEqual(await bodies(tenant(['node-a'], ['ap-south']), { limit: 10, words: ['only'] }), [
        'r only',
      ]);
      assert.deepEqual(
        await bodies(tenant(['node-a'], []), { labels: [{ label: 'node_id', in: ['node-b'] }] }),
        [],
      );
      assert.deepEqual(await bodies(tenant([], [])), []);
      assert.deepEqual(await bodies({ kind: 'all' }, { limit: 1 }), ['cluster']);
      assert.deepEqual(
        await st.labelValues('service', RANGE.startUs, RANGE.endUs, 100, tenant(['node-a'], ['ap-south'])),
        ['svc-a', 'svc-r'],
      );
      assert.deepEqual(await st.labelValues('node_id', RANGE.startUs, RANGE.endUs, 100, tenant([], [])), []);
      assert.deepEqual(await st.labelNames(RANGE.startUs, RANGE.endUs, tenant(['node-a'], [])), [
        'service',
        'node_id',
        'region',
        'level',
        'component',
      ]);
      assert.deepEqual(await st.labelNames(RANGE.startUs, RANGE.endUs, tenant([], [])), []);
    });

    test('pages through equal timestamps; limit, predicate and the scan bound', async () => {
      const st = await open();
      await st.insertLogs(
        Array.from({ length: 2500 }, (_, i) => logRecord(1000 + (i % 3), { body: `line ${i}` })),
      );
      const all = await scan(st, { limit: 10_000 });
      assert.equal(all.entries.length, 2500);
      assert.equal(new Set(all.entries.map((e) => e.id)).size, 2500);
      const odd = await scan(st, { limit: 5, accept: (r) => r.body.endsWith('7') });
      assert.equal(odd.entries.length, 5);
      assert.ok(odd.entries.every((e) => e.body.endsWith('7')));
      const bounded = await scan(st, { maxScan: 1200, accept: (r) => r.body === 'none' });
      assert.deepEqual([bounded.entries.length, bounded.scanned, bounded.truncated], [0, 1200, true]);
    });

    test('a common word: newest first up to the limit, with labels, an older range and the scan bound', async () => {
      const st = await open();
      await st.insertLogs(
        Array.from({ length: 3000 }, (_, i) =>
          logRecord(10_000 - i, { body: `common line ${i}`, nodeId: `node-${i % 3}` }),
        ),
      );
      const bodies = async (over: Partial<Parameters<LogStore['scan']>[0]>) =>
        (await scan(st, { words: ['common'], ...over })).entries.map((e) => e.body);
      assert.deepEqual(await bodies({ limit: 3 }), [
        'common line 2999',
        'common line 2998',
        'common line 2997',
      ]);
      assert.deepEqual(await bodies({ limit: 2, labels: [{ label: 'node_id', in: ['node-1'] }] }), [
        'common line 2998',
        'common line 2995',
      ]);
      assert.deepEqual(await bodies({ limit: 2, endUs: (NOW - 9000) * 1000 }), [
        'common line 999',
        'common line 998',
      ]);
      assert.deepEqual(await bodies({ limit: 2, accept: (r) => r.body.endsWith('00') }), [
        'common line 2900',
        'common line 2800',
      ]);
      const bounded = await scan(st, { words: ['common'], maxScan: 1200, accept: () => false });
      assert.deepEqual([bounded.entries.length, bounded.scanned, bounded.truncated], [0, 1200, true]);
      // every match qualifies: the newest 3 cost about a small page of rows, not a full-text page's 1000
      const few = await scan(st, { words: ['common'], limit: 3 });
      assert.equal(few.entries.length, 3);
      assert.ok(few.scanned <= 100, `read ${few.scanned} rows for the newest 3 matches`);
      const all = await scan(st, { words: ['common'], limit: 5000 });
      assert.deepEqual([all.entries.length, all.truncated], [3000, false]);
    });

    test('contains: exact substrings checked in SQL, with rare or common implied words, labels and both directions', async () => {
      const st = await open();
      // 5000 lines with "timed out" (more than the full-text probe reads), a few with the exact needle
      await st.insertLogs(
        Array.from({ length: 5000 }, (_, i) =>
          logRecord(20_000 - i, {
            body: i % 1000 === 7 ? `transfer timed out after ${i}` : `out of sync, timed ${i}`,
            nodeId: `node-${i % 2}`,
            level: i % 4 === 0 ? 'error' : 'info',
          }),
        ),
      );
      const bodies = async (over: Partial<Parameters<LogStore['scan']>[0]>) =>
        (await scan(st, { contains: [' timed out '], containsWords: ['timed', 'out'], ...over })).entries.map(
          (e) => e.body,
        );
      const expectAll = [
        'transfer timed out after 4007',
        'transfer timed out after 3007',
        'transfer timed out after 2007',
        'transfer timed out after 1007',
        'transfer timed out after 7',
      ];
      assert.deepEqual(await bodies({}), expectAll);
      assert.deepEqual(await bodies({ labels: [{ label: 'node_id', in: ['node-1'] }] }), expectAll);
      assert.deepEqual(
        await bodies({
          labels: [
            { label: 'node_id', in: ['node-1'] },
            { label: 'level', in: ['info'] },
          ],
          limit: 2,
        }),
        expectAll.slice(0, 2),
      );
      assert.deepEqual(await bodies({ labels: [{ label: 'node_id', in: ['node-0'] }] }), []);
      assert.deepEqual(
        await bodies({ labels: [{ label: 'level', in: ['info'] }], direction: 'forward', limit: 2 }),
        [...expectAll].reverse().slice(0, 2),
      );
      assert.deepEqual(await bodies({ contains: ['Timed'], containsWords: ['timed'] }), [], 'case-sensitive');
      // a rare word: found through the full-text index, still checked exactly
      await st.insertLogs([
        logRecord(1, { body: 'quorum lost', nodeId: 'node-1' }),
        logRecord(2, { body: 'lost quorum', nodeId: 'node-1' }),
      ]);
      assert.deepEqual(
        await bodies({
          contains: ['quorum lost'],
          containsWords: ['quorum', 'lost'],
          labels: [{ label: 'node_id', in: ['node-1'] }],
        }),
        ['quorum lost'],
      );
      assert.deepEqual(await bodies({ contains: ['quorum lost'], containsWords: ['quorum', 'lost'] }), [
        'quorum lost',
      ]);
    });

    test('word matches that arrived out of order come back in time order', async () => {
      const st = await open();
      await st.insertLogs([logRecord(1000, { body: 'late arrival newest' })]);
      await st.insertLogs([
        logRecord(3000, { body: 'late arrival oldest' }),
        logRecord(2000, { body: 'late arrival middle' }),
      ]);
      assert.deepEqual(
        (await scan(st, { words: ['arrival'] })).entries.map((e) => e.body),
        ['late arrival newest', 'late arrival middle', 'late arrival oldest'],
      );
    });

    test('label names and values in the range', async () => {
      const st = await open();
      await st.insertLogs([
        logRecord(1000, { component: '', region: 'b' }),
        logRecord(2000, { component: '', region: 'a' }),
        logRecord(30 * DAY, { component: 'old' }),
      ]);
      assert.deepEqual(await st.labelNames((NOW - DAY) * 1000, (NOW + 1) * 1000), [
        'service',
        'node_id',
        'region',
        'level',
      ]);
      assert.deepEqual(await st.labelValues('region', (NOW - DAY) * 1000, (NOW + 1) * 1000, 10), ['a', 'b']);
      assert.deepEqual(await st.labelValues('region', (NOW - DAY) * 1000, (NOW + 1) * 1000, 1), ['a']);
    });

    test('stream label sets: selectors OR-ed, each a conjunction; entries in the range; tenant scope; limit', async () => {
      const st = await open();
      await st.insertLogs([
        logRecord(1000, { service: 's', nodeId: 'node-1', region: 'eu', level: 'error', component: 'c' }),
        logRecord(1500, { service: 's', nodeId: 'node-1', region: 'eu', level: 'error', component: 'c' }),
        logRecord(2000, { service: 's', nodeId: 'node-2', region: 'us', level: 'info', component: '' }),
        logRecord(3000, { service: 't', nodeId: 'node-3', region: 'us', level: 'warn', component: 'c' }),
        logRecord(30 * DAY, { service: 's', nodeId: 'node-4', region: 'eu', level: 'info', component: 'c' }),
      ]);
      const day = [(NOW - DAY) * 1000, (NOW + 1) * 1000] as const;
      const nodes = async (
        selectors: Parameters<LogStore['streamLabelSets']>[0],
        over: { limit?: number; scope?: TenantScope; range?: readonly [number, number] } = {},
      ) =>
        (await st.streamLabelSets(selectors, ...(over.range ?? day), over.limit ?? 100, over.scope))
          .map((s) => s.node_id)
          .sort();
      assert.deepEqual(await st.streamLabelSets([[{ label: 'node_id', in: ['node-1'] }]], ...day, 100), [
        { service: 's', node_id: 'node-1', region: 'eu', level: 'error', component: 'c' },
      ]);
      assert.deepEqual(
        await nodes([[{ label: 'service', in: ['s'] }]]),
        ['node-1', 'node-2'],
        'node-4 has no entry in the range',
      );
      assert.deepEqual(
        await nodes([[{ label: 'service', in: ['s'] }]], { range: [RANGE.startUs, RANGE.endUs] }),
        ['node-1', 'node-2', 'node-4'],
      );
      assert.deepEqual(
        await nodes([
          [
            { label: 'service', in: ['s'] },
            { label: 'region', notIn: ['eu'] },
          ],
          [{ label: 'level', in: ['warn'] }],
        ]),
        ['node-2', 'node-3'],
      );
      assert.deepEqual(await nodes([[]]), ['node-1', 'node-2', 'node-3']);
      assert.deepEqual(await nodes([]), []);
      assert.deepEqual(await nodes([[]], { limit: 2 }), ['node-1', 'node-2']);
      const tenant = (ns: string[], regions: string[]): TenantScope => ({
        kind: 'nodes',
        tenant: 't',
        nodes: new Set(ns),
        regions: new Set(regions),
      });
      assert.deepEqual(await nodes([[]], { scope: tenant(['node-1'], ['us']) }), [
        'node-1',
        'node-2',
        'node-3',
      ]);
      assert.deepEqual(
        await nodes([[{ label: 'service', in: ['s'] }]], { scope: tenant(['node-3'], []) }),
        [],
      );
    });

    logStoreWriteTests({ test, open, scan });
  });
}
