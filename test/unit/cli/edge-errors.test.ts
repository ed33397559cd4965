import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';

const dir = mkdtempSync(join(tmpdir(), 'dwcp-cli-edges-'));
const file = join(dir, 'regular-file');
writeFileSync(file, 'x');
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
  const lines = stderr.trimEnd().split('\n');
  assert.deepEqual(lines, [`error: ${message}`], stderr);
  assert.doesNotMatch(stderr, /^\s+at /m);
}

describe('CLI edge errors', () => {
  it('generate --out under a regular file: one line, exit code 2, nothing written', () => {
    const out = join(file, 'out');
    const r = cli('generate', '--out', out);
    assertOneLineError(r.stderr, `--out '${out}' cannot be created: '${file}' is a file, not a directory`);
    assert.equal(r.status, 2);
    assert.equal(r.stdout, '');
  });

  it('serve --port abc names the flag, the range and the value (exit code 2, no server started)', () => {
    const r = cli('serve', '--port', 'abc');
    assertOneLineError(r.stderr, "--port must be an integer 0-65535, got 'abc'");
    assert.equal(r.status, 2);
    assert.doesNotMatch(r.stdout, /listening/);
  });

  it('serve --scrape-shard-index not below --scrape-shards names both flags (exit code 2, no server started)', () => {
    const r = cli('serve', '--scrape-shards', '3', '--scrape-shard-index', '3');
    assertOneLineError(
      r.stderr,
      '--scrape-shard-index 3 must be less than --scrape-shards 3 (shards are numbered 0..count-1)',
    );
    assert.equal(r.status, 2);
    assert.doesNotMatch(r.stdout, /listening/);
  });

  it('serve --config with an invalid inline SLO names the field, its line and column before anything starts', () => {
    const cfg = join(dir, 'monitor.yaml');
    writeFileSync(
      cfg,
      [
        'listen: { port: 0 }',
        'slo:',
        '  definitions:',
        '    - name: avail',
        '      objective: 2',
        '      window: 30d',
        '      sli: { type: ratio, good: { metric: dwcp_v3_migration_success_total }, bad: { metric: dwcp_v3_migration_failures_total } }',
        '',
      ].join('\n'),
    );
    const r = cli('serve', '--config', cfg);
    assertOneLineError(
      r.stderr,
      `${cfg}: slo.definitions[0].objective (line 5, column 18): must be a ratio strictly between 0 and 1 (e.g. 0.999)`,
    );
    assert.equal(r.status, 2);
    assert.doesNotMatch(r.stdout, /listening/);
  });

  it('demo --report under a regular file fails before the demo starts', () => {
    const r = cli('demo', '--report', join(file, 'r.json'), '--duration', '1s');
    assertOneLineError(r.stderr, `--report '${join(file, 'r.json')}': '${file}' is a file, not a directory`);
    assert.equal(r.status, 2);
  });
});

describe('CLI --help', () => {
  const commands = [
    [],
    ['simulate'],
    ['serve'],
    ['demo'],
    ['detect'],
    ['generate'],
    ['rollout'],
    ['rollout', 'status'],
  ];

  it('never prints the checkout path or project-history labels; demo names the built-in scenario neutrally', () => {
    for (const c of commands) {
      const r = cli(...c, '--help');
      assert.equal(r.status, 0, c.join(' '));
      assert.ok(!r.stdout.includes(process.cwd()), `${c.join(' ')} --help prints ${process.cwd()}`);
      assert.doesNotMatch(r.stdout, /issue[- ]?\d|seed 00\d|inventory \d/i, c.join(' '));
    }
    assert.match(cli('demo', '--help').stdout, /the built-in\s+scenario, scenarios\/default\.yaml/);
  });

  it('states ranges and units of the numeric flags', () => {
    const serve = cli('serve', '--help').stdout.replace(/\s+/g, ' ');
    assert.match(serve, /--port <port> listen port 0-65535/);
    assert.match(serve, /--scrape-shards <count> replicas sharing the scrape targets, 1-1000/);
    assert.match(serve, /--scrape-shard-index <index> this replica's shard, 0 to count-1/);
    const sim = cli('simulate', '--help').stdout.replace(/\s+/g, ' ');
    assert.match(sim, /--day-seconds <s> length of a simulated day in seconds/);
    assert.match(sim, /--nodes <n> number of nodes, 1-200/);
    const gen = cli('generate', '--help').stdout.replace(/\s+/g, ' ');
    assert.match(gen, /--shards <n> number of Prometheus servers sharing the targets by hashmod, 1-64/);
  });
});
