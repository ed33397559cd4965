/**
 * Golden files of `dwcp-monitor generate` with the default options: the expected output tree lives in
 * `test/golden/generate/expected/`. The test regenerates into a temp dir (through `writeTree`, as the CLI does)
 * and compares file by file, so every change to the generated output shows up in review.
 * Rewrite the expected tree with `UPDATE_GOLDEN=1 npx tsx --test test/golden/generate/generate.test.ts`.
 */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative, sep } from 'node:path';
import { after, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { generateAll, writeTree } from '../../../src/generate/index.ts';

const EXPECTED = join(dirname(fileURLToPath(import.meta.url)), 'expected');
const tmp = mkdtempSync(join(tmpdir(), 'dwcp-generate-golden-'));
after(() => rmSync(tmp, { recursive: true, force: true }));

function listFiles(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const name of readdirSync(d).sort()) {
      const p = join(d, name);
      if (statSync(p).isDirectory()) walk(p);
      else out.push(relative(dir, p).split(sep).join('/'));
    }
  };
  walk(dir);
  return out;
}

describe('generate golden files', () => {
  writeTree(tmp, generateAll());
  const actual = listFiles(tmp);

  if (process.env.UPDATE_GOLDEN === '1') {
    rmSync(EXPECTED, { recursive: true, force: true });
    for (const rel of actual) {
      const target = join(EXPECTED, ...rel.split('/'));
      mkdirSync(dirname(target), { recursive: true });
      writeFileSync(target, readFileSync(join(tmp, ...rel.split('/'))));
    }
  }

  it('writes the same set of files as the expected tree', () => {
    assert.deepEqual(actual, listFiles(EXPECTED));
  });

  it('writes 16 dashboards, 6 rule files, the Alertmanager config and runbooks', () => {
    assert.equal(actual.filter((f) => f.startsWith('grafana/dashboards/')).length, 16);
    assert.equal(actual.filter((f) => f.startsWith('prometheus/rules/')).length, 6);
    assert.ok(actual.includes('alertmanager/alertmanager.yml'));
    assert.ok(actual.filter((f) => f.startsWith('runbooks/')).length > 40);
  });

  for (const rel of actual) {
    it(`${rel} matches the golden file`, () => {
      const got = readFileSync(join(tmp, ...rel.split('/')), 'utf8');
      let want: string;
      try {
        want = readFileSync(join(EXPECTED, ...rel.split('/')), 'utf8');
      } catch {
        assert.fail(`${rel} has no golden file; run with UPDATE_GOLDEN=1 and review the diff`);
      }
      assert.equal(
        got,
        want,
        `${rel} differs from its golden file; run with UPDATE_GOLDEN=1 and review the diff`,
      );
    });
  }
});
