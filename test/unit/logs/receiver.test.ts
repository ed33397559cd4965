/**
 * The log receivers: OTLP (JSON, protobuf, gzip) and Loki push (JSON, snappy protobuf) decode to the same
 * records; per-entry rejections (timestamps, invalid UTF-8, oversize lines, malformed entries, bad labels, the
 * entry cap, the store's stream cap) keep every valid entry and are counted by protocol and reason; refused requests store nothing;
 * PII is masked before the sink sees anything; the five levels map from severity numbers and texts.
 */
import assert from 'node:assert/strict';
import { gzipSync } from 'node:zlib';
import { describe, it } from 'node:test';
import { Registry } from 'prom-client';
import { LimitExceededError, PayloadTooLargeError, StoreError } from '../../../src/errors.ts';
import { LogReceiver, type LogSink } from '../../../src/logs/receiver.ts';
import {
  levelOfPino,
  levelOfSeverityNumber,
  levelOfText,
  SEVERITY_NUMBER,
  type LogRecord,
} from '../../../src/logs/record.ts';
import { logProtoTypes } from '../../../src/logs/proto-root.ts';
import { LogRequestError } from '../../../src/logs/request-error.ts';
import snappy from 'snappyjs';
import { lokiJson, lokiSnappyProtobuf, otlpLogsJson, otlpLogsProtobuf } from '../../helpers/log-push.ts';

const NOW = Date.UTC(2026, 0, 1, 12);
const TRACE = 'ab'.repeat(16);
const SPAN = 'cd'.repeat(8);

class Sink implements LogSink {
  readonly stored: LogRecord[] = [];
  fail = false;
  /** The store's write queue is full: the push is refused as load, not as a failure. */
  overloaded = false;
  insertLogs(records: readonly LogRecord[]): Promise<number> {
    if (this.fail) return Promise.reject(new Error('disk full'));
    if (this.overloaded) return Promise.reject(new LimitExceededError('write queue is full'));
    this.stored.push(...records);
    return Promise.resolve(records.length);
  }
}

function setup(limits = {}) {
  const sink = new Sink();
  const registry = new Registry();
  const rx = new LogReceiver(sink, { registry, now: () => NOW, limits });
  const count = async (name: string, labels: Record<string, string>) => {
    const m = await registry.getSingleMetric(name)!.get();
    return m.values.find((v) => Object.entries(labels).every(([k, x]) => v.labels[k] === x))?.value ?? 0;
  };
  return { sink, rx, count };
}

const json = (v: unknown) => Buffer.from(JSON.stringify(v));

describe('levels', () => {
  it('map OTel severity numbers, texts and pino levels onto five levels', () => {
    assert.deepEqual([1, 5, 8, 9, 12, 13, 17, 20, 21, 24].map(levelOfSeverityNumber), [
      'debug',
      'debug',
      'debug',
      'info',
      'info',
      'warn',
      'error',
      'error',
      'fatal',
      'fatal',
    ]);
    assert.equal(levelOfSeverityNumber(0), undefined);
    assert.equal(levelOfSeverityNumber(25), undefined);
    assert.deepEqual(['WARNING', 'err', 'panic', 'bogus'].map(levelOfText), [
      'warn',
      'error',
      'fatal',
      undefined,
    ]);
    assert.deepEqual([10, 20, 30, 40, 50, 60].map(levelOfPino), [
      'debug',
      'debug',
      'info',
      'warn',
      'error',
      'fatal',
    ]);
    for (const [level, n] of Object.entries(SEVERITY_NUMBER)) assert.equal(levelOfSeverityNumber(n), level);
  });
});

