/**
 * The monitor's own logs (src/logs/self-log.ts): pino lines through the monitor's logger land, masked, in a
 * real SQLite log store and are found by the same search as node logs (service, component, level, host, trace
 * ids of the active span); the queue bound, malformed lines, a failing store and a store that logs are counted
 * and bounded; bad options are refused.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { hostname } from 'node:os';
import { context, trace } from '@opentelemetry/api';
import { NodeTracerProvider } from '@opentelemetry/sdk-trace-node';
import { Registry } from 'prom-client';
import { InvalidInputError } from '../../../src/errors.ts';
import { LogQueryService } from '../../../src/logs/query-service.ts';
import type { LogRecord } from '../../../src/logs/record.ts';
import {
  MONITOR_SERVICE,
  monitorLogger,
  SelfLogSink,
  type SelfLogTarget,
} from '../../../src/logs/self-log.ts';
import { PiiMasker } from '../../../src/logs/pii/masker.ts';
import { openSqliteLogStore } from '../../../src/logs/store/open.ts';
import type { LogStore } from '../../../src/logs/store/log-store.ts';

const DAY = 86_400_000;
const RETENTION = { debug: DAY, info: DAY, warn: DAY, error: DAY, fatal: DAY };
const TRACE = '0af7651916cd43dd8448eb211c80319c';
const SPAN = 'b7ad6b7169203331';

/** A target that stores into a list, masking like the receivers. */
function listTarget(stored: LogRecord[], fail = false): SelfLogTarget {
  const masker = new PiiMasker();
  return {
    insertLogs: async (rs) => {
      if (fail) throw new Error('disk full');
      stored.push(...rs);
      return rs.length;
    },
    mask: (r) => ({ ...r, body: masker.mask(r.body), attributes: masker.maskAttributes(r.attributes) }),
  };
}

const quiet = { write: () => true };

describe('SelfLogSink with the monitor logger and a SQLite log store', () => {
  let store: LogStore;
  before(async () => {
    store = await openSqliteLogStore(':memory:', { retentionMs: RETENTION });
    new NodeTracerProvider().register(); // installs the async-local-storage context manager
  });
  after(async () => {
    await store.close();
    context.disable();
    trace.disable();
  });

  it('stores the lines, masked, searchable by word, component and level, with the active span ids', async () => {
    const out: string[] = [];
    const sink = new SelfLogSink();
    const log = monitorLogger({ level: 'debug', selfLog: sink, out: { write: (s: string) => out.push(s) } });
    const masker = new PiiMasker();
    sink.attach({
      insertLogs: (rs) => store.insertLogs(rs),
      mask: (r) => ({ ...r, body: masker.mask(r.body), attributes: masker.maskAttributes(r.attributes) }),
    });
    log.child({ component: 'scraper' }).warn({ target: 'node-1' }, 'scrape of node-1 timed out');
    const span = trace.wrapSpanContext({ traceId: TRACE, spanId: SPAN, traceFlags: 1 });
    context.with(trace.setSpan(context.active(), span), () =>
      log.error({ component: 'alerting', receiver: 'ops' }, 'webhook to ops@example.com failed'),
    );
    log.debug('checkpoint written');
    assert.equal(out.length, 3, 'every line also goes to the console stream');
    assert.equal(sink.queued, 3);
    assert.equal(await sink.flush(), 3);
    assert.equal(sink.queued, 0);

    const now = Date.now() * 1000;
    const q = new LogQueryService(store);
    const found = await q.search({
      startUs: now - 60e6,
      endUs: now + 1e6,
      limit: 10,
      words: ['timed', 'out'],
      labels: { service: MONITOR_SERVICE, component: 'scraper' },
    });
    assert.equal(found.entries.length, 1);
    const e = found.entries[0]!;
    assert.equal(e.level, 'warn');
    assert.equal(e.nodeId, hostname());
    assert.equal(e.attributes['target'], 'node-1');
    assert.equal(e.traceId, '');

    const errors = await q.search({
      startUs: now - 60e6,
      endUs: now + 1e6,
      limit: 10,
      words: [],
      levels: ['error'],
      labels: { service: MONITOR_SERVICE },
    });
    assert.equal(errors.entries.length, 1);
    assert.equal(errors.entries[0]!.traceId, TRACE);
    assert.equal(errors.entries[0]!.spanId, SPAN);
    assert.equal(errors.entries[0]!.component, 'alerting');
    assert.ok(!errors.entries[0]!.body.includes('ops@example.com'), errors.entries[0]!.body);
    assert.equal(
      (
        await q.search({
          startUs: now - 60e6,
          endUs: now + 1e6,
          limit: 10,
          words: ['checkpoint'],
          labels: {},
        })
      ).entries[0]?.level,
      'debug',
    );
  });
});

