/**
 * Trace ingest benchmark. Spans come from the real instrumentation (src/sdk/migration-tracing.ts: two nodes in
 * two regions, 8 spans per migration, a share with retries and failures) and are serialised by the official
 * OTLP serializer (@opentelemetry/otlp-transformer, what the OTLP/HTTP protobuf exporter sends) in batches of
 * 512 spans (the BatchSpanProcessor's default export batch). Measured on one core, in one process:
 * 1. anchor: bare protobufjs decode of every batch;
 * 2. decode + validate (src/traces/otlp);
 * 3. full receive: decode + validate + store in a SQLite trace store on disk (one transaction per batch);
 * 4. the same with tail sampling in front of a second SQLite store (decision at once, error traces and a fixed
 *    10 % of the rest kept, flushed after every batch): decode + validate + buffer + decide + store the kept;
 * then bytes per stored span (database file after a WAL checkpoint, divided by spans), trace-by-id lookup
 * latency over the stored traces and search latency of four query kinds the trace view sends. Finally the SDK cost of
 * recording one migration trace (source and destination side, 8 spans, batch span processor, an exporter that
 * discards): CPU µs per migration. The simulator's migrations take no real time, so a relative overhead against
 * a real migration cannot be measured here.
 *
 * With `--pg <url>` the full receive is also run against PostgreSQL (a fresh schema, dropped afterwards), with
 * bytes per span from `pg_total_relation_size` of the span table (indexes and TOAST included), and the same
 * trace-by-id and search latencies after `analyze`.
 *
 * Run: `npm run bench:traces -- [--migrations 4000] [--pg postgres://dwcp:dwcp@127.0.0.1:5432/dwcp_test]`.
 */
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ExportResultCode } from '@opentelemetry/core';
import { InMemorySpanExporter, type ReadableSpan, type SpanExporter } from '@opentelemetry/sdk-trace-base';
import { ProtobufTraceSerializer } from '@opentelemetry/otlp-transformer';
import { sql } from 'kysely';
import { Registry } from 'prom-client';
import type { TraceSearchRequest } from '../src/contract/traces.ts';
import { NodeTracing } from '../src/sdk/migration-tracing.ts';
import { decodeExportRequest } from '../src/traces/otlp/decode.ts';
import { DEFAULT_OTLP_LIMITS } from '../src/traces/otlp/limits.ts';
import { otlpProtoTypes } from '../src/traces/otlp/proto-root.ts';
import { TraceReceiver } from '../src/traces/receiver.ts';
import { SamplingSink } from '../src/traces/sampling/sampling-sink.ts';
import { DEFAULT_TAIL_SAMPLER_OPTIONS, TailSampler } from '../src/traces/sampling/tail-sampler.ts';
import { openPostgresTraceStore, openSqliteTraceStore } from '../src/traces/store/open.ts';
import type { TraceStore } from '../src/traces/store/trace-store.ts';

const arg = (name: string, dflt: number): number => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : dflt;
};
const MIGRATIONS = arg('migrations', 4000);
const BATCH = 512;
const pgIndex = process.argv.indexOf('--pg');
const PG_URL = pgIndex >= 0 ? process.argv[pgIndex + 1] : undefined;

function generate(): { batches: Buffer[]; spans: number; traceIds: string[] } {
  const e1 = new InMemorySpanExporter();
  const e2 = new InMemorySpanExporter();
  const a = new NodeTracing({ nodeId: 'node-1', region: 'us-east', exporter: e1, simple: true });
  const b = new NodeTracing({ nodeId: 'node-2', region: 'eu-west', exporter: e2, simple: true });
  const t0 = Date.now() - 3_600_000;
  // 250 ms apart, closer for large runs so every migration starts within the last hour (the receiver's time window).
  const spacingMs = Math.min(250, 3_500_000 / MIGRATIONS);
  for (let i = 0; i < MIGRATIONS; i++) {
    const m = {
      vmId: `vm-${i}`,
      vmSize: 'medium',
      sourceNode: 'node-1',
      destinationNode: 'node-2',
      mode: 'internet' as const,
      version: i % 4 === 0 ? ('v3' as const) : ('v1' as const),
      startMs: Math.round(t0 + i * spacingMs),
      durationMs: 5000 + (i % 97) * 100,
      bytes: 8 * 2 ** 30,
      ok: i % 50 !== 0,
      retries: i % 20 === 0 ? 1 : 0,
    };
    b.traceDestination(a.traceSource(m), m);
  }
  const all: ReadableSpan[] = [...e1.getFinishedSpans(), ...e2.getFinishedSpans()];
  const batches: Buffer[] = [];
  for (let i = 0; i < all.length; i += BATCH)
    batches.push(Buffer.from(ProtobufTraceSerializer.serializeRequest(all.slice(i, i + BATCH))!));
  const traceIds = [...new Set(all.map((s) => s.spanContext().traceId))];
  return { batches, spans: all.length, traceIds };
}

