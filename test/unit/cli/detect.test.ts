import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, afterEach, describe, it } from 'node:test';
import { CommanderError } from 'commander';
import { detectCommand, type DetectedRow } from '../../../src/cli/commands/detect.ts';
import { formatDuration, parseDuration } from '../../../src/model/duration.ts';
import { InvalidInputError } from '../../../src/errors.ts';

const FIXTURES = join(import.meta.dirname, '..', '..', 'fixtures');
const SPIKE = join(FIXTURES, 'series-spike.csv');
const BAD = join(FIXTURES, 'series-bad-value.csv');
const dir = mkdtempSync(join(tmpdir(), 'dwcp-detect-'));
after(() => rmSync(dir, { recursive: true, force: true }));
afterEach(() => {
  process.exitCode = undefined;
});

async function runCli(
  args: string[],
): Promise<{ out: string; err: string; code: number | string | undefined }> {
  let out = '';
  let err = '';
  process.exitCode = undefined;
  const cmd = detectCommand({ out: (t) => void (out += t), err: (t) => void (err += t) }).exitOverride();
  await cmd.parseAsync(args, { from: 'user' });
  const code = process.exitCode;
  process.exitCode = undefined;
  return { out, err, code };
}

describe('detect command', () => {
  it('--detector statistical finds the injected spike and drop in JSON (bandwidth: both directions)', async () => {
    const r = await runCli(['--input', SPIKE, '--kind', 'bandwidth', '--detector', 'statistical']);
    assert.equal(r.code, undefined, r.err);
    const rows = JSON.parse(r.out) as DetectedRow[];
    assert.deepEqual(
      rows.map((x) => [x.timestamp, x.value]),
      [
        ['2024-01-01T00:20:00.000Z', 160],
        ['2024-01-01T00:28:20.000Z', 40],
      ],
    );
    const s = rows[0]!;
    assert.ok(s.expected > 98 && s.expected < 102);
    assert.ok(s.lower < s.expected && s.upper > s.expected);
    assert.ok(s.deviation > 10);
    assert.equal(s.confidence, 1);
    assert.equal(s.severity, 'critical');
    assert.ok(rows[1]!.deviation < -10);
  });

  it('--detector ensemble, ensemble-live and full find the spike, name the members that voted, and honour the cooldown', async () => {
    for (const det of ['ensemble', 'ensemble-live', 'full']) {
      const r = await runCli(['--input', SPIKE, '--kind', 'latency', '--detector', det]);
      assert.equal(r.code, undefined, r.err);
      const rows = JSON.parse(r.out) as DetectedRow[];
      // The full ensemble (CAD OSE learns its range over 750 samples) is not expected to judge 200 samples well.
      if (det !== 'full')
        assert.ok(
          rows.some((x) => x.value === 160),
          `${det}: ${r.out}`,
        );
      assert.ok(!rows.some((x) => x.value === 40), `${det}: a latency drop is not bad`);
      for (const x of rows) assert.match(x.detectors, /^[a-z-]+(\+[a-z-]+)*$/);
      const times = rows.map((x) => Date.parse(x.timestamp));
      for (let i = 1; i < times.length; i++)
        assert.ok(times[i]! - times[i - 1]! >= 5 * 60_000, 'default 5 min cooldown');
    }
  });

  it('rejects an unknown --detector, --threshold with an ensemble, and a too-short --season (exit 2)', async () => {
    for (const args of [
      ['--detector', 'magic'],
      ['--detector', 'ensemble', '--threshold', '3'],
      ['--detector', 'ensemble-live', '--season', '10s'],
    ]) {
      const r = await runCli(['--input', SPIKE, ...args]);
      assert.equal(r.code, 2, args.join(' '));
      assert.match(r.err, /^error: /);
    }
  });

  it('latency kind ignores the drop; the cooldown is in sample time', async () => {
    const lat = JSON.parse(
      (await runCli(['--input', SPIKE, '--kind', 'latency', '--detector', 'statistical'])).out,
    ) as DetectedRow[];
    assert.deepEqual(
      lat.map((x) => x.value),
      [160],
    );
    // Spike and drop are 500 s apart: a 10 min cooldown keeps only the first.
    const cool = JSON.parse(
      (
        await runCli([
          '--input',
          SPIKE,
          '--kind',
          'bandwidth',
          '--detector',
          'statistical',
          '--cooldown',
          '10m',
        ])
      ).out,
    ) as DetectedRow[];
    assert.equal(cool.length, 1);
  });

  it('CSV output has a header and one row per anomaly; --output writes a file', async () => {
    const r = await runCli([
      '--input',
      SPIKE,
      '--kind',
      'bandwidth',
      '--detector',
      'statistical',
      '--format',
      'csv',
    ]);
    const lines = r.out.trimEnd().split('\n');
    assert.equal(lines[0], 'timestamp,value,expected,lower,upper,deviation,confidence,severity,detectors');
    assert.equal(lines.length, 3);
    assert.match(
      lines[1]!,
      /^2024-01-01T00:20:00\.000Z,160,[\d.]+,[\d.]+,[\d.]+,[\d.]+,1,critical,statistical$/,
    );
    const outFile = join(dir, 'out.csv');
    const w = await runCli([
      '--input',
      SPIKE,
      '--kind',
      'bandwidth',
      '--detector',
      'statistical',
      '--format',
      'csv',
      '--output',
      outFile,
    ]);
    assert.equal(w.out, '');
    assert.match(w.err, /2 anomalies in 200 samples/);
    assert.equal(readFileSync(outFile, 'utf8'), r.out);
  });

  it('--threshold raises the bar', async () => {
    const rows = JSON.parse(
      (await runCli(['--input', SPIKE, '--detector', 'statistical', '--threshold', '40'])).out,
    ) as DetectedRow[];
    assert.equal(rows.length, 0);
  });

  it('bad input: error: <message> on stderr and exit code 2', async () => {
    const cases: [string[], RegExp][] = [
      [['--input', BAD], /^error: line 3: value "oops" is not a number\n$/],
      [['--input', join(FIXTURES, 'does-not-exist.csv')], /^error: cannot read .*does-not-exist\.csv/],
      [['--input', SPIKE, '--format', 'xml'], /^error: --format must be one of json, csv/],
      [['--input', SPIKE, '--kind', 'cpu'], /^error: --kind must be one of/],
      [
        ['--input', SPIKE, '--detector', 'statistical', '--threshold', 'abc'],
        /^error: --threshold must be a number/,
      ],
      [
        ['--input', SPIKE, '--detector', 'statistical', '--threshold', '0'],
        /^error: --threshold must be > 0/,
      ],
      [
        ['--input', SPIKE, '--detector', 'statistical', '--threshold', '-1'],
        /^error: --threshold must be > 0/,
      ],
      [['--input', SPIKE, '--cooldown', '5 minutes'], /^error: invalid duration/],
      [['--input', SPIKE, '--min-confidence', '2'], /^error: --min-confidence must be in \[0, 1\]/],
      [['--input', SPIKE, '--max-rows', '10'], /^error: line 12: more than 10 data rows/],
      [['--input', SPIKE, '--max-rows', '0'], /^error: --max-rows must be a positive integer/],
    ];
    for (const [args, re] of cases) {
      const r = await runCli(args);
      assert.match(r.err, re, args.join(' '));
      assert.equal(r.code, 2, args.join(' '));
      assert.equal(r.out, '');
    }
  });

  it('an --output in a missing directory is bad input, refused before the run (exit 2)', async () => {
    const out = join(dir, 'no-such-dir', 'x.json');
    const r = await runCli(['--input', SPIKE, '--output', out]);
    assert.equal(r.err, `error: --output '${out}': directory '${join(dir, 'no-such-dir')}' does not exist\n`);
    assert.equal(r.code, 2);
  });

  it('a failure that is not bad input exits 1', async () => {
    // /dev/full accepts the open and fails the write with ENOSPC.
    const r = await runCli(['--input', SPIKE, '--output', '/dev/full']);
    assert.match(r.err, /^error: ENOSPC/);
    assert.equal(r.code, 1);
  });

  it('usage errors come from commander (unknown option, missing --input)', async () => {
    await assert.rejects(
      runCli(['--input', SPIKE, '--bogus']),
      (e: unknown) => e instanceof CommanderError && e.code === 'commander.unknownOption',
    );
    await assert.rejects(
      runCli([]),
      (e: unknown) => e instanceof CommanderError && e.code === 'commander.missingMandatoryOptionValue',
    );
  });

  it("defaults to the monitor's live detector: a clean daily sine with one 4-point spike gives exactly the spike", async () => {
    // Ten days of 5-minute samples of a noisy daily sine; a 4-sample spike on day 8.
    let csv = 'timestamp,value\n';
    const start = Date.UTC(2024, 0, 1);
    let s = 12345;
    const noise = (): number => {
      s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
      return s / 4294967296 - 0.5;
    };
    const spikeAt = 8 * 288 + 100;
    for (let i = 0; i < 10 * 288; i++) {
      const v =
        100 + 20 * Math.sin((2 * Math.PI * i) / 288) + noise() + (i >= spikeAt && i < spikeAt + 4 ? 15 : 0);
      csv += `${Math.floor((start + i * 300_000) / 1000)},${v}\n`;
    }
    const file = join(dir, 'sine-spike.csv');
    writeFileSync(file, csv);
    const rows = JSON.parse((await runCli(['--input', file])).out) as DetectedRow[];
    assert.deepEqual(
      rows.map((x) => x.timestamp),
      [new Date(start + spikeAt * 300_000).toISOString()],
    );
    const r = rows[0]!;
    assert.ok(r.value > r.upper, 'the reported value lies outside the reported band');
    assert.match(r.detectors, /holt-winters/);
  });

  it('--help documents every option with its default', async () => {
    let help = '';
    const cmd = detectCommand({ out: (t) => void (help += t), err: (t) => void (help += t) }).exitOverride();
    await assert.rejects(
      cmd.parseAsync(['--help'], { from: 'user' }),
      (e: unknown) => e instanceof CommanderError && e.exitCode === 0,
    );
    for (const flag of [
      '--input',
      '--format',
      '--kind',
      '--threshold',
      '--cooldown',
      '--min-confidence',
      '--max-rows',
      '--output',
    ]) {
      assert.ok(help.includes(flag), flag);
    }
    assert.match(help, /default: "json"/);
    assert.match(help, /default: "generic"/);
    assert.match(help, /default: "5m"/);
    assert.match(help, /default: "ensemble"\)/);
    assert.match(help, /compression \(down, 2\.5 sigma\)/);
  });
});

describe('duration helpers', () => {
  it('formatDuration is the inverse of parseDuration', () => {
    assert.equal(formatDuration(0), '0ms');
    assert.equal(formatDuration(500), '500ms');
    assert.equal(formatDuration(90_000), '1m30s');
    assert.equal(formatDuration(300_000), '5m');
    assert.equal(formatDuration(86_400_000 + 3_600_000 + 60_000 + 1000 + 1), '1d1h1m1s1ms');
    for (const ms of [1, 999, 1000, 61_500, 3_600_000, 7 * 86_400_000, 123_456_789]) {
      assert.equal(parseDuration(formatDuration(ms)), ms);
    }
    assert.equal(parseDuration('1m30s'), 90_000);
    assert.equal(parseDuration('7d'), 7 * 86_400_000);
  });

  it('rejects bad input', () => {
    for (const v of [-1, Number.NaN, Number.POSITIVE_INFINITY])
      assert.throws(() => formatDuration(v), InvalidInputError);
    for (const s of ['', '5', '5x', 's5', '1s1m', '5 minutes'])
      assert.throws(() => parseDuration(s), InvalidInputError, s);
  });
});
