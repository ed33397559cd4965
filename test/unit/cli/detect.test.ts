import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, afterEach, describe, it } from 'node:test';
import { CommanderError } from 'commander';
import { detectCommand } from '../../../src/cli/commands/detect.ts';
import type { OfflineAnomaly as DetectedRow } from '../../../src/monitor/offline-detection.ts';
import { formatDuration, parseDuration } from '../../../src/model/duration.ts';
import { DEFAULT_DETECTION_SETTINGS } from '../../../src/model/detection-settings.ts';
import { detectionEngineOptions } from '../../../src/monitor/detection-config.ts';
import { DetectionEngine } from '../../../src/monitor/detection-engine.ts';
import { InvalidInputError } from '../../../src/errors.ts';

const FIXTURES = join(import.meta.dirname, '..', '..', 'fixtures');
/** 10-s samples around 100; one-sample spike (160) and drop (40), 500 s apart. */
const SPIKE = join(FIXTURES, 'series-spike.csv');
/** The same series with the spike and the drop lasting three samples each (00:20:00–00:20:20, 00:28:20–00:28:40). */
const SPIKE_RUN = join(FIXTURES, 'series-spike-run.csv');
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
  it('--detector statistical finds the injected spike and drop in JSON (bandwidth: both directions), each with its resolution', async () => {
    const r = await runCli(['--input', SPIKE_RUN, '--kind', 'bandwidth', '--detector', 'statistical']);
    assert.equal(r.code, undefined, r.err);
    const rows = JSON.parse(r.out) as DetectedRow[];
    // Started on the first anomalous sample, opened on the second (the monitor's confirmation: 2 in a row).
    assert.deepEqual(
      rows.map((x) => [x.timestamp, x.detectedAt, x.value]),
      [
        ['2024-01-01T00:20:00.000Z', '2024-01-01T00:20:10.000Z', 158],
        ['2024-01-01T00:28:20.000Z', '2024-01-01T00:28:30.000Z', 42],
      ],
    );
    const s = rows[0]!;
    assert.ok(s.expected > 98 && s.expected < 102);
    assert.ok(s.lower < s.expected && s.upper > s.expected);
    assert.ok(s.deviation > 10);
    assert.equal(s.confidence, 1);
    // The monitor's severity from impact (anomaly-impact.ts), not the detector's own.
    assert.equal(s.severity, 'high');
    assert.ok(rows[1]!.deviation < -10);
    // Back inside the band on the third sample after each run, as the monitor resolves.
    assert.deepEqual(
      rows.map((x) => [x.resolvedAt, x.resolution]),
      [
        ['2024-01-01T00:20:50.000Z', 'back inside the band for 3 samples'],
        ['2024-01-01T00:29:10.000Z', 'back inside the band for 3 samples'],
      ],
    );
  });

  it('a one-sample spike opens nothing, as in the monitor (two anomalous samples in a row confirm)', async () => {
    for (const det of ['statistical', 'ensemble']) {
      const r = await runCli(['--input', SPIKE, '--kind', 'latency', '--detector', det]);
      assert.equal(r.code, undefined, r.err);
      assert.deepEqual(JSON.parse(r.out), [], det);
    }
  });

  it('--detector ensemble, ensemble-live and full find the spike, name the members that voted, and honour the cooldown', async () => {
    for (const det of ['ensemble', 'ensemble-live', 'full']) {
      const r = await runCli(['--input', SPIKE_RUN, '--kind', 'latency', '--detector', det]);
      assert.equal(r.code, undefined, r.err);
      const rows = JSON.parse(r.out) as DetectedRow[];
      // The full ensemble (CAD OSE learns its range over 750 samples) is not expected to judge 200 samples well.
      if (det !== 'full')
        assert.ok(
          rows.some((x) => x.timestamp === '2024-01-01T00:20:00.000Z' && x.value === 158),
          `${det}: ${r.out}`,
        );
      assert.ok(!rows.some((x) => x.value < 50), `${det}: a latency drop is not bad`);
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
      (await runCli(['--input', SPIKE_RUN, '--kind', 'latency', '--detector', 'statistical'])).out,
    ) as DetectedRow[];
    assert.deepEqual(
      lat.map((x) => x.value),
      [158],
    );
    // Spike and drop are 500 s apart: a 10 min cooldown keeps only the first.
    const cool = JSON.parse(
      (
        await runCli([
          '--input',
          SPIKE_RUN,
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
      SPIKE_RUN,
      '--kind',
      'bandwidth',
      '--detector',
      'statistical',
      '--format',
      'csv',
    ]);
    const lines = r.out.trimEnd().split('\n');
    assert.equal(
      lines[0],
      'timestamp,detected_at,value,expected,lower,upper,deviation,confidence,severity,detectors,resolved_at,resolution',
    );
    assert.equal(lines.length, 3);
    assert.match(
      lines[1]!,
      /^2024-01-01T00:20:00\.000Z,2024-01-01T00:20:10\.000Z,158,[\d.]+,[\d.]+,[\d.]+,[\d.]+,1,high,statistical,2024-01-01T00:20:50\.000Z,back inside the band for 3 samples$/,
    );
    const outFile = join(dir, 'out.csv');
    const w = await runCli([
      '--input',
      SPIKE_RUN,
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
    assert.match(help, /default:\s+"ensemble"\)/);
    assert.ok(help.includes('--outside-catalog'));
    // The engine's rules behind the defaults, with units.
    assert.match(help, /opens after 2 anomalous samples in a row/);
    assert.match(help, /3 samples in a row lie inside the band/);
    assert.match(help, /normal for 30m of sample time\s+and at least 120 samples/);
    assert.match(help, /20 samples = 100 min/);
    assert.match(help, /compression \(down, 2\.5 sigma\)/);
  });
});

/** A noisy daily sine at 5-minute samples (3 days), then 20 excursions of +30 lasting 3 samples, one an hour. */
function flappingCsv(): { csv: string; points: { timestampMs: number; value: number }[] } {
  let s = 777;
  const noise = (): number => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 4294967296 - 0.5;
  };
  const start = Date.UTC(2024, 0, 1);
  const clean = 3 * 288;
  const points = Array.from({ length: clean + 240 }, (_, i) => {
    const k = i - clean;
    const up = k >= 0 && k % 12 < 3;
    const v = 100 + 10 * Math.sin((2 * Math.PI * i) / 288) + 2 * noise() + (up ? 30 : 0);
    return { timestampMs: start + i * 300_000, value: Number(v.toFixed(3)) };
  });
  const csv = 'timestamp,value\n' + points.map((p) => `${p.timestampMs},${p.value}\n`).join('');
  return { csv, points };
}

