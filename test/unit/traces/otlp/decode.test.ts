/**
 * OTLP decoding: encodings and content types, bounded gzip, and fast-check fuzzing of the JSON path — any JSON
 * value is either refused with an OtlpRequestError or yields only valid spans; a valid request decodes to the
 * same spans from JSON and from protobuf; corrupting one field of a valid request never throws anything else
 * and never loses a valid span silently (kept + rejected = sent).
 */
import assert from 'node:assert/strict';
import { gzipSync } from 'node:zlib';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { PayloadTooLargeError } from '../../../../src/errors.ts';
import {
  decodeContentEncoding,
  decodeExportRequest,
  OtlpRequestError,
  otlpEncodingOf,
} from '../../../../src/traces/otlp/decode.ts';
import { DEFAULT_OTLP_LIMITS } from '../../../../src/traces/otlp/limits.ts';
import { isValidId } from '../../../../src/traces/span.ts';
import { otlpJson, otlpProtobuf, type TestSpan } from '../../../helpers/otlp.ts';

const NOW = Date.UTC(2026, 0, 1, 12);
const L = DEFAULT_OTLP_LIMITS;
const json = (v: unknown) => Buffer.from(JSON.stringify(v));

const hex = (n: number) => fc.stringMatching(new RegExp(`^[0-9a-f]{${n}}$`)).filter((s) => !/^0+$/.test(s));
const spanArb: fc.Arbitrary<TestSpan> = fc.record({
  traceId: hex(32),
  spanId: hex(16),
  name: fc.string({ minLength: 1, maxLength: 20 }),
  startMs: fc.integer({ min: NOW - 86_400_000, max: NOW }),
  durationMs: fc.integer({ min: 0, max: 60_000 }),
  kind: fc.integer({ min: 0, max: 5 }),
  attributes: fc.dictionary(
    fc.string({ minLength: 1, maxLength: 8 }).filter((k) => k !== '__proto__'),
    fc.oneof(fc.string({ maxLength: 10 }), fc.integer(), fc.boolean()),
    { maxKeys: 4 },
  ),
});

describe('OTLP decoding', () => {
  it('maps content types and encodings', () => {
    assert.equal(otlpEncodingOf('application/x-protobuf'), 'protobuf');
    assert.equal(otlpEncodingOf('application/json; charset=utf-8'), 'json');
    assert.equal(otlpEncodingOf('text/plain'), undefined);
    assert.equal(otlpEncodingOf(undefined), undefined);
    const raw = Buffer.from('{}');
    assert.deepEqual(decodeContentEncoding(gzipSync(raw), 'gzip', L), raw);
    assert.deepEqual(decodeContentEncoding(raw, 'identity', L), raw);
    assert.throws(
      () => decodeContentEncoding(raw, 'zstd', L),
      (e: unknown) => e instanceof OtlpRequestError && e.reason === 'unsupported_encoding',
    );
    assert.throws(
      () => decodeContentEncoding(gzipSync(Buffer.alloc(2000)), 'gzip', { ...L, maxDecompressedBytes: 1000 }),
      PayloadTooLargeError,
    );
  });

  it('rejects spans beyond maxSpansPerRequest and keeps the first ones', () => {
    const spans: TestSpan[] = [1, 2, 3].map((i) => ({
      traceId: 'a'.repeat(32),
      spanId: String(i).repeat(16),
      name: 'x',
      startMs: NOW - 1000,
      durationMs: 1,
    }));
    const r = decodeExportRequest(json(otlpJson(spans)), 'json', { ...L, maxSpansPerRequest: 2 }, NOW);
    assert.equal(r.spans.length, 2);
    assert.equal(r.rejected.get('too_many_spans'), 1);
  });

  it('fuzz: any JSON value is refused with an OtlpRequestError or yields only valid spans', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (v) => {
        try {
          const r = decodeExportRequest(json(v), 'json', L, NOW);
          for (const s of r.spans)
            assert.ok(isValidId(s.traceId, 32) && isValidId(s.spanId, 16) && s.durationUs >= 0);
        } catch (e) {
          assert.ok(e instanceof OtlpRequestError, `unexpected ${String(e)}`);
        }
      }),
      { numRuns: 500 },
    );
  });

  it('fuzz: valid requests decode to the same spans from JSON and from protobuf', () => {
    fc.assert(
      fc.property(fc.array(spanArb, { minLength: 1, maxLength: 5 }), (spans) => {
        const req = otlpJson(spans);
        const a = decodeExportRequest(json(req), 'json', L, NOW);
        const b = decodeExportRequest(otlpProtobuf(req), 'protobuf', L, NOW);
        assert.equal(a.rejectedCount, 0, a.messages.join('; '));
        assert.equal(a.spans.length, spans.length);
        assert.deepEqual(a.spans, b.spans);
        assert.deepEqual(
          a.spans.map((s) => [s.traceId, s.spanId, s.startUs, s.durationUs]),
          spans.map((s) => [s.traceId, s.spanId, s.startMs * 1000, s.durationMs * 1000]),
        );
      }),
      { numRuns: 200 },
    );
  });

  it('a field holding an object with its own toString key (found by the fuzz below) is a value to validate, not a crash', () => {
    const span: TestSpan = {
      traceId: '00aaaaa0aa00a0a0aa00a000a0aaa000',
      spanId: '000a0a00aa0aaa0a',
      name: ' ',
      startMs: NOW - 1000,
      durationMs: 0,
      kind: 0,
      attributes: {},
    };
    for (const field of ['kind', 'name', 'status']) {
      const req = otlpJson([span]) as {
        resourceSpans: { scopeSpans: { spans: Record<string, unknown>[] }[] }[];
      };
      req.resourceSpans[0]!.scopeSpans[0]!.spans[0]![field] = { toString: false };
      const r = decodeExportRequest(json(req), 'json', L, NOW);
      assert.equal(r.spans.length + r.rejectedCount, 1, field);
    }
  });

  it('fuzz: corrupting one field of a span never throws anything else and never drops a span silently', () => {
    const fields = [
      'traceId',
      'spanId',
      'parentSpanId',
      'name',
      'startTimeUnixNano',
      'endTimeUnixNano',
      'attributes',
      'events',
      'links',
      'status',
      'kind',
    ];
    fc.assert(
      fc.property(
        fc.array(spanArb, { minLength: 1, maxLength: 4 }),
        fc.nat(),
        fc.constantFrom(...fields),
        fc.jsonValue(),
        (spans, which, field, value) => {
          const req = otlpJson(spans) as {
            resourceSpans: { scopeSpans: { spans: Record<string, unknown>[] }[] }[];
          };
          const list = req.resourceSpans[0]!.scopeSpans[0]!.spans;
          list[which % list.length]![field] = value;
          try {
            const r = decodeExportRequest(json(req), 'json', L, NOW);
            assert.equal(r.spans.length + r.rejectedCount, spans.length);
          } catch (e) {
            assert.ok(e instanceof OtlpRequestError, `unexpected ${String(e)}`);
          }
        },
      ),
      { numRuns: 500 },
    );
  });
});
