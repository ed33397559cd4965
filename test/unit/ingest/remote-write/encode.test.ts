/** Remote-write encoding (src/ingest/remote-write/encode.ts), checked by decoding with the receiver's decoder. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { decodeRemoteWrite } from '../../../../src/ingest/remote-write/decode.ts';
import { encodeRemoteWrite } from '../../../../src/ingest/remote-write/encode.ts';
import { DEFAULT_SCRAPE_LIMITS } from '../../../../src/model/scrape-limits.ts';
import type { Sample } from '../../../../src/model/sample.ts';

const T0 = Date.UTC(2026, 0, 1);

describe('remote-write encoding', () => {
  it('keeps series apart whose label names and values would run together when joined (separators inside values)', () => {
    const samples: Sample[] = [
      { name: 'dwcp_enc', labels: { a: '1|bx' }, value: 1, timestampMs: T0 },
      { name: 'dwcp_enc', labels: { a: '1', b: 'x' }, value: 2, timestampMs: T0 },
      { name: 'dwcp_enc', labels: { a: '1:b1:x', b: 'x' }, value: 3, timestampMs: T0 },
      { name: 'dwcp_enc', labels: { b: 'x', a: '1' }, value: 4, timestampMs: T0 + 1 },
    ];
    const d = decodeRemoteWrite(encodeRemoteWrite(samples), {
      maxDecompressedBytes: 1 << 20,
      labels: DEFAULT_SCRAPE_LIMITS,
    });
    assert.equal(d.series, 3);
    assert.deepEqual(
      d.samples.map((s) => s.value),
      [1, 2, 4, 3],
    );
  });

  it('round-trips samples through the decoder: one TimeSeries per series, values (incl. ±Inf, NaN) and ms timestamps kept', () => {
    const samples: Sample[] = [
      { name: 'dwcp_enc', labels: { z: '1', a: 'x"y' }, value: 1.5, timestampMs: T0 },
      { name: 'dwcp_enc', labels: { a: 'x"y', z: '1' }, value: Infinity, timestampMs: T0 + 1 },
      { name: 'dwcp_enc', labels: { a: 'other' }, value: -Infinity, timestampMs: T0 },
      { name: 'dwcp_enc_nan', labels: {}, value: Number.NaN, timestampMs: T0 + 2 },
    ];
    const d = decodeRemoteWrite(encodeRemoteWrite(samples), {
      maxDecompressedBytes: 1 << 20,
      labels: DEFAULT_SCRAPE_LIMITS,
    });
    assert.equal(d.series, 3, 'samples of one series share a TimeSeries');
    assert.deepEqual(d.rejected, {});
    assert.deepEqual(
      d.samples.map((s) => [s.name, s.labels, s.timestampMs]),
      [
        ['dwcp_enc', { a: 'x"y', z: '1' }, T0],
        ['dwcp_enc', { a: 'x"y', z: '1' }, T0 + 1],
        ['dwcp_enc', { a: 'other' }, T0],
        ['dwcp_enc_nan', {}, T0 + 2],
      ],
    );
    assert.deepEqual(
      d.samples.slice(0, 3).map((s) => s.value),
      [1.5, Infinity, -Infinity],
    );
    assert.ok(Number.isNaN(d.samples[3]!.value));
  });

  it('an empty batch is a valid, empty request', () => {
    assert.deepEqual(
      decodeRemoteWrite(encodeRemoteWrite([]), { maxDecompressedBytes: 1024, labels: DEFAULT_SCRAPE_LIMITS }),
      { samples: [], rejected: {}, series: 0 },
    );
  });
});
