/**
 * `dwcp-monitor report` reads the rows layout; on a chunks-layout store (the SQLite default) it refuses with a
 * pointer to `--url` (ask the running monitor) instead of writing a report whose every section says "unavailable".
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';

const dir = mkdtempSync(join(tmpdir(), 'dwcp-report-layout-'));
after(() => rmSync(dir, { recursive: true, force: true }));

function report(layout: 'rows' | 'chunks') {
  const db = join(dir, `${layout}.db`);
  writeFileSync(db, '');
  const config = join(dir, `${layout}.yaml`);
  writeFileSync(config, `storage: { type: sqlite, path: ${db}, layout: ${layout} }\n`);
  return spawnSync(
    process.execPath,
    [
      '--import',
      'tsx',
      'src/cli/index.ts',
      'report',
      '--from',
      'now-1h',
      '--format',
      'md',
      '--config',
      config,
    ],
    { encoding: 'utf8', timeout: 60_000 },
  );
}

describe('report and the storage layout', () => {
  it('refuses the chunks layout with exit code 2 and says how to get the report', () => {
    const r = report('chunks');
    assert.equal(r.status, 2, r.stderr);
    assert.equal(r.stdout, '');
    assert.match(
      r.stderr,
      /^error: report reads storage\.layout rows only, and .*chunks\.db uses the chunks layout/,
    );
    assert.match(r.stderr, /ask the running monitor instead with --url/);
  });

  it('writes the report of a rows-layout store', () => {
    const r = report('rows');
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /^# DWCP report\n/);
  });
});
