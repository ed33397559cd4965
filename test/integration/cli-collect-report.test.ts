/**
 * The real CLI: `collect` on a fake proc root with an unreadable file keeps serving the other collectors and
 * says what failed; `report` writes a report of stored data and refuses empty or reversed ranges with exit 2.
 */
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { openSqliteStore } from '../../src/store/sqlite.ts';
import { pollUntil } from '../helpers/server-process.ts';
import { fillHistory } from '../helpers/sim-history.ts';

const dir = mkdtempSync(join(tmpdir(), 'dwcp-cli-ops-'));
after(() => rmSync(dir, { recursive: true, force: true }));

function cli(...args: string[]) {
  const r = spawnSync(process.execPath, ['--import', 'tsx', 'src/cli/index.ts', ...args], {
    encoding: 'utf8',
    timeout: 120_000,
  });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('dwcp-monitor collect', () => {
  it('keeps running with an unreadable /proc file, reports it once and serves the rest', async () => {
    const proc = join(dir, 'proc');
    mkdirSync(join(proc, 'net'), { recursive: true });
    writeFileSync(join(proc, 'stat'), 'cpu0 1 2 3 4 5 6 7 8 9 10\nbtime 1700000000\nctxt 5\n');
    writeFileSync(join(proc, 'loadavg'), '0.1 0.2 0.3 1/2 3\n');
    writeFileSync(join(proc, 'net', 'dev'), 'h|\nh|\n eth0: 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16\n');
    const child = spawn(
      process.execPath,
      [
        '--import',
        'tsx',
        'src/cli/index.ts',
        'collect',
        '--port',
        '0',
        '--proc-root',
        proc,
        '--interval',
        '200ms',
        '--collectors',
        'cpu,stat,loadavg,meminfo,netdev',
      ],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
    try {
      const url = await pollUntil(
        'collect prints its URL',
        async () => /serving (http:\/\/\S+\/metrics)/.exec(out)?.[1],
        60_000,
      );
      const text = await pollUntil('two cycles', async () => {
        const t = await (await fetch(url)).text();
        return /dwcp_collector_cycle_duration_seconds_count [2-9]/.test(t) ? t : undefined;
      });
      assert.match(text, /node_scrape_collector_success\{collector="meminfo"\} 0/);
      assert.match(text, /node_scrape_collector_success\{collector="netdev"\} 1/);
      assert.match(text, /node_network_receive_bytes_total\{device="eth0"\} 1/);
      assert.match(text, /node_load1 0\.1/);
      assert.equal(err.match(/collector meminfo failed: cannot read .*meminfo: ENOENT/g)?.length, 1, err);
    } finally {
      child.kill('SIGTERM');
    }
    assert.equal(await exited, 0);
  });

  it('refuses bad flags with exit code 2', () => {
    const r = cli('collect', '--interval', '10ms');
    assert.equal(r.status, 2);
    assert.match(r.stderr, /--interval must be 100ms\.\.1h/);
    const p = cli('collect', '--push-url', 'ftp://x', '--port', '0');
    assert.equal(p.status, 2);
    assert.match(p.stderr, /--push-url must be an http\(s\) URL/);
  });
});

describe('dwcp-monitor report', () => {
  it('writes a Markdown report of stored data and refuses empty or reversed ranges', async () => {
    const db = join(dir, 'm.db');
    const store = await openSqliteStore({ path: db, retentionMs: 7 * 86_400_000 });
    const now = Date.now();
    await fillHistory(store, {
      nodes: 1,
      regions: ['us-east'],
      fromMs: now - 40 * 60_000,
      toMs: now - 60_000,
      stepMs: 60_000,
    });
    await store.close();
    const cfg = join(dir, 'monitor.yaml');
    writeFileSync(cfg, `storage:\n  type: sqlite\n  path: ${db}\n  layout: rows\n`);
    const out = join(dir, 'r.md');
    const ok = cli(
      'report',
      '--config',
      cfg,
      '--from',
      'now-30m',
      '--to',
      'now',
      '--format',
      'md',
      '--out',
      out,
    );
    assert.equal(ok.status, 0, ok.stderr);
    const md = readFileSync(out, 'utf8');
    assert.match(md, /^# DWCP report$/m);
    assert.match(md, /## Top changes/);
    const reversed = cli('report', '--config', cfg, '--from', 'now', '--to', 'now-1h');
    assert.equal(reversed.status, 2);
    assert.match(reversed.stderr, /^error: report range is reversed/);
    const empty = cli('report', '--config', cfg, '--from', '1700000000', '--to', '1700000000');
    assert.equal(empty.status, 2);
    assert.match(empty.stderr, /^error: report range is empty/);
    const bad = cli('report', '--config', cfg, '--from', 'yesterday');
    assert.equal(bad.status, 2);
    assert.match(bad.stderr, /--from must be now, now-<duration>/);
    const missing = join(dir, 'missing.yaml');
    writeFileSync(missing, `storage:\n  type: sqlite\n  path: ${join(dir, 'nothing-here.db')}\n`);
    const nodb = cli('report', '--config', missing, '--from', 'now-1h');
    assert.equal(nodb.status, 2);
    assert.match(nodb.stderr, /no monitor database/);
  });
});