describe('OTLP logs receiver', () => {
  const logs = [
    {
      timeMs: NOW - 1000,
      body: 'migration timeout for bob@example.com',
      severityNumber: 17,
      traceId: TRACE,
      spanId: SPAN,
      attributes: { component: 'transport', password: 'hunter2' },
    },
    { timeMs: NOW - 500, body: 'mode switch', severityText: 'WARN' },
  ];
  for (const [name, body, type, enc] of [
    ['JSON', json(otlpLogsJson(logs)), 'application/json', undefined],
    ['protobuf', otlpLogsProtobuf(otlpLogsJson(logs)), 'application/x-protobuf', undefined],
    ['gzip JSON', gzipSync(json(otlpLogsJson(logs))), 'application/json; charset=utf-8', 'gzip'],
  ] as const) {
    it(`${name}: stores masked records with labels, level and trace ids`, async () => {
      const { sink, rx, count } = setup();
      assert.deepEqual(await rx.receiveOtlp({ body, contentType: type, contentEncoding: enc }), {});
      assert.deepEqual(sink.stored, [
        {
          timeUs: (NOW - 1000) * 1000,
          level: 'error',
          service: 'dwcp-node',
          nodeId: 'node-1',
          region: 'us-east',
          component: 'transport',
          traceId: TRACE,
          spanId: SPAN,
          body: 'migration timeout for [email]',
          attributes: { component: 'transport', password: '[secret]' },
        },
        {
          timeUs: (NOW - 500) * 1000,
          level: 'warn',
          service: 'dwcp-node',
          nodeId: 'node-1',
          region: 'us-east',
          component: 'transport',
          traceId: '',
          spanId: '',
          body: 'mode switch',
          attributes: {},
        },
      ]);
      assert.equal(await count('dwcp_monitor_log_entries_accepted_total', { protocol: 'otlp' }), 2);
    });
  }

  it('partial success: bad entries are named and counted, valid ones kept', async () => {
    const { sink, rx, count } = setup({ maxLineBytes: 10 });
    const body = otlpLogsJson([
      { timeMs: NOW - 1000, body: 'ok' },
      { timeMs: NOW + 3_600_000, body: 'future' },
      { timeMs: NOW - 30 * 86_400_000, body: 'old' },
      { timeMs: NOW - 1000, body: 'x'.repeat(11) },
    ]);
    ((body['resourceLogs'] as Record<string, unknown>[])[0]!['scopeLogs'] as Record<string, unknown[]>[])[0]![
      'logRecords'
    ]!.push({ timeUnixNano: 'yesterday', body: { stringValue: 'bad ts' } }, 7);
    const res = await rx.receiveOtlp({
      body: json(body),
      contentType: 'application/json',
      contentEncoding: undefined,
    });
    assert.equal(res.partialSuccess?.rejectedLogRecords, 5);
    assert.match(res.partialSuccess!.errorMessage, /logRecords\[1\]: future timestamp/);
    assert.deepEqual(
      sink.stored.map((r) => r.body),
      ['ok'],
    );
    for (const reason of [
      'future_timestamp',
      'too_old',
      'entry_too_large',
      'invalid_timestamp',
      'malformed_entry',
    ])
      assert.equal(
        await count('dwcp_monitor_log_entries_rejected_total', { protocol: 'otlp', reason }),
        1,
        reason,
      );
  });

  it('measures the line size bound in UTF-8 bytes, not characters', async () => {
    const { sink, rx } = setup({ maxLineBytes: 12 });
    const lines = [
      'é'.repeat(6), // 6 characters, 12 bytes: kept
      `${'é'.repeat(6)}a`, // 7 characters, 13 bytes: too large
      '€'.repeat(4), // 4 characters, 12 bytes: kept
      '€'.repeat(5), // 5 characters, 15 bytes: too large
      '😀😀😀', // 6 UTF-16 units, 12 bytes: kept
      'x'.repeat(12),
      'x'.repeat(13),
    ];
    const r = await rx.receiveLoki({
      body: lokiJson([{ labels: { service: 's' }, entries: lines.map((l) => [NOW - 1, l]) }]),
      contentType: 'application/json',
      contentEncoding: undefined,
    });
    assert.deepEqual([r.accepted, r.rejected], [4, 3]);
    assert.deepEqual(
      sink.stored.map((x) => x.body),
      [lines[0], lines[2], lines[4], lines[5]],
    );
    assert.deepEqual(r.messages, [
      'stream 0 entry 1: entry too large',
      'stream 0 entry 3: entry too large',
      'stream 0 entry 6: entry too large',
    ]);
  });

  it('rejects invalid UTF-8 per entry, keeps a U+FFFD the sender wrote', async () => {
    const { sink, rx } = setup();
    const text = JSON.stringify(
      otlpLogsJson([
        { timeMs: NOW - 1, body: 'BAD' },
        { timeMs: NOW - 1, body: 'real \uFFFD kept' },
      ]),
    );
    const body = Buffer.from(text, 'utf8');
    const at = body.indexOf('BAD');
    body[at] = 0xff;
    const res = await rx.receiveOtlp({ body, contentType: 'application/json', contentEncoding: undefined });
    assert.equal(res.partialSuccess?.rejectedLogRecords, 1);
    assert.match(res.partialSuccess!.errorMessage, /invalid utf8/);
    assert.deepEqual(
      sink.stored.map((r) => r.body),
      ['real \uFFFD kept'],
    );
  });

  it('refuses whole requests with a reason and stores nothing', async () => {
    const { sink, rx, count } = setup({ maxDecompressedBytes: 100 });
    const cases: [Buffer, string | undefined, string | undefined, RegExp | typeof PayloadTooLargeError][] = [
      [Buffer.from('{'), 'application/json', undefined, /not valid JSON/],
      [Buffer.from([0xff, 0xff, 0xff]), 'application/x-protobuf', undefined, /not a protobuf/],
      [json({}), 'text/plain', undefined, /unsupported Content-Type/],
      [json({}), 'application/json', 'br', /unsupported Content-Encoding/],
      [Buffer.from('nope'), 'application/json', 'gzip', /could not be decompressed/],
      [gzipSync(Buffer.alloc(1000, 32)), 'application/json', 'gzip', PayloadTooLargeError],
      [json(otlpLogsJson([{ timeMs: 0, body: 'x' }])), 'application/json', undefined, /no valid entry/],
      [json({ resourceLogs: 3 }), 'application/json', undefined, /must be an array/],
    ];
    for (const [body, contentType, contentEncoding, err] of cases)
      await assert.rejects(rx.receiveOtlp({ body, contentType, contentEncoding }), err);
    assert.deepEqual(sink.stored, []);
    assert.equal(
      await count('dwcp_monitor_log_requests_rejected_total', { protocol: 'otlp', reason: 'malformed_json' }),
      2,
    );
    assert.equal(
      await count('dwcp_monitor_log_requests_rejected_total', {
        protocol: 'otlp',
        reason: 'no_valid_entries',
      }),
      1,
    );
    assert.equal(
      await count('dwcp_monitor_log_requests_rejected_total', { protocol: 'otlp', reason: 'too_large' }),
      1,
    );
  });

  it('a store failure is a StoreError and is counted', async () => {
    const { sink, rx, count } = setup();
    sink.fail = true;
    await assert.rejects(
      rx.receiveOtlp({
        body: json(otlpLogsJson([{ timeMs: NOW - 1, body: 'x' }])),
        contentType: 'application/json',
        contentEncoding: undefined,
      }),
      StoreError,
    );
    assert.equal(
      await count('dwcp_monitor_log_requests_rejected_total', { protocol: 'otlp', reason: 'store_error' }),
      1,
    );
  });

  it('a full write queue stays a LimitExceededError (HTTP 429) and is counted as overloaded', async () => {
    const { sink, rx, count } = setup();
    sink.overloaded = true;
    await assert.rejects(
      rx.receiveLoki({
        body: lokiJson([{ labels: { service_name: 'svc' }, entries: [[NOW - 1, 'x']] }]),
        contentType: 'application/json',
        contentEncoding: undefined,
      }),
      (e) => e instanceof LimitExceededError && e.code === 'DWCP_LIMIT_EXCEEDED',
    );
    assert.equal(
      await count('dwcp_monitor_log_requests_rejected_total', { protocol: 'loki', reason: 'overloaded' }),
      1,
    );
    assert.equal(sink.stored.length, 0);
  });

  it('caps entries per request and says so', async () => {
    const { sink, rx } = setup({ maxEntriesPerRequest: 2 });
    const res = await rx.receiveOtlp({
      body: json(otlpLogsJson([1, 2, 3].map((i) => ({ timeMs: NOW - i, body: `l${i}` })))),
      contentType: 'application/json',
      contentEncoding: undefined,
    });
    assert.equal(res.partialSuccess?.rejectedLogRecords, 1);
    assert.match(res.partialSuccess!.errorMessage, /too many entries/);
    assert.equal(sink.stored.length, 2);
  });
});

