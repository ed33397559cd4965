import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import {
  CsvParseError,
  InvalidInputError,
  LimitExceededError,
  PayloadTooLargeError,
} from '../../../src/errors.ts';
import { parseSeriesCsv, parseTimestamp, readSeriesCsvFile } from '../../../src/ingest/csv.ts';

const dir = mkdtempSync(join(tmpdir(), 'dwcp-csv-'));
after(() => rmSync(dir, { recursive: true, force: true }));

function lineError(text: string, line: number, re: RegExp, opts = {}): void {
  assert.throws(
    () => parseSeriesCsv(text, opts),
    (e: unknown) => {
      assert.ok(e instanceof CsvParseError, `CsvParseError, got ${String(e)}`);
      assert.equal(e.code, 'DWCP_CSV_PARSE');
      assert.equal(e.line, line);
      assert.match(e.message, new RegExp(`^line ${line}: `));
      assert.match(e.message, re);
      return true;
    },
  );
}

describe('parseTimestamp', () => {
  it('reads ISO-8601, the NAB "YYYY-MM-DD HH:MM:SS" form (UTC), dates and Unix numbers', () => {
    const t = Date.UTC(2024, 0, 2, 3, 4, 5);
    assert.equal(parseTimestamp('2024-01-02T03:04:05Z'), t);
    assert.equal(parseTimestamp('2024-01-02T03:04:05'), t, 'no zone means UTC, not local time');
    assert.equal(parseTimestamp('2024-01-02 03:04:05'), t);
    assert.equal(parseTimestamp('2024-01-02T05:04:05+02:00'), t);
    assert.equal(parseTimestamp('2024-01-01T22:04:05-0500'), t);
    assert.equal(parseTimestamp('2024-01-02T03:04:05.250Z'), t + 250);
    assert.equal(parseTimestamp('2024-01-02T03:04Z'), t - 5000);
    assert.equal(parseTimestamp('2024-01-02'), Date.UTC(2024, 0, 2));
    assert.equal(parseTimestamp(String(t / 1000)), t, 'seconds');
    assert.equal(parseTimestamp(String(t)), t, 'milliseconds');
    assert.equal(parseTimestamp('1704164645.5'), t + 500, 'fractional seconds');
    assert.equal(parseTimestamp('2024-02-29 00:00:00'), Date.UTC(2024, 1, 29), 'leap day');
  });

  it('returns null for garbage and impossible dates', () => {
    for (const s of [
      '',
      'yesterday',
      '2024-02-30',
      '2023-02-29',
      '2024-13-01',
      '2024-01-01 24:00:00',
      '2024-01-01T10:61',
      '2024-1-1',
      '0x10',
      '1e5',
      '2024-01-01T00:00:00+25:00',
    ]) {
      assert.equal(parseTimestamp(s), null, s);
    }
  });
});