describe('SelfLogSink bounds and bad input', () => {
  it('holds at most maxQueued lines and counts the rest as queue_full', async () => {
    const sink = new SelfLogSink({ maxQueued: 3 });
    const log = monitorLogger({ level: 'info', selfLog: sink, out: quiet });
    for (let i = 0; i < 5; i++) log.info(`line ${i}`);
    assert.equal(sink.queued, 3);
    assert.deepEqual(sink.dropped, { queue_full: 2, malformed: 0, store_error: 0, stream_limit: 0 });
    const stored: LogRecord[] = [];
    sink.attach(listTarget(stored));
    await sink.flush();
    assert.deepEqual(
      stored.map((r) => r.body),
      ['line 0', 'line 1', 'line 2'],
    );
  });

  it('queues lines before a target is attached and flushes nothing meanwhile', async () => {
    const sink = new SelfLogSink();
    sink.write(JSON.stringify({ level: 30, time: Date.now(), msg: 'early' }));
    assert.equal(await sink.flush(), 0);
    assert.equal(sink.queued, 1);
  });

  it('counts lines that are not pino JSON objects as malformed', () => {
    const sink = new SelfLogSink();
    for (const line of [
      'not json',
      '[1,2]',
      'null',
      '{"level":"info","time":1}',
      '{"level":30}',
      '{"level":30,"time":-5}',
      '{"level":0,"time":5}',
    ])
      sink.write(line);
    assert.equal(sink.queued, 0);
    assert.equal(sink.dropped.malformed, 7);
  });

  it('cuts long messages and values and keeps invalid trace ids out', async () => {
    const sink = new SelfLogSink({ maxValueLength: 10 });
    sink.write(
      JSON.stringify({
        level: 50,
        time: 1_700_000_000_000,
        msg: 'x'.repeat(50),
        detail: { a: 'y'.repeat(50) },
        trace_id: 'nothex',
        span_id: 'zz',
        hostname: 'h',
      }),
    );
    const stored: LogRecord[] = [];
    sink.attach(listTarget(stored));
    await sink.flush();
    assert.equal(stored[0]!.body, 'x'.repeat(10));
    assert.equal(stored[0]!.attributes['detail']!.length, 10);
    assert.equal(stored[0]!.traceId, '');
    assert.equal(stored[0]!.spanId, '');
    assert.equal(stored[0]!.timeUs, 1_700_000_000_000_000);
    assert.equal(stored[0]!.level, 'error');
  });

  it('a failing store drops the batch, counts it (also in the registry) and does not throw or log', async () => {
    const out: string[] = [];
    const sink = new SelfLogSink();
    const log = monitorLogger({ level: 'info', selfLog: sink, out: { write: (s: string) => out.push(s) } });
    log.info('a');
    log.info('b');
    const registry = new Registry();
    sink.attach(listTarget([], true), registry);
    assert.equal(await sink.flush(), 0);
    assert.equal(sink.dropped.store_error, 2);
    assert.equal(sink.queued, 0);
    assert.equal(out.length, 2, 'the sink wrote no line of its own');
    assert.match(
      await registry.metrics(),
      /dwcp_monitor_self_log_entries_dropped_total\{reason="store_error"\} 2/,
    );
  });

  it('lines the store refuses for its stream limit are counted', async () => {
    const sink = new SelfLogSink();
    const log = monitorLogger({ level: 'info', selfLog: sink, out: quiet });
    log.info('a');
    log.info('b');
    log.info('c');
    const registry = new Registry();
    sink.attach({ insertLogs: (rs) => Promise.resolve(rs.length - 2), mask: (r) => r }, registry);
    assert.equal(await sink.flush(), 1);
    assert.equal(sink.dropped.stream_limit, 2);
    assert.match(
      await registry.metrics(),
      /dwcp_monitor_self_log_entries_dropped_total\{reason="stream_limit"\} 2/,
    );
  });

  it('a store that logs on every write adds one line per flush, never a loop', async () => {
    const sink = new SelfLogSink();
    const log = monitorLogger({ level: 'info', selfLog: sink, out: quiet });
    const stored: LogRecord[] = [];
    const inner = listTarget(stored);
    sink.attach({
      ...inner,
      insertLogs: async (rs) => (
        log.info({ component: 'log-store', rows: rs.length }, 'batch written'),
        inner.insertLogs(rs)
      ),
    });
    log.info('start');
    for (let i = 0; i < 5; i++) {
      await sink.flush();
      assert.equal(sink.queued, 1, `after flush ${i}`);
    }
    assert.equal(stored.length, 5);
  });

  it('refuses bad bounds', () => {
    for (const maxQueued of [0, -1, 2.5, Number.NaN])
      assert.throws(() => new SelfLogSink({ maxQueued }), InvalidInputError);
    assert.throws(() => new SelfLogSink({ maxValueLength: 0 }), InvalidInputError);
  });
});
