import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { gzipSync } from 'node:zlib';

import {
  loadNabCorpus,
  loadPublishedResults,
  loadReferenceScores,
  mapWindowsToRows,
  parseNabCsv,
  resolveNabDir,
} from '../../../src/eval/nab-data.ts';
import { ConfigError, CsvParseError, InvalidInputError } from '../../../src/errors.ts';

const roots: string[] = [];
after(() => {
  for (const r of roots) rmSync(r, { recursive: true, force: true });
});

const CSV =
  'timestamp,value\n2014-01-01 00:00:00,1\n2014-01-01 00:05:00,2.5\n2014-01-01 00:10:00,3\n2014-01-01 00:15:00,-4e1\n';

/** Writes a minimal NAB directory: one file `cat/a.csv` with one window over rows 1..2. */
function fixture(csv: string = CSV, scores?: string): string {
  const root = mkdtempSync(path.join(tmpdir(), 'nab-'));
  roots.push(root);
  mkdirSync(path.join(root, 'data', 'cat'), { recursive: true });
  mkdirSync(path.join(root, 'labels'));
  writeFileSync(path.join(root, 'data', 'cat', 'a.csv'), csv);
  writeFileSync(
    path.join(root, 'labels', 'combined_windows.json'),
    JSON.stringify({ 'cat/a.csv': [['2014-01-01 00:05:00.000000', '2014-01-01 00:10:00.000000']] }),
  );
  if (scores !== undefined) {
    const dir = path.join(root, 'reference-results', 'results', 'det');
    mkdirSync(dir, { recursive: true });
    writeFileSync(path.join(dir, 'det_anomaly_scores.csv.gz'), gzipSync(scores));
  }
  return root;
}

describe('parseNabCsv', () => {
  it('parses timestamps, UTC milliseconds and values', () => {
    const r = parseNabCsv(CSV, 'x.csv');
    assert.deepEqual([...r.values], [1, 2.5, 3, -40]);
    assert.equal(r.timestamps[1], '2014-01-01 00:05:00');
    assert.equal(r.timestampsMs[0], Date.UTC(2014, 0, 1));
  });
  it('rejects malformed rows with the 1-based line and the file name', () => {
    const bad = (text: string, line: number, re: RegExp): void =>
      assert.throws(
        () => parseNabCsv(text, 'x.csv'),
        (e: unknown) =>
          e instanceof CsvParseError && e.line === line && re.test(e.message) && e.message.includes('x.csv'),
      );
    bad('time,value\n2014-01-01 00:00:00,1\n', 1, /header/);
    bad('timestamp,value\n', 1, /no data rows/);
    bad('timestamp,value\n2014-01-01 00:00:00,1\n2014-01-01 00:05:00,abc\n', 3, /not a finite number/);
    bad('timestamp,value\n2014-01-01 00:00:00,1,7\n', 2, /2 fields/);
    bad('timestamp,value\nyesterday,1\n', 2, /bad timestamp/);
    bad('timestamp,value\n2014-01-01 00:00:00,\n', 2, /finite/);
    bad('timestamp,value\n2014-01-01 00:00:00,Infinity\n', 2, /finite/);
  });
});

describe('mapWindowsToRows', () => {
  const ts = ['2014-01-01 00:00:00', '2014-01-01 00:05:00', '2014-01-01 00:10:00'];
  it('matches on the first 19 characters', () => {
    assert.deepEqual(
      mapWindowsToRows('x', ts, [['2014-01-01 00:05:00.000000', '2014-01-01 00:10:00.000000']]),
      [[1, 2]],
    );
  });
  it('rejects unmatched or malformed windows', () => {
    assert.throws(
      () => mapWindowsToRows('x', ts, [['2014-01-01 00:06:00', '2014-01-01 00:10:00']]),
      /matches no row/,
    );
    assert.throws(() => mapWindowsToRows('x', ts, [['2014-01-01 00:05:00']]), InvalidInputError);
    assert.throws(() => mapWindowsToRows('x', ts, 'nope'), InvalidInputError);
  });
});