/**
 * Reference: the starts of the anomalies the monitor's engine (built from the default settings as `serve` builds
 * it) opens on `points`, fed as one series, as a catalog series or one outside the catalog.
 */
function engineStarts(
  points: readonly { timestampMs: number; value: number }[],
  inferred: boolean,
): string[] {
  const e = new DetectionEngine({
    ...detectionEngineOptions(DEFAULT_DETECTION_SETTINGS),
    maxSeries: 1,
    analyse: () => true,
  });
  const starts: string[] = [];
  for (const p of points) {
    const input = {
      key: 'k',
      metric: 'm',
      labels: {},
      value: p.value,
      timestampMs: p.timestampMs,
      kind: 'generic' as const,
      transform: 'value' as const,
      def: undefined,
      ...(inferred ? { inferred: 'test' } : {}),
    };
    for (const o of e.process([input], p.timestampMs).opened)
      starts.push(new Date(o.anomaly.startedAtMs).toISOString());
  }
  return starts;
}

describe('detect judges a series as the monitor does', () => {
  it('a slowly sampled (5-min) flapping series gives the same anomalies as the engine: the cooldown lasts 20 samples', async () => {
    const { csv, points } = flappingCsv();
    const file = join(dir, 'flapping.csv');
    writeFileSync(file, csv);
    const rows = JSON.parse((await runCli(['--input', file])).out) as DetectedRow[];
    const expected = engineStarts(points, false);
    assert.deepEqual(
      rows.map((x) => x.timestamp),
      expected,
    );
    // Not vacuous: the engine opens on some excursions, but fewer than one per excursion (20, an hour apart).
    assert.ok(expected.length >= 5 && expected.length <= 12, `${expected.length} anomalies`);
    for (const x of rows) {
      assert.ok(x.resolvedAt !== null && Date.parse(x.resolvedAt) > Date.parse(x.detectedAt));
      assert.match(x.resolution ?? '', /^back inside the band for \d+ samples?$/);
    }
  });

  it('--outside-catalog: the same anomalies as the engine gives a series outside the catalog (episodes, warm-up)', async () => {
    const { csv, points } = flappingCsv();
    const file = join(dir, 'flapping-outside.csv');
    writeFileSync(file, csv);
    const rows = JSON.parse((await runCli(['--input', file, '--outside-catalog'])).out) as DetectedRow[];
    assert.deepEqual(
      rows.map((x) => x.timestamp),
      engineStarts(points, true),
    );
    for (const x of rows)
      if (x.resolvedAt !== null) assert.match(x.resolution ?? '', /^condition cleared for \d+ samples?$/);
  });

  it('an anomaly still open at the end of the series has no resolution', async () => {
    const lines = ['timestamp,value'];
    for (let i = 0; i < 300; i++) lines.push(`${1_700_000_000 + i * 10},${100 + (i % 3)}`);
    for (let i = 300; i < 310; i++) lines.push(`${1_700_000_000 + i * 10},500`);
    const file = join(dir, 'open-at-end.csv');
    writeFileSync(file, lines.join('\n') + '\n');
    const rows = JSON.parse(
      (await runCli(['--input', file, '--detector', 'statistical', '--kind', 'latency'])).out,
    ) as DetectedRow[];
    assert.equal(rows.length, 1);
    assert.equal(rows[0]!.resolvedAt, null);
    assert.equal(rows[0]!.resolution, null);
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