/** Wall and CPU (user + system of this process) seconds of `fn`. */
async function time(fn: () => unknown): Promise<{ wall: number; cpu: number }> {
  const c = process.cpuUsage();
  const t = process.hrtime.bigint();
  await fn();
  const d = process.cpuUsage(c);
  return { wall: Number(process.hrtime.bigint() - t) / 1e9, cpu: (d.user + d.system) / 1e6 };
}

/** CPU µs to record one migration trace with batching and an exporter that discards the spans (flushed every 200 migrations, so the 2048-span queue never drops). */
async function sdkCostUs(n: number): Promise<number> {
  const discard: SpanExporter = {
    export: (_spans, done) => done({ code: ExportResultCode.SUCCESS }),
    shutdown: () => Promise.resolve(),
  };
  const a = new NodeTracing({ nodeId: 'node-1', region: 'us-east', exporter: discard });
  const b = new NodeTracing({ nodeId: 'node-2', region: 'eu-west', exporter: discard });
  const t0 = Date.now() - 60_000;
  const m = (i: number) => ({
    vmId: `vm-${i}`,
    vmSize: 'small',
    sourceNode: 'node-1',
    destinationNode: 'node-2',
    mode: 'datacenter' as const,
    version: 'v3' as const,
    startMs: t0 + i,
    durationMs: 3000,
    bytes: 2 ** 30,
    ok: true,
    retries: 0,
  });
  for (let i = 0; i < 500; i++) b.traceDestination(a.traceSource(m(i)), m(i));
  const r = await time(async () => {
    for (let i = 0; i < n; i++) {
      b.traceDestination(a.traceSource(m(i)), m(i));
      if (i % 200 === 199) await Promise.all([a.forceFlush(), b.forceFlush()]);
    }
    await Promise.all([a.forceFlush(), b.forceFlush()]);
  });
  await a.shutdown();
  await b.shutdown();
  return (r.cpu / n) * 1e6;
}

/** Trace-by-id latency (ms, sorted) of 300 lookups spread over the stored traces. */
async function lookupLatencies(store: TraceStore, traceIds: readonly string[]): Promise<number[]> {
  const lookups: number[] = [];
  for (let i = 0; i < 300; i++) {
    const id = traceIds[(i * 7919) % traceIds.length]!;
    const s = process.hrtime.bigint();
    await store.getTrace(id);
    lookups.push(Number(process.hrtime.bigint() - s) / 1e6);
  }
  return lookups.sort((x, y) => x - y);
}

/** Search latency (ms, sorted) of the query kinds the trace view sends, 100 each, over random 15-minute windows of the stored hour. */
async function searchLatencies(store: TraceStore): Promise<[string, number[]][]> {
  const nowUs = Date.now() * 1000;
  const kinds: [string, (w: { startUs: number; endUs: number }) => TraceSearchRequest][] = [
    ['service', (w) => ({ ...w, service: 'dwcp-node', tags: {}, limit: 20 })],
    [
      'service + operation + min duration 10 s',
      (w) => ({
        ...w,
        service: 'dwcp-node',
        operation: 'dwcp.amst.transfer',
        minDurationUs: 10_000_000,
        tags: {},
        limit: 20,
      }),
    ],
    ['errors only', (w) => ({ ...w, status: 'error', tags: {}, limit: 20 })],
    ['tag dwcp.node.id', (w) => ({ ...w, tags: { 'dwcp.node.id': 'node-2' }, limit: 20 })],
  ];
  const out: [string, number[]][] = [];
  for (const [kind, make] of kinds) {
    const ms: number[] = [];
    for (let i = 0; i < 100; i++) {
      const endUs = nowUs - Math.floor(((i * 7919) % 45) * 60e6);
      const s = process.hrtime.bigint();
      await store.search(make({ startUs: endUs - 15 * 60e6, endUs }));
      ms.push(Number(process.hrtime.bigint() - s) / 1e6);
    }
    out.push([kind, ms.sort((x, y) => x - y)]);
  }
  return out;
}

