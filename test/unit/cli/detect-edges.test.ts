import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';

const dir = mkdtempSync(join(tmpdir(), 'dwcp-detect-edges-'));
after(() => rmSync(dir, { recursive: true, force: true }));

/** Runs the real CLI entry point (bounded by a timeout) and returns its exit code and output. */
function cli(...args: string[]): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, ['--import', 'tsx', 'src/cli/index.ts', ...args], {
    encoding: 'utf8',
    timeout: 60_000,
  });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** One `error: ...` line and nothing that looks like a stack trace. */
function assertOneLineError(stderr: string, message: string): void {
  assert.deepEqual(stderr.trimEnd().split('\n'), [`error: ${message}`], stderr);
  assert.doesNotMatch(stderr, /^\s+at /m);
}

describe('detect: empty and hostile input, closed pipes', () => {
  it('an empty CSV (or a header alone) is an error with exit code 2, not an empty result', () => {
    for (const [name, text] of [
      ['empty.csv', ''],
      ['header.csv', 'timestamp,value\n'],
    ] as const) {
      const p = join(dir, name);
      writeFileSync(p, text);
      const r = cli('detect', '--input', p);
      assertOneLineError(r.stderr, `${p} has no data rows (expected "timestamp,value" lines)`);
      assert.equal(r.status, 2);
      assert.equal(r.stdout, '');
    }
  });

  it('an oversize line is never echoed: the error quotes 64 characters and gives the length', () => {
    const p = join(dir, 'long.csv');
    const long = 'x'.repeat(5 * 1024 * 1024);
    writeFileSync(p, `timestamp,value\n2024-01-01T00:00:00Z,${long}\n`);
    const r = cli('detect', '--input', p);
    assertOneLineError(
      r.stderr,
      `line 2: value "${'x'.repeat(64)}…" (${long.length} characters) is not a number`,
    );
    assert.ok(r.stderr.length < 300);
    assert.equal(r.status, 2);
  });

  it('piped into a reader that stops early (head), exits quietly with status 0', () => {
    const p = join(dir, 'spiky.csv');
    // A two-sample spike every 50 samples over 20,000 samples (the monitor's engine opens on two anomalous samples
    // in a row, its cooldown lasts 20 samples): ~400 anomalies, > 64 KiB of JSON (more than a pipe holds).
    const rows = Array.from(
      { length: 20_000 },
      (_, i) => `${1_700_000_000 + i},${i % 50 >= 48 ? 1000 : (i * 7919) % 13}`,
    );
    writeFileSync(p, `timestamp,value\n${rows.join('\n')}\n`);
    const cmd = `set -o pipefail; "${process.execPath}" --import tsx src/cli/index.ts detect --input "${p}" --detector statistical --cooldown 0s --min-confidence 0 | head -n 2`;
    const r = spawnSync('bash', ['-c', cmd], { encoding: 'utf8', timeout: 60_000 });
    assert.equal(r.stdout, '[\n  {\n');
    assert.equal(r.stderr, '');
    assert.equal(r.status, 0);
  });
});