describe('Loki push receiver', () => {
  const streams = [
    {
      labels: {
        service_name: 'dwcp-node',
        node_id: 'node-2',
        region: 'eu-west',
        level: 'error',
        component: 'consensus',
        job: 'dwcp',
      },
      entries: [
        [NOW - 2000, 'leader lost, card 4111 1111 1111 1111', { trace_id: TRACE, span_id: SPAN }],
        [NOW - 1000, 'retry 1'],
      ] as [number, string, Record<string, string>?][],
    },
  ];
  const expected = [
    {
      timeUs: (NOW - 2000) * 1000,
      level: 'error',
      service: 'dwcp-node',
      nodeId: 'node-2',
      region: 'eu-west',
      component: 'consensus',
      traceId: TRACE,
      spanId: SPAN,
      body: 'leader lost, card [card]',
      attributes: { job: 'dwcp' },
    },
    {
      timeUs: (NOW - 1000) * 1000,
      level: 'error',
      service: 'dwcp-node',
      nodeId: 'node-2',
      region: 'eu-west',
      component: 'consensus',
      traceId: '',
      spanId: '',
      body: 'retry 1',
      attributes: { job: 'dwcp' },
    },
  ];
  it('JSON and snappy protobuf decode to the same masked records', async () => {
    for (const [body, type, enc] of [
      [lokiJson(streams), 'application/json', undefined],
      [gzipSync(lokiJson(streams)), 'application/json', 'gzip'],
      [lokiSnappyProtobuf(streams), 'application/x-protobuf', undefined],
    ] as const) {
      const { sink, rx } = setup();
      assert.deepEqual(await rx.receiveLoki({ body, contentType: type, contentEncoding: enc }), {
        accepted: 2,
        rejected: 0,
        messages: [],
      });
      assert.deepEqual(sink.stored, expected, type);
    }
  });

  it('rejects bad entries and label strings per entry; keeps the rest', async () => {
    const { sink, rx, count } = setup();
    const body = Buffer.from(
      JSON.stringify({
        streams: [
          {
            stream: { service: 'a' },
            values: [
              [`${NOW - 1}000000`, 'good'],
              ['soon', 'bad ts'],
              [`${NOW - 1}000000`],
              [`${NOW - 1}000000`, 5],
              [`${NOW - 1}000000`, 'x', { k: 1 }],
            ],
          },
          { stream: { service: 7 }, values: [[`${NOW - 1}000000`, 'bad labels']] },
          { nope: true },
        ],
        extra: 'ignored',
      }),
    );
    const r = await rx.receiveLoki({ body, contentType: 'application/json', contentEncoding: undefined });
    assert.deepEqual([r.accepted, r.rejected], [1, 6]);
    assert.deepEqual(
      sink.stored.map((x) => x.body),
      ['good'],
    );
    assert.equal(
      await count('dwcp_monitor_log_entries_rejected_total', { protocol: 'loki', reason: 'malformed_entry' }),
      4,
    );
    assert.equal(
      await count('dwcp_monitor_log_entries_rejected_total', { protocol: 'loki', reason: 'invalid_labels' }),
      1,
    );
    assert.equal(
      await count('dwcp_monitor_log_entries_rejected_total', {
        protocol: 'loki',
        reason: 'invalid_timestamp',
      }),
      1,
    );
  });

  it('protobuf: a stream with an unparsable label string is rejected, others kept; bad snappy is refused', async () => {
    const { sink, rx } = setup();
    const t = logProtoTypes().lokiPushRequest;
    const entry = { timestamp: { seconds: Math.floor(NOW / 1000) - 1, nanos: 0 }, line: 'fine' };
    const msg = t.fromObject({
      streams: [
        { labels: '{service="a"}', entries: [entry] },
        { labels: '{service="a"', entries: [entry, entry] },
        { labels: '{service="b"}', entries: [{ line: 'no time' }] },
      ],
    });
    const body = Buffer.from(snappy.compress(Buffer.from(t.encode(msg).finish())));
    assert.deepEqual(
      await rx.receiveLoki({ body, contentType: 'application/x-protobuf', contentEncoding: undefined }),
      {
        accepted: 1,
        rejected: 3,
        messages: ['stream 1 (2 entries): invalid labels', 'stream 2 entry 0: invalid timestamp'],
      },
    );
    await assert.rejects(
      rx.receiveLoki({
        body: Buffer.from('not snappy at all'),
        contentType: 'application/x-protobuf',
        contentEncoding: undefined,
      }),
      LogRequestError,
    );
    assert.deepEqual(
      sink.stored.map((x) => x.body),
      ['fine'],
    );
  });
});