describe('loadNabCorpus', () => {
  it('loads a fixture corpus with windows as row indices', async () => {
    const c = await loadNabCorpus(fixture());
    assert.equal(c.files.length, 1);
    assert.equal(c.files[0]!.name, 'cat/a.csv');
    assert.equal(c.files[0]!.category, 'cat');
    assert.deepEqual(c.files[0]!.windows, [[1, 2]]);
    assert.equal(c.windowCount, 1);
    assert.equal(c.rowCount, 4);
  });
  it('reports a malformed CSV row in a corpus file', async () => {
    const root = fixture(
      'timestamp,value\n2014-01-01 00:00:00,1\n2014-01-01 00:05:00,1;2\n2014-01-01 00:10:00,3\n',
    );
    await assert.rejects(
      loadNabCorpus(root),
      (e: unknown) => e instanceof CsvParseError && e.line === 3 && /cat\/a\.csv/.test(e.message),
    );
  });
  it('gives a clear ConfigError for a missing NAB directory', async () => {
    await assert.rejects(
      loadNabCorpus(path.join(tmpdir(), 'definitely-missing-nab-dir-xyz')),
      (e: unknown) => e instanceof ConfigError && e.code === 'DWCP_CONFIG' && /DWCP_NAB_DIR/.test(e.message),
    );
  });
  it('gives a ConfigError when a listed data file is missing', async () => {
    const root = fixture();
    rmSync(path.join(root, 'data', 'cat', 'a.csv'));
    await assert.rejects(
      loadNabCorpus(root),
      (e: unknown) => e instanceof ConfigError && /cat\/a\.csv/.test(e.message),
    );
  });
  it('honours DWCP_NAB_DIR and resolves relative paths against the cwd', () => {
    const saved = process.env['DWCP_NAB_DIR'];
    try {
      process.env['DWCP_NAB_DIR'] = '/some/where';
      assert.equal(resolveNabDir(), '/some/where');
      assert.equal(resolveNabDir('rel'), path.resolve(process.cwd(), 'rel'));
      delete process.env['DWCP_NAB_DIR'];
      assert.equal(resolveNabDir(), path.resolve(process.cwd(), '../shared/datasets/nab'));
    } finally {
      if (saved === undefined) delete process.env['DWCP_NAB_DIR'];
      else process.env['DWCP_NAB_DIR'] = saved;
    }
  });
});

describe('loadReferenceScores', () => {
  it('reads gzip scores in row order', async () => {
    const root = fixture(
      CSV,
      'file,anomaly_score\ncat/a.csv,0.0\ncat/a.csv,0.5\ncat/a.csv,1.0\ncat/a.csv,0.25\n',
    );
    const c = await loadNabCorpus(root);
    const s = await loadReferenceScores(c, 'det');
    assert.deepEqual([...s[0]!], [0, 0.5, 1, 0.25]);
  });
  it('rejects a score outside [0, 1] with a clear error', async () => {
    const root = fixture(
      CSV,
      'file,anomaly_score\ncat/a.csv,0.0\ncat/a.csv,1.5\ncat/a.csv,1.0\ncat/a.csv,0.25\n',
    );
    const c = await loadNabCorpus(root);
    await assert.rejects(
      loadReferenceScores(c, 'det'),
      (e: unknown) => e instanceof InvalidInputError && /row 1 is 1\.5.*\[0, 1\]/.test(e.message),
    );
  });
  it('rejects wrong row counts, unknown files, bad names and missing files', async () => {
    const short = await loadNabCorpus(fixture(CSV, 'file,anomaly_score\ncat/a.csv,0.0\n'));
    await assert.rejects(loadReferenceScores(short, 'det'), /has 1 scores for 4 rows/);
    const unknown = await loadNabCorpus(fixture(CSV, 'file,anomaly_score\ncat/b.csv,0.0\n'));
    await assert.rejects(loadReferenceScores(unknown, 'det'), CsvParseError);
    await assert.rejects(loadReferenceScores(short, '../etc'), InvalidInputError);
    await assert.rejects(loadReferenceScores(short, 'other'), ConfigError);
    await assert.rejects(loadPublishedResults(short.dir), ConfigError);
  });
});
