/**
 * POST /v1/traces, GET /api/traces and GET /api/traces/:traceId over the real receiver, query service and a
 * SQLite trace store in memory: both encodings, gzip, limits, validation (nothing of a refused request stored,
 * partial success for some bad spans), self-metrics, search filters and trace assembly with orphans.
 */
import assert from 'node:assert/strict';
import { gzipSync } from 'node:zlib';
import { after, before, beforeEach, describe, it } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../../../../src/server/app.ts';
import { otlpProtoTypes } from '../../../../src/traces/otlp/proto-root.ts';
import { openSqliteTraceStore } from '../../../../src/traces/store/open.ts';
import type { TraceStore } from '../../../../src/traces/store/trace-store.ts';
import { TraceApi } from '../../../../src/traces/trace-api.ts';
import { hexId, otlpJson, otlpProtobuf, type TestSpan } from '../../../helpers/otlp.ts';
import { testDeps } from '../../../helpers/server-fakes.ts';

const NOW = Date.UTC(2026, 0, 1, 12);
const TRACE = hexId(0xabc, 32);

function spans(traceNo = 0xabc, startMs = NOW - 60_000): TestSpan[] {
  const t = hexId(traceNo, 32);
  return [
    {
      traceId: t,
      spanId: hexId(1, 16),
      name: 'dwcp.migration',
      startMs,
      durationMs: 9000,
      attributes: { 'dwcp.vm.id': 'vm-1', 'dwcp.node.id': 'node-1' },
    },
    {
      traceId: t,
      spanId: hexId(2, 16),
      parentSpanId: hexId(1, 16),
      name: 'dwcp.amst.transfer',
      kind: 3,
      startMs: startMs + 1000,
      durationMs: 7000,
      status: { code: 2, message: 'timeout' },
      attributes: { 'dwcp.bytes': 1024 },
    },
  ];
}