async function main(): Promise<void> {
  const { batches, spans, traceIds } = generate();
  const bytes = batches.reduce((s, b) => s + b.length, 0);
  const now = Date.now();
  const t = otlpProtoTypes().exportRequest;
  // Warm-up, then measure.
  for (const b of batches.slice(0, 3)) decodeExportRequest(b, 'protobuf', DEFAULT_OTLP_LIMITS, now);
  const decodeS = await time(() => {
    for (const b of batches) t.decode(b);
  });
  const validateS = await time(() => {
    for (const b of batches) decodeExportRequest(b, 'protobuf', DEFAULT_OTLP_LIMITS, now);
  });
  const dir = mkdtempSync(join(tmpdir(), 'dwcp-bench-traces-'));
  const path = join(dir, 'traces.db');
  const store = await openSqliteTraceStore(path, { retentionMs: 7 * 86_400_000 });
  const receiver = new TraceReceiver(store, { registry: new Registry() });
  const storeS = await time(async () => {
    for (const b of batches)
      await receiver.receive({ body: b, contentType: 'application/x-protobuf', contentEncoding: undefined });
  });
  const stored = await store.spanCount();
  const sampledStore = await openSqliteTraceStore(join(dir, 'sampled.db'), { retentionMs: 7 * 86_400_000 });
  const sink = new SamplingSink(
    sampledStore,
    new TailSampler({
      ...DEFAULT_TAIL_SAMPLER_OPTIONS,
      decisionWaitMs: 0,
      probability: 0.1,
      adaptive: false,
      spansPerSecond: 1e9,
    }),
    { registry: new Registry() },
  );
  const sampledReceiver = new TraceReceiver(sink, { registry: new Registry() });
  const sampledS = await time(async () => {
    for (const b of batches) {
      await sampledReceiver.receive({
        body: b,
        contentType: 'application/x-protobuf',
        contentEncoding: undefined,
      });
      await sink.flush();
    }
  });
  const sampledStored = await sampledStore.spanCount();
  await sampledStore.close();
  await sql`pragma wal_checkpoint(TRUNCATE)`.execute(store.db);
  const fileBytes = statSync(path).size;
  const lookups = await lookupLatencies(store, traceIds);
  const searches = await searchLatencies(store);
  await store.close();
  rmSync(dir, { recursive: true, force: true });
  const rate = (s: { wall: number; cpu: number }) =>
    `${Math.round(spans / s.wall).toLocaleString('en')} spans/s wall, ${Math.round(spans / s.cpu).toLocaleString('en')} spans per CPU-second`;
  console.log(
    `spans: ${spans} in ${batches.length} protobuf batches of <= ${BATCH} (${Math.round(bytes / spans)} B/span on the wire)`,
  );
  console.log(`anchor, bare protobuf decode:        ${rate(decodeS)}`);
  console.log(`decode + validate:                   ${rate(validateS)}`);
  console.log(
    `receive (decode + validate + store): ${rate(storeS)}  (SQLite file, one transaction per batch)`,
  );
  console.log(
    `receive with tail sampling:          ${rate(sampledS)}  (${sampledStored} of ${spans} spans kept and stored)`,
  );
  console.log(
    `stored: ${stored} spans, ${fileBytes} B on disk -> ${Math.round(fileBytes / stored)} B/span (9 indexes, attributes as JSON)`,
  );
  console.log(
    `trace by id over ${traceIds.length} traces: p50 ${lookups[150]!.toFixed(2)} ms, p99 ${lookups[296]!.toFixed(2)} ms`,
  );
  for (const [kind, ms] of searches)
    console.log(
      `search (${kind}, 20 newest traces, random 15-min windows): p50 ${ms[Math.floor(ms.length / 2)]!.toFixed(1)} ms, p99 ${ms[Math.floor(ms.length * 0.99)]!.toFixed(1)} ms`,
    );
  if (PG_URL !== undefined) {
    const pg = await openPostgresTraceStore(
      { url: PG_URL, schema: `dwcp_bench_traces_${process.pid}`, dropSchemaOnClose: true },
      { retentionMs: 7 * 86_400_000 },
    );
    try {
      const r = new TraceReceiver(pg, { registry: new Registry() });
      const pgS = await time(async () => {
        for (const b of batches)
          await r.receive({ body: b, contentType: 'application/x-protobuf', contentEncoding: undefined });
      });
      const size = await sql<{ n: string }>`select pg_total_relation_size('trace_spans') as n`.execute(pg.db);
      console.log(
        `receive into PostgreSQL:             ${rate(pgS)}  (CPU of this process only; the server's is not counted)`,
      );
      console.log(
        `PostgreSQL: ${Math.round(Number(size.rows[0]!.n) / (await pg.spanCount()))} B/span (table + indexes + TOAST)`,
      );
      await sql`analyze trace_spans`.execute(pg.db);
      const pgLookups = await lookupLatencies(pg, traceIds);
      console.log(
        `PostgreSQL trace by id: p50 ${pgLookups[150]!.toFixed(2)} ms, p99 ${pgLookups[296]!.toFixed(2)} ms`,
      );
      for (const [kind, ms] of await searchLatencies(pg))
        console.log(
          `PostgreSQL search (${kind}): p50 ${ms[Math.floor(ms.length / 2)]!.toFixed(1)} ms, p99 ${ms[Math.floor(ms.length * 0.99)]!.toFixed(1)} ms`,
        );
    } finally {
      await pg.close();
    }
  }
  console.log(
    `SDK: ${(await sdkCostUs(20_000)).toFixed(1)} CPU µs to record one migration trace (8 spans, both nodes, batched)`,
  );
}

await main();
