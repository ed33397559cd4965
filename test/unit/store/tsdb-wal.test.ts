/**
 * Write-ahead log: records replay in order across segments; a torn last record (a crash inside write(2)) and
 * a record failing its checksum end the segment there, are truncated, and later appends follow valid data;
 * rotation and segment removal; the samples record codec round-trips.
 */
import assert from 'node:assert/strict';
import {
  appendFileSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  truncateSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import fc from 'fast-check';
import { StoreError } from '../../../src/errors.ts';
import { decodeRecord, encodeSamplesRecord } from '../../../src/store/tsdb/wal-record.ts';
import { WriteAheadLog } from '../../../src/store/tsdb/wal.ts';

const root = mkdtempSync(join(tmpdir(), 'dwcp-wal-'));
after(() => rmSync(root, { recursive: true, force: true }));
let n = 0;
const freshDir = (): string => join(root, `w${n++}`);

function replayAll(dir: string): {
  payloads: string[];
  stats: ReturnType<WriteAheadLog['replay']>;
  wal: WriteAheadLog;
} {
  const wal = WriteAheadLog.open(dir, 1000);
  const payloads: string[] = [];
  const stats = wal.replay((p) => payloads.push(p.toString()));
  return { payloads, stats, wal };
}

describe('tsdb WAL', () => {
  it('replays every record in order across segments, after rotation and reopen', () => {
    const dir = freshDir();
    const a = replayAll(dir);
    assert.deepEqual(a.payloads, []);
    a.wal.append(Buffer.from('one'));
    a.wal.append(Buffer.from('two'));
    const first = a.wal.rotate();
    a.wal.append(Buffer.from('three'));
    a.wal.close();
    const b = replayAll(dir);
    assert.deepEqual(b.payloads, ['one', 'two', 'three']);
    assert.deepEqual(b.stats, { segments: 2, records: 3, droppedBytes: 0 });
    b.wal.append(Buffer.from('four'));
    assert.equal(b.wal.removeSegmentsBefore(first), 1, 'the segment before the rotation is removed');
    b.wal.close();
    assert.deepEqual(replayAll(dir).payloads, ['three', 'four']);
  });

  it('a torn last record is dropped, truncated, and the next append follows valid data', () => {
    const dir = freshDir();
    const a = replayAll(dir);
    a.wal.append(Buffer.from('kept-1'));
    a.wal.append(Buffer.from('kept-2'));
    a.wal.append(Buffer.from('torn-record-payload'));
    a.wal.close();
    const seg = join(dir, readdirSync(dir).sort().at(-1)!);
    const full = statSync(seg).size;
    truncateSync(seg, full - 5); // the crash cut the last frame short
    const b = replayAll(dir);
    assert.deepEqual(b.payloads, ['kept-1', 'kept-2']);
    assert.equal(b.stats.droppedBytes, 8 + 'torn-record-payload'.length - 5);
    assert.equal(statSync(seg).size, 2 * 8 + 'kept-1'.length + 'kept-2'.length, 'torn tail truncated');
    b.wal.append(Buffer.from('after'));
    b.wal.close();
    assert.deepEqual(replayAll(dir).payloads, ['kept-1', 'kept-2', 'after']);
  });

  it('a frame that fails its checksum ends the segment; a header-only tail too', () => {
    const dir = freshDir();
    const a = replayAll(dir);
    a.wal.append(Buffer.from('good'));
    a.wal.append(Buffer.from('flipped'));
    a.wal.close();
    const seg = join(dir, readdirSync(dir).sort().at(-1)!);
    const bytes = readFileSync(seg);
    bytes[bytes.length - 1]! ^= 0x01; // flip one payload bit of the second frame
    writeFileSync(seg, bytes);
    appendFileSync(seg, Buffer.from([1, 2, 3])); // and a partial header after it
    const b = replayAll(dir);
    assert.deepEqual(b.payloads, ['good']);
    assert.equal(b.stats.droppedBytes, 8 + 'flipped'.length + 3);
    b.wal.close();
  });

  it('is bound to one database: the id is written once, then checked', () => {
    const dir = freshDir();
    const a = WriteAheadLog.open(dir, 1000);
    a.bindTo('db-1');
    a.bindTo('db-1');
    assert.throws(
      () => WriteAheadLog.open(dir, 1000).bindTo('db-2'),
      (e: unknown) =>
        e instanceof StoreError && /belongs to another database \(store id db-1/.test(e.message),
    );
    a.close();
  });

  it('rejects appends before replay and after close, and an unusable directory', () => {
    const dir = freshDir();
    const wal = WriteAheadLog.open(dir, 1000);
    assert.throws(
      () => wal.append(Buffer.from('x')),
      (e: unknown) => e instanceof StoreError && /not open/.test(e.message),
    );
    wal.replay(() => undefined);
    wal.close();
    assert.throws(() => wal.append(Buffer.from('x')), StoreError);
    const file = join(root, 'plain-file');
    writeFileSync(file, 'x');
    assert.throws(
      () => WriteAheadLog.open(join(file, 'wal'), 1000),
      (e: unknown) => e instanceof StoreError && /cannot open WAL directory/.test(e.message),
    );
  });

  it('samples records round-trip ids, timestamps (any order) and value bits', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.tuple(fc.nat({ max: 2 ** 40 }), fc.integer({ min: -(2 ** 50), max: 2 ** 50 }), fc.double()),
          { maxLength: 200 },
        ),
        fc.nat(),
        (rows, seq) => {
          const rec = decodeRecord(
            encodeSamplesRecord(
              seq,
              rows.length,
              rows.map((r) => r[0]),
              rows.map((r) => r[1]),
              rows.map((r) => r[2]),
            ),
          );
          assert.equal(rec.seq, seq);
          assert.deepEqual(
            Array.from(rec.seriesIds),
            rows.map((r) => r[0]),
          );
          assert.deepEqual(
            Array.from(rec.timestampsMs),
            rows.map((r) => r[1]),
          );
          rows.forEach((r, i) => assert.ok(Object.is(rec.values[i], r[2])));
        },
      ),
    );
    assert.throws(() => decodeRecord(Buffer.from([7, 0, 0])), /type 7/);
    const ok = encodeSamplesRecord(1, 1, [5], [1000], [1.5]);
    assert.throws(() => decodeRecord(ok.subarray(0, ok.length - 1)), /ends inside a sample/);
  });
});
