/**
 * The profile store on both backends (SQLite temp file, PostgreSQL in a fresh schema), its count and byte
 * limits, and a continuous-profiling round over this process and an SDK metrics server's /debug/pprof.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { Registry } from 'prom-client';
import { InvalidInputError, NotFoundError, PayloadTooLargeError } from '../../src/errors.ts';
import { ContinuousProfiler } from '../../src/profiles/continuous.ts';
import { pprofRoutes } from '../../src/profiles/pprof-routes.ts';
import { readPprof } from '../../src/profiles/pprof-read.ts';
import { ProfileStore } from '../../src/profiles/profile-store.ts';
import { RuntimeProfiler } from '../../src/profiles/runtime-profiler.ts';
import { startMetricsServer } from '../../src/sdk/metrics-server.ts';
import type { SystemDbLocation } from '../../src/store/system-db.ts';
import { dropSchema, freshSchema, PG_URL, pgSkipReason } from '../helpers/postgres.ts';

const T0 = 1_700_000_000_000;
const bytes = (n: number, fill = 7) => new Uint8Array(n).fill(fill);

function suite(
  backend: string,
  location: () => Promise<SystemDbLocation | string>,
  cleanup?: (l: SystemDbLocation) => Promise<void>,
): void {
  describe(`profile store (${backend})`, () => {
    let loc: SystemDbLocation | undefined;
    let skip: string | undefined;
    before(async () => {
      const l = await location();
      if (typeof l === 'string') skip = l;
      else loc = l;
    });
    after(async () => {
      if (loc && cleanup) await cleanup(loc);
    });

    it('stores, lists newest first, reads back and filters', async (t) => {
      if (skip) return t.skip(skip);
      const store = await ProfileStore.open(loc!, { maxProfiles: 10, maxBytes: 1_000_000 });
      try {
        const a = await store.insert({
          kind: 'cpu',
          source: 'monitor',
          trigger: 'continuous',
          startedAtMs: T0,
          durationMs: 10_000,
          pprof: bytes(100, 1),
        });
        const b = await store.insert({
          kind: 'heap',
          source: 'node-1',
          trigger: 'on_demand',
          startedAtMs: T0 + 1000,
          durationMs: 0,
          pprof: bytes(50, 2),
        });
        assert.deepEqual(
          (await store.list({ limit: 10 })).map((p) => p.id),
          [b.id, a.id],
        );
        assert.deepEqual(
          (await store.list({ limit: 10, kind: 'cpu' })).map((p) => p.id),
          [a.id],
        );
        assert.deepEqual(
          (await store.list({ limit: 10, source: 'node-1' })).map((p) => p.kind),
          ['heap'],
        );
        const got = await store.get(a.id);
        assert.equal(got.info.startedAtMs, T0);
        assert.equal(got.info.sizeBytes, 100);
        assert.deepEqual([...got.pprof], [...bytes(100, 1)]);
        await assert.rejects(store.get(999_999), NotFoundError);
        await assert.rejects(
          store.insert({
            kind: 'mutex' as 'cpu',
            source: 'x',
            trigger: 'continuous',
            startedAtMs: T0,
            durationMs: 0,
            pprof: bytes(1),
          }),
          InvalidInputError,
        );
        await assert.rejects(store.list({ limit: 0 }), InvalidInputError);
      } finally {
        await store.close();
      }
    });

    it('keeps at most maxProfiles and maxBytes, dropping the oldest', async (t) => {
      if (skip) return t.skip(skip);
      const store = await ProfileStore.open(loc!, { maxProfiles: 3, maxBytes: 1000 });
      try {
        for (const p of await store.list({ limit: 1000 })) assert.ok(p.id > 0); // rows of the previous test
        for (let i = 0; i < 6; i++)
          await store.insert({
            kind: 'cpu',
            source: 'monitor',
            trigger: 'continuous',
            startedAtMs: T0 + 10_000 + i,
            durationMs: 1,
            pprof: bytes(100),
          });
        let u = await store.usage();
        assert.equal(u.profiles, 3, 'count limit holds');
        assert.deepEqual(
          (await store.list({ limit: 10 })).map((p) => p.startedAtMs),
          [T0 + 10_005, T0 + 10_004, T0 + 10_003],
        );
        await store.insert({
          kind: 'heap',
          source: 'monitor',
          trigger: 'continuous',
          startedAtMs: T0 + 20_000,
          durationMs: 0,
          pprof: bytes(950),
        });
        u = await store.usage();
        assert.ok(u.bytes <= 1000, `byte limit holds: ${u.bytes}`);
        assert.equal(u.profiles, 1);
        await assert.rejects(
          store.insert({
            kind: 'cpu',
            source: 'monitor',
            trigger: 'continuous',
            startedAtMs: T0,
            durationMs: 0,
            pprof: bytes(1001),
          }),
          PayloadTooLargeError,
        );
      } finally {
        await store.close();
      }
    });
  });
}

const dir = mkdtempSync(join(tmpdir(), 'dwcp-profiles-'));
after(() => rmSync(dir, { recursive: true, force: true }));
suite('sqlite', async () => ({ type: 'sqlite', path: join(dir, 'profiles.db') }));
suite(
  'postgres',
  async () => (await pgSkipReason()) ?? { type: 'postgres', url: PG_URL, schema: freshSchema('prof') },
  (l) => (l.type === 'postgres' && l.schema ? dropSchema(l.schema) : Promise.resolve()),
);

describe('continuous profiling round', () => {
  it('stores CPU and heap profiles of this process and of a target, all readable as pprof', async () => {
    const store = await ProfileStore.open({ type: 'sqlite', path: ':memory:' }, { maxProfiles: 10 });
    const self = new RuntimeProfiler();
    const remote = new RuntimeProfiler();
    const server = await startMetricsServer({
      registry: new Registry(),
      port: 0,
      service: 'node-1',
      routes: pprofRoutes(remote),
    });
    const errors: string[] = [];
    try {
      const cp = new ContinuousProfiler({
        store,
        self,
        targets: [
          { id: 'node-1', url: server.url },
          { id: 'gone', url: 'http://127.0.0.1:1' },
        ],
        intervalMs: 60_000,
        cpuSeconds: 1,
        onError: (src, kind, e) => errors.push(`${src}/${kind}: ${(e as Error).message}`),
      });
      const stored = await cp.runRound();
      assert.deepEqual(
        stored.map((p) => `${p.source}/${p.kind}`),
        ['monitor/cpu', 'monitor/heap', 'node-1/cpu', 'node-1/heap'],
      );
      assert.equal(errors.length, 2, errors.join('; '));
      assert.ok(errors.every((e) => e.startsWith('gone/')));
      for (const p of stored) readPprof((await store.get(p.id)).pprof);
      await cp.stop();
      assert.throws(() => new ContinuousProfiler({ store, intervalMs: 1000, cpuSeconds: 1 }), /1m\.\.24h/);
      assert.throws(
        () => new ContinuousProfiler({ store, intervalMs: 60_000, cpuSeconds: 60 }),
        /shorter than the interval/,
      );
    } finally {
      await server.close();
      await self.close();
      await remote.close();
      await store.close();
    }
  });
});