describe('parseSeriesCsv', () => {
  it('parses with and without a header, skips blank lines, accepts CRLF, BOM and quotes', () => {
    const a = parseSeriesCsv('timestamp,value\n2024-01-01 00:00:00,1.5\n2024-01-01 00:00:10,-2e3\n');
    assert.deepEqual(a, [
      { timestampMs: Date.UTC(2024, 0, 1), value: 1.5 },
      { timestampMs: Date.UTC(2024, 0, 1, 0, 0, 10), value: -2000 },
    ]);
    const b = parseSeriesCsv('\uFEFF1700000000,1\r\n\r\n1700000010,2\r\n');
    assert.deepEqual(
      b.map((p) => p.value),
      [1, 2],
    );
    assert.equal(b[0]!.timestampMs, 1_700_000_000_000);
    const c = parseSeriesCsv('"ts","v"\n"2024-01-01T00:00:00Z", "3"\n');
    assert.equal(c[0]!.value, 3);
    assert.deepEqual(parseSeriesCsv(''), []);
    assert.deepEqual(parseSeriesCsv('timestamp,value\n'), []);
  });

  it('wrong column count names the line', () => {
    lineError(
      'timestamp,value\n2024-01-01 00:00:00,1\n2024-01-01 00:00:10\n',
      3,
      /expected 2 columns.*got 1/,
    );
    lineError('1700000000,1,2\n', 1, /got 3/);
  });

  it('unparsable timestamp names the line', () => {
    lineError('timestamp,value\n2024-01-01 00:00:00,1\nsoon,2\n', 3, /unparsable timestamp "soon"/);
    lineError('ts,1\n', 1, /unparsable timestamp "ts"/);
    lineError('2024-02-30 00:00:00,1\n', 1, /unparsable timestamp/);
  });

  it('non-numeric value names the line', () => {
    lineError('1700000000,1\n1700000010,abc\n', 2, /value "abc" is not a number/);
    lineError('1700000000,\n', 1, /value "" is not a number/);
    lineError('1700000000,0x10\n', 1, /not a number/);
  });

  it('NaN/Inf are rejected unless allowNonFinite', () => {
    lineError('1700000000,1\n1700000010,NaN\n', 2, /not finite/);
    lineError('1700000000,-Inf\n', 1, /not finite/);
    lineError('1700000000,1e400\n', 1, /not finite/);
    const ok = parseSeriesCsv('1700000000,NaN\n1700000010,+Inf\n1700000020,-Infinity\n', {
      allowNonFinite: true,
    });
    assert.ok(Number.isNaN(ok[0]!.value));
    assert.equal(ok[1]!.value, Number.POSITIVE_INFINITY);
    assert.equal(ok[2]!.value, Number.NEGATIVE_INFINITY);
  });

  it('timestamps not strictly increasing name the line (and the previous one)', () => {
    lineError('1700000000,1\n1700000010,2\n1700000010,3\n', 3, /not after.*line 2/);
    lineError('h,v\n2024-01-02 00:00:00,1\n\n2024-01-01 00:00:00,2\n', 4, /strictly increasing/);
  });

  it('size limit gives PayloadTooLargeError; row limit gives LimitExceededError', () => {
    const text =
      'timestamp,value\n' + Array.from({ length: 50 }, (_, i) => `${1_700_000_000 + i},${i}`).join('\n');
    assert.throws(() => parseSeriesCsv(text, { maxBytes: 100 }), PayloadTooLargeError);
    assert.equal(parseSeriesCsv(text, { maxRows: 50 }).length, 50);
    assert.throws(
      () => parseSeriesCsv(text, { maxRows: 49 }),
      (e: unknown) => e instanceof LimitExceededError && /line 51/.test(e.message),
    );
  });

  it('rejects invalid options', () => {
    assert.throws(() => parseSeriesCsv('', { maxRows: 0 }), InvalidInputError);
    assert.throws(() => parseSeriesCsv('', { maxBytes: -1 }), InvalidInputError);
    assert.throws(() => parseSeriesCsv('', { maxBytes: 1.5 }), InvalidInputError);
  });
});

describe('readSeriesCsvFile', () => {
  it('streams a file and gives the same points as the string parser', async () => {
    const text =
      'timestamp,value\r\n' +
      Array.from({ length: 1000 }, (_, i) => `${1_700_000_000 + i * 10},${Math.sin(i)}`).join('\r\n') +
      '\r\n';
    const p = join(dir, 'ok.csv');
    writeFileSync(p, text);
    const fromFile = await readSeriesCsvFile(p);
    assert.equal(fromFile.length, 1000);
    assert.deepEqual(fromFile, parseSeriesCsv(text));
  });

  it('errors from a file name the line; limits hold', async () => {
    const p = join(dir, 'bad.csv');
    writeFileSync(p, 'timestamp,value\n1700000000,1\n1700000010,x\n1700000020,3\n');
    await assert.rejects(readSeriesCsvFile(p), (e: unknown) => e instanceof CsvParseError && e.line === 3);
    await assert.rejects(readSeriesCsvFile(p, { maxBytes: 10 }), PayloadTooLargeError);
    const q = join(dir, 'rows.csv');
    writeFileSync(q, Array.from({ length: 20 }, (_, i) => `${1_700_000_000 + i},${i}`).join('\n'));
    await assert.rejects(readSeriesCsvFile(q, { maxRows: 10 }), LimitExceededError);
  });

  it('a missing file or a directory is InvalidInputError', async () => {
    await assert.rejects(
      readSeriesCsvFile(join(dir, 'nope.csv')),
      (e: unknown) => e instanceof InvalidInputError && /nope\.csv/.test(e.message),
    );
    await assert.rejects(readSeriesCsvFile(dir), InvalidInputError);
  });
});
