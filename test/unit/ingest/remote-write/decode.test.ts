/** Remote-write body decoding (src/ingest/remote-write/decode.ts): Snappy, protobuf, per-series validation. */
import assert from 'node:assert/strict';
import { it } from 'node:test';
import snappy from 'snappyjs';
import { PayloadTooLargeError } from '../../../../src/errors.ts';
import {
  decodeRemoteWrite,
  RemoteWriteRequestError,
  type RemoteWriteLimits,
} from '../../../../src/ingest/remote-write/decode.ts';
import { writeRequestType } from '../../../../src/ingest/remote-write/proto-root.ts';
import { DEFAULT_SCRAPE_LIMITS } from '../../../../src/model/scrape-limits.ts';

const LIMITS: RemoteWriteLimits = { maxDecompressedBytes: 1 << 20, labels: DEFAULT_SCRAPE_LIMITS };
type Series = {
  labels: { name: string; value: string }[];
  samples?: { value: number; timestamp: number }[];
  histograms?: object[];
};
const body = (timeseries: Series[]): Buffer => {
  const T = writeRequestType();
  return snappy.compress(Buffer.from(T.encode(T.fromObject({ timeseries })).finish()));
};
const L = (o: Record<string, string>) => Object.entries(o).map(([name, value]) => ({ name, value }));
const pts = (...v: number[]) => v.map((value, i) => ({ value, timestamp: 1_700_000_000_000 + i * 1000 }));

it('decodes series into samples; NaN is legal; empty label values mean no label', () => {
  const d = decodeRemoteWrite(
    body([
      {
        labels: L({ __name__: 'up', job: 'node', instance: 'a:9100', empty: '' }),
        samples: pts(1, Number.NaN),
      },
    ]),
    LIMITS,
  );
  assert.equal(d.series, 1);
  assert.deepEqual(d.rejected, {});
  assert.equal(d.samples.length, 2);
  assert.deepEqual(d.samples[0], {
    name: 'up',
    labels: { job: 'node', instance: 'a:9100' },
    value: 1,
    timestampMs: 1_700_000_000_000,
  });
  assert.ok(Number.isNaN(d.samples[1]!.value));
});

it('refuses bad series with all their samples and keeps the rest of the request', () => {
  const d = decodeRemoteWrite(
    body([
      { labels: L({ job: 'x' }), samples: pts(1, 2) },
      { labels: L({ __name__: '1bad' }), samples: pts(1) },
      { labels: L({ __name__: 'ok', 'bad-name': 'v' }), samples: pts(1, 2, 3) },
      { labels: [...L({ __name__: 'ok', a: '1' }), ...L({ a: '2' })], samples: pts(1) },
      { labels: L({ __name__: 'ok', big: 'v'.repeat(5000) }), samples: pts(1) },
      { labels: L({ __name__: 'ok', __reserved: 'v' }), samples: pts(1) },
      { labels: L({ __name__: 'native' }), histograms: [{ sum: 1 }, { sum: 2 }] },
      { labels: L({ __name__: 'good', a: '1' }), samples: pts(7) },
    ]),
    LIMITS,
  );
  assert.deepEqual(d.rejected, {
    missing_metric_name: 2,
    invalid_metric_name: 1,
    invalid_label_name: 4,
    duplicate_label_name: 1,
    label_limit: 1,
    native_histogram: 2,
  });
  assert.deepEqual(
    d.samples.map((s) => [s.name, s.value]),
    [['good', 7]],
  );
  assert.equal(d.series, 8);
});

it('refuses bodies that are not Snappy or not a WriteRequest as a whole, and oversize ones by their header', () => {
  assert.throws(
    () => decodeRemoteWrite(Buffer.from('not snappy at all, definitely'), LIMITS),
    (e: unknown) => e instanceof RemoteWriteRequestError && e.reason === 'malformed_snappy',
  );
  const garbage = snappy.compress(Buffer.from([0x0a, 0xff, 0xff, 0xff, 0xff, 0x0f, 0x01]));
  assert.throws(
    () => decodeRemoteWrite(garbage, LIMITS),
    (e: unknown) =>
      e instanceof RemoteWriteRequestError &&
      e.reason === 'malformed_protobuf' &&
      /prometheus\.WriteRequest/.test(e.message),
  );
  const big = body([{ labels: L({ __name__: 'x', v: 'y'.repeat(3000) }), samples: pts(1) }]);
  assert.throws(
    () => decodeRemoteWrite(big, { ...LIMITS, maxDecompressedBytes: 1000 }),
    PayloadTooLargeError,
  );
});
