/**
 * Crash safety under load: the real `serve` process (SQLite, chunks layout with its write-ahead log) takes
 * concurrent JSON pushes and is killed with SIGKILL at a random moment, several times; after each restart every
 * sample it acknowledged (200 with every sample stored) must read back exactly. Pushes in flight at the kill may
 * or may not be stored — only acknowledged ones count.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import type { QueryResponse } from '../../src/contract/series.ts';
import { freePort, startServerProcess, type ServerProcess } from '../helpers/server-process.ts';

const CYCLES = 3;
const WRITERS = 4;
const SAMPLES_PER_BATCH = 120;

interface AckedBatch {
  readonly batch: string;
  readonly firstMs: number;
}

/** Deterministic pseudo-random numbers (mulberry32), so a failure can be replayed. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const valueOf = (i: number) => i * 1.5 + 0.25;

async function startServe(configPath: string, port: number): Promise<ServerProcess> {
  return startServerProcess(
    'dwcp-monitor serve',
    process.execPath,
    ['--import', 'tsx', 'src/cli/index.ts', 'serve', '--config', configPath],
    `http://127.0.0.1:${port}/ready`,
    60_000,
  );
}

/** Pushes batches (one new series each, SAMPLES_PER_BATCH samples 1 s apart) until `stop()`; records the acknowledged ones. */
function writer(base: string, id: string, firstMs: number, acked: AckedBatch[]): { stop(): Promise<void> } {
  let running = true;
  const done = (async () => {
    for (let k = 0; running; k++) {
      const batch = `${id}-${k}`;
      const samples = Array.from({ length: SAMPLES_PER_BATCH }, (_, i) => ({
        name: 'kill_test_value',
        labels: { batch },
        value: valueOf(i),
        timestamp: firstMs + i * 1000,
      }));
      try {
        const res = await fetch(`${base}/api/metrics`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ samples }),
        });
        const body = (await res.json()) as { data?: { stored?: number } };
        if (res.status === 200 && body.data?.stored === SAMPLES_PER_BATCH) acked.push({ batch, firstMs });
        else if (res.status === 200)
          throw new Error(`batch ${batch}: stored ${body.data?.stored} of ${SAMPLES_PER_BATCH}`);
      } catch (e) {
        if (running && !(e instanceof TypeError)) throw e; // TypeError: fetch failed as the process died
        return;
      }
    }
  })();
  return {
    async stop() {
      running = false;
      await done;
    },
  };
}

async function readBack(base: string, b: AckedBatch): Promise<Map<number, number>> {
  const q = new URLSearchParams({
    name: 'kill_test_value',
    'match[batch]': b.batch,
    start: String(b.firstMs / 1000),
    end: String((b.firstMs + (SAMPLES_PER_BATCH - 1) * 1000) / 1000),
    step: '1s',
    agg: 'max',
  });
  const res = await fetch(`${base}/api/metrics/query?${q}`);
  assert.equal(res.status, 200, await res.clone().text());
  const body = (await res.json()) as QueryResponse;
  const got = new Map<number, number>();
  for (const s of body.data.series) s.timestampsMs.forEach((t, i) => got.set(t, s.values[i]!));
  return got;
}

describe('kill -9 under load', () => {
  const dir = mkdtempSync(join(tmpdir(), 'dwcp-kill9-'));
  after(() => rmSync(dir, { recursive: true, force: true }));

  it(
    `loses no acknowledged sample over ${CYCLES} SIGKILLs during concurrent pushes`,
    { timeout: 300_000 },
    async (t) => {
      const port = await freePort();
      const configPath = join(dir, 'monitor.yaml');
      writeFileSync(
        configPath,
        [
          `listen: { host: 127.0.0.1, port: ${port} }`,
          'auth: { mode: disabled }',
          'host: { enabled: false }',
          'targets: []',
          `storage: { type: sqlite, path: ${JSON.stringify(join(dir, 'data', 'monitor.db'))} }`,
          '',
        ].join('\n'),
      );
      const base = `http://127.0.0.1:${port}`;
      const rand = random(20261203);
      const acked: AckedBatch[] = [];
      const firstMs = Date.now() - 30 * 60_000;
      for (let cycle = 0; cycle < CYCLES; cycle++) {
        const serve = await startServe(configPath, port);
        const before = acked.length;
        const writers = Array.from({ length: WRITERS }, (_, w) =>
          writer(base, `c${cycle}w${w}`, firstMs + cycle * 60_000, acked),
        );
        await new Promise((r) => setTimeout(r, 1500 + rand() * 2500));
        const signal = await serve.kill9();
        await Promise.all(writers.map((w) => w.stop()));
        assert.equal(signal, 'SIGKILL', serve.logs());
        assert.ok(
          acked.length > before,
          `cycle ${cycle}: no push was acknowledged before the kill\n${serve.logs()}`,
        );
      }
      const serve = await startServe(configPath, port);
      try {
        const missing: string[] = [];
        for (const b of acked) {
          const got = await readBack(base, b);
          for (let i = 0; i < SAMPLES_PER_BATCH; i++) {
            const t = b.firstMs + i * 1000;
            if (got.get(t) !== valueOf(i)) missing.push(`${b.batch}@${i}: ${got.get(t) ?? 'missing'}`);
          }
        }
        assert.deepEqual(
          missing.slice(0, 20),
          [],
          `${missing.length} of ${acked.length * SAMPLES_PER_BATCH} acknowledged samples lost`,
        );
        assert.equal(
          (await readBack(base, { batch: 'never-pushed', firstMs })).size,
          0,
          'the read-back can tell a missing batch',
        );
        t.diagnostic(
          `${acked.length} batches (${acked.length * SAMPLES_PER_BATCH} samples) acknowledged over ${CYCLES} kills, all read back`,
        );
      } finally {
        await serve.stop();
      }
    },
  );
});