describe('trace routes', () => {
  let store: TraceStore;
  let app: FastifyInstance;
  let deps: ReturnType<typeof testDeps>;
  /** Content type of the request of each response (error bodies follow the request's encoding). */
  const requestType = new WeakMap<object, string>();
  const post = async (payload: Buffer | string, headers: Record<string, string>) => {
    const res = await app.inject({ method: 'POST', url: '/v1/traces', payload, headers });
    requestType.set(res, headers['content-type'] ?? '');
    return res;
  };
  const json = (body: unknown) => post(JSON.stringify(body), { 'content-type': 'application/json' });
  const metric = async (name: string, reason?: string): Promise<number> => {
    const m = await deps.registry.getSingleMetric(name)!.get();
    return m.values
      .filter((v) => reason === undefined || v.labels['reason'] === reason)
      .reduce((a, v) => a + v.value, 0);
  };

  before(async () => {
    store = await openSqliteTraceStore(':memory:', { retentionMs: 86_400_000 });
    deps = testDeps();
    const traces = new TraceApi(store, {
      registry: deps.registry,
      now: () => NOW,
      limits: { maxBodyBytes: 64 * 1024, maxDecompressedBytes: 256 * 1024 },
    });
    app = await buildApp({ ...deps, traces }, { checkResponses: true, now: () => NOW });
  });
  after(async () => {
    await app.close();
    await store.close();
  });
  beforeEach(async () => {
    await store.db.deleteFrom('trace_spans').execute();
  });

  it('accepts OTLP/JSON and stores every span; the trace reads back stitched in Jaeger shape', async () => {
    const res = await json(otlpJson(spans()));
    assert.equal(res.statusCode, 200, res.body);
    assert.deepEqual(res.json(), {});
    assert.equal(await store.spanCount(), 2);
    const t = await app.inject({ method: 'GET', url: `/api/traces/${TRACE}` });
    assert.equal(t.statusCode, 200, t.body);
    const [trace] = t.json().data;
    assert.equal(trace.traceID, TRACE);
    assert.deepEqual(
      trace.spans.map((s: { operationName: string }) => s.operationName),
      ['dwcp.migration', 'dwcp.amst.transfer'],
    );
    const transfer = trace.spans[1];
    assert.deepEqual(transfer.references, [{ refType: 'CHILD_OF', traceID: TRACE, spanID: hexId(1, 16) }]);
    assert.equal(transfer.startTime, (NOW - 59_000) * 1000);
    assert.equal(transfer.duration, 7_000_000);
    const tag = (k: string) => transfer.tags.find((x: { key: string }) => x.key === k);
    assert.deepEqual(tag('dwcp.bytes'), { key: 'dwcp.bytes', type: 'int64', value: 1024 });
    assert.deepEqual(tag('otel.status_code'), { key: 'otel.status_code', type: 'string', value: 'ERROR' });
    assert.deepEqual(tag('error'), { key: 'error', type: 'bool', value: true });
    assert.deepEqual(tag('span.kind'), { key: 'span.kind', type: 'string', value: 'client' });
    assert.equal(trace.processes[transfer.processID].serviceName, 'dwcp-node');
    assert.equal(trace.warnings, null);
    assert.equal(await metric('dwcp_monitor_otlp_spans_accepted_total'), 2);
  });

  it('accepts binary protobuf, answers in protobuf, and takes gzip bodies', async () => {
    const res = await post(otlpProtobuf(otlpJson(spans())), { 'content-type': 'application/x-protobuf' });
    assert.equal(res.statusCode, 200, res.body);
    assert.match(String(res.headers['content-type']), /application\/x-protobuf/);
    assert.deepEqual(
      otlpProtoTypes().exportResponse.toObject(otlpProtoTypes().exportResponse.decode(res.rawPayload)),
      {},
    );
    const gz = await post(gzipSync(otlpProtobuf(otlpJson(spans(0xdef)))), {
      'content-type': 'application/x-protobuf',
      'content-encoding': 'gzip',
    });
    assert.equal(gz.statusCode, 200, gz.body);
    assert.equal(await store.spanCount(), 4);
  });

  it('partial success: bad spans are rejected by reason, the good ones of the request stored', async () => {
    const bad: TestSpan[] = [
      { traceId: '0'.repeat(32), spanId: hexId(9, 16), name: 'x', startMs: NOW - 1000, durationMs: 1 },
      { traceId: TRACE, spanId: 'zz', name: 'x', startMs: NOW - 1000, durationMs: 1 },
      { traceId: TRACE, spanId: hexId(8, 16), name: 'x', startMs: NOW + 3_600_000, durationMs: 1 },
    ];
    const before = await metric('dwcp_monitor_otlp_spans_rejected_total', 'future_timestamp');
    const res = await json(otlpJson([...spans(), ...bad]));
    assert.equal(res.statusCode, 200, res.body);
    const body = res.json();
    assert.equal(body.partialSuccess.rejectedSpans, 3);
    assert.match(body.partialSuccess.errorMessage, /invalid trace id/);
    assert.match(body.partialSuccess.errorMessage, /future timestamp/);
    assert.equal(await store.spanCount(), 2);
    assert.equal(await metric('dwcp_monitor_otlp_spans_rejected_total', 'future_timestamp'), before + 1);
  });

  it('partial success in protobuf: rejected spans counted in ExportTraceServiceResponse.partial_success', async () => {
    const bad: TestSpan = {
      traceId: TRACE,
      spanId: hexId(7, 16),
      name: 'x',
      startMs: NOW - 1000,
      durationMs: 1,
      parentSpanId: 'abc',
    };
    const res = await post(otlpProtobuf(otlpJson([...spans(), bad])), {
      'content-type': 'application/x-protobuf',
    });
    assert.equal(res.statusCode, 200, res.body);
    const t = otlpProtoTypes().exportResponse;
    const body = t.toObject(t.decode(res.rawPayload), { longs: Number }) as {
      partialSuccess?: { rejectedSpans: number; errorMessage: string };
    };
    assert.equal(body.partialSuccess?.rejectedSpans, 1);
    assert.match(body.partialSuccess?.errorMessage ?? '', /invalid parent span id/);
    assert.equal(await store.spanCount(), 2);
  });

  it('a store failure is 503 with a google.rpc.Status UNAVAILABLE body, and counted', async () => {
    const broken = await openSqliteTraceStore(':memory:', { retentionMs: 86_400_000 });
    const d = testDeps();
    const brokenApp = await buildApp(
      { ...d, traces: new TraceApi(broken, { registry: d.registry, now: () => NOW }) },
      { checkResponses: true, now: () => NOW },
    );
    try {
      await broken.close();
      const res = await brokenApp.inject({
        method: 'POST',
        url: '/v1/traces',
        payload: otlpProtobuf(otlpJson(spans())),
        headers: { 'content-type': 'application/x-protobuf' },
      });
      assert.equal(res.statusCode, 503, res.body);
      const t = otlpProtoTypes().status;
      const st = t.toObject(t.decode(res.rawPayload)) as { code: number; message: string };
      assert.equal(st.code, 14);
      assert.match(st.message, /storing 2 spans failed/);
      const m = await d.registry.getSingleMetric('dwcp_monitor_otlp_requests_rejected_total')!.get();
      assert.equal(m.values.find((v) => v.labels['reason'] === 'store_error')?.value, 1);
    } finally {
      await brokenApp.close();
    }
  });

  it('refuses bad requests as a whole with a reason and stores nothing', async () => {
    const cases: { res: Awaited<ReturnType<typeof post>>; status: number; msg: RegExp }[] = [
      {
        res: await post('{"resourceSpans": [', { 'content-type': 'application/json' }),
        status: 400,
        msg: /not valid JSON/,
      },
      { res: await json({ resourceSpans: 7 }), status: 400, msg: /resourceSpans must be an array/ },
      {
        res: await post(Buffer.from([0x0a, 0xff, 0xff, 0xff]), { 'content-type': 'application/x-protobuf' }),
        status: 400,
        msg: /not a protobuf/,
      },
      {
        res: await post(Buffer.from('{"resourceSpans":[]}'), { 'content-type': 'application/x-protobuf' }),
        status: 400,
        msg: /not a protobuf/,
      },
      {
        res: await post(gzipSync(Buffer.alloc(300 * 1024)), {
          'content-type': 'application/x-protobuf',
          'content-encoding': 'gzip',
        }),
        status: 413,
        msg: /decompressed OTLP body exceeds/,
      },
      {
        res: await post(
          otlpProtobuf(
            otlpJson([{ traceId: TRACE, spanId: hexId(1, 16), name: 'x', startMs: NOW, durationMs: -5 }]),
          ),
          { 'content-type': 'application/x-protobuf' },
        ),
        status: 400,
        msg: /no valid span.*invalid timestamp/,
      },
      {
        res: await post(Buffer.from('not gzip'), {
          'content-type': 'application/json',
          'content-encoding': 'gzip',
        }),
        status: 400,
        msg: /could not be decompressed/,
      },
      {
        res: await post('{}', { 'content-type': 'application/json', 'content-encoding': 'br' }),
        status: 400,
        msg: /unsupported Content-Encoding/,
      },
      {
        res: await json(
          otlpJson([{ traceId: TRACE, spanId: hexId(1, 16), name: '', startMs: NOW, durationMs: 1 }]),
        ),
        status: 400,
        msg: /no valid span.*missing name/,
      },
      {
        res: await post('hello', { 'content-type': 'text/plain' }),
        status: 415,
        msg: /Unsupported Media Type|content-type/i,
      },
      {
        res: await post(Buffer.alloc(65 * 1024, 0x20), { 'content-type': 'application/json' }),
        status: 413,
        msg: /too large|exceeds/i,
      },
      {
        res: await post(gzipSync(Buffer.alloc(300 * 1024, 0x20)), {
          'content-type': 'application/json',
          'content-encoding': 'gzip',
        }),
        status: 413,
        msg: /decompressed OTLP body exceeds/,
      },
    ];
    const statusType = otlpProtoTypes().status;
    for (const [i, c] of cases.entries()) {
      assert.equal(c.res.statusCode, c.status, `case ${i}: ${c.res.body}`);
      // OTLP/HTTP error bodies are google.rpc.Status: protobuf for protobuf requests, JSON otherwise.
      const protobuf = /protobuf/.test(requestType.get(c.res) ?? '');
      assert.match(
        String(c.res.headers['content-type']),
        protobuf ? /^application\/x-protobuf/ : /^application\/json/,
        `case ${i}`,
      );
      const st = protobuf
        ? (statusType.toObject(statusType.decode(c.res.rawPayload)) as { code: number; message: string })
        : (c.res.json() as { code: number; message: string });
      assert.deepEqual(Object.keys(st).sort(), ['code', 'message'], `case ${i}`);
      assert.equal(st.code, 3, `case ${i}: INVALID_ARGUMENT`);
      assert.match(st.message, c.msg, `case ${i}`);
    }
    assert.equal(await store.spanCount(), 0);
    assert.ok((await metric('dwcp_monitor_otlp_requests_rejected_total', 'malformed_json')) >= 2);
    assert.equal(await metric('dwcp_monitor_otlp_requests_rejected_total', 'too_large'), 3);
    assert.equal(await metric('dwcp_monitor_otlp_requests_rejected_total', 'unsupported_media_type'), 1);
    assert.equal(await metric('dwcp_monitor_otlp_requests_rejected_total', 'no_valid_spans'), 2);
    assert.ok((await metric('dwcp_monitor_otlp_requests_rejected_total', 'malformed_protobuf')) >= 2);
  });

  it('reports orphan spans (parent not stored) instead of losing them', async () => {
    const t = hexId(0x77, 32);
    await json(
      otlpJson([
        {
          traceId: t,
          spanId: hexId(5, 16),
          parentSpanId: hexId(4, 16),
          name: 'dwcp.migration.receive',
          startMs: NOW - 5000,
          durationMs: 100,
        },
      ]),
    );
    const res = await app.inject({ method: 'GET', url: `/api/traces/${t}` });
    assert.equal(res.statusCode, 200, res.body);
    const [trace] = res.json().data;
    assert.equal(trace.spans.length, 1);
    assert.match(trace.warnings[0], /1 span\(s\) whose parent is not stored: 0000000000000005/);
    assert.match(trace.spans[0].warnings[0], /parent span 0000000000000004 is not in the trace/);
  });

  it('GET /api/traces searches by service, operation, duration, status, tags and time, bounded by limit', async () => {
    for (let i = 1; i <= 5; i++) await json(otlpJson(spans(0x100 + i, NOW - 600_000 + i * 60_000)));
    const ids = async (qs: string): Promise<string[]> => {
      const r = await app.inject({ method: 'GET', url: `/api/traces?${qs}` });
      assert.equal(r.statusCode, 200, r.body);
      return r.json().data.map((t: { traceID: string }) => t.traceID);
    };
    const all = await ids('service=dwcp-node');
    assert.deepEqual(
      all,
      [5, 4, 3, 2, 1].map((i) => hexId(0x100 + i, 32)),
      'most recent first',
    );
    assert.equal((await ids('service=dwcp-node&limit=2')).length, 2);
    assert.equal((await ids('service=other')).length, 0);
    assert.equal((await ids('operation=dwcp.amst.transfer&minDuration=7s')).length, 5);
    assert.equal((await ids('operation=dwcp.amst.transfer&minDuration=7.5s')).length, 0);
    assert.equal((await ids('maxDuration=100ms')).length, 0);
    assert.equal((await ids('status=error')).length, 5);
    assert.equal((await ids(`tags=${encodeURIComponent('{"dwcp.vm.id":"vm-1"}')}`)).length, 5);
    assert.equal((await ids(`tags=${encodeURIComponent('{"dwcp.vm.id":"vm-2"}')}`)).length, 0);
    const start = (NOW - 600_000 + 3 * 60_000) * 1000;
    assert.deepEqual(
      await ids(`start=${start}&end=${start + 60_000_000}`),
      [4, 3].map((i) => hexId(0x100 + i, 32)),
    );
  });

  it('rejects bad query parameters and unknown or malformed trace ids', async () => {
    for (const qs of [
      'minDuration=fast',
      'limit=0',
      'limit=1001',
      'status=bad',
      'tags=notjson',
      'start=10&end=5',
      'foo=1',
      'minDuration=2s&maxDuration=1s',
    ]) {
      const r = await app.inject({ method: 'GET', url: `/api/traces?${qs}` });
      assert.equal(r.statusCode, 400, `${qs}: ${r.body}`);
    }
    // the parameter is named once in the message
    const fast = await app.inject({ method: 'GET', url: '/api/traces?minDuration=fast' });
    assert.equal(
      fast.json().error,
      'minDuration: cannot parse "fast" as a duration such as 500us, 1.5ms, 2s, 1m, 1h',
    );
    assert.equal((await app.inject({ method: 'GET', url: '/api/traces/xyz' })).statusCode, 400);
    assert.equal((await app.inject({ method: 'GET', url: `/api/traces/${'0'.repeat(32)}` })).statusCode, 400);
    const missing = await app.inject({ method: 'GET', url: `/api/traces/${hexId(0x999, 32)}` });
    assert.equal(missing.statusCode, 404);
    assert.equal(missing.json().errorType, 'DWCP_NOT_FOUND');
  });

  it('GET /api/services and /api/services/:service/operations list names as Jaeger does', async () => {
    await json(otlpJson(spans(0x3131), { 'service.name': 'names-svc' }));
    const services = await app.inject({ method: 'GET', url: '/api/services' });
    assert.equal(services.statusCode, 200, services.body);
    const body = services.json();
    assert.ok(body.data.includes('names-svc'), body.data.join());
    assert.deepEqual(body.data, [...body.data].sort());
    assert.deepEqual(
      { ...body, data: [] },
      { data: [], total: body.data.length, limit: 0, offset: 0, errors: null },
    );
    const ops = await app.inject({ method: 'GET', url: '/api/services/names-svc/operations' });
    assert.equal(ops.statusCode, 200, ops.body);
    assert.deepEqual(ops.json().data, ['dwcp.amst.transfer', 'dwcp.migration']);
    const unknown = await app.inject({ method: 'GET', url: '/api/services/nobody/operations' });
    assert.deepEqual(unknown.json().data, []);
    assert.equal((await app.inject({ method: 'GET', url: '/api/services?x=1' })).statusCode, 400);
  });

  it('without a trace system every trace route is 404', async () => {
    const off = await buildApp(testDeps(), { checkResponses: true });
    try {
      for (const r of [
        await off.inject({
          method: 'POST',
          url: '/v1/traces',
          payload: Buffer.from([1, 2]),
          headers: { 'content-type': 'application/x-protobuf' },
        }),
        await off.inject({ method: 'GET', url: '/api/traces' }),
        await off.inject({ method: 'GET', url: `/api/traces/${TRACE}` }),
        await off.inject({ method: 'GET', url: '/api/services' }),
        await off.inject({ method: 'GET', url: '/api/services/dwcp-node/operations' }),
      ]) {
        assert.equal(r.statusCode, 404, r.body);
        assert.equal(r.json().errorType, 'DWCP_NOT_FOUND');
      }
    } finally {
      await off.close();
    }
  });
});
