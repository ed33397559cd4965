import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import {
  checkOutputDir,
  checkOutputFile,
  parseHttpUrl,
  parseInteger,
  parseList,
  parseNumber,
  parsePort,
} from '../../../src/cli/flags.ts';
import { InvalidInputError } from '../../../src/errors.ts';

const dir = mkdtempSync(join(tmpdir(), 'dwcp-flags-'));
const file = join(dir, 'a-file');
writeFileSync(file, 'x');
mkdirSync(join(dir, 'sub'));
after(() => rmSync(dir, { recursive: true, force: true }));

const rejects = (f: () => unknown, message: string) =>
  assert.throws(f, (e: unknown) => e instanceof InvalidInputError && e.message === message);

describe('numeric flags', () => {
  it('parse whole numbers and ports, naming flag, range and value when wrong', () => {
    assert.equal(parsePort('--port', '0'), 0);
    assert.equal(parsePort('--port', ' 9500 '), 9500);
    rejects(() => parsePort('--port', 'abc'), "--port must be an integer 0-65535, got 'abc'");
    rejects(() => parsePort('--port', '65536'), "--port must be an integer 0-65535, got '65536'");
    rejects(() => parsePort('--port', '80.5'), "--port must be an integer 0-65535, got '80.5'");
    rejects(() => parsePort('--port', ''), "--port must be an integer 0-65535, got ''");
    assert.equal(parseInteger('--nodes', '-0', -1, 1), 0);
    rejects(() => parseInteger('--nodes', '1e2', 1, 200), "--nodes must be an integer 1-200, got '1e2'");
  });

  it('parse finite numbers in a range', () => {
    assert.equal(parseNumber('--rollout-percent', '12.5', 0, 100), 12.5);
    rejects(
      () => parseNumber('--rollout-percent', 'NaN', 0, 100),
      "--rollout-percent must be a number 0-100, got 'NaN'",
    );
    rejects(
      () => parseNumber('--rollout-percent', ' ', 0, 100),
      "--rollout-percent must be a number 0-100, got ' '",
    );
  });
});

describe('list and URL flags', () => {
  it('split lists and refuse empty ones', () => {
    assert.deepEqual(parseList('--regions', ' a, ,b ', 'x,y'), ['a', 'b']);
    rejects(
      () => parseList('--regions', ' , ', 'us-east,eu-west'),
      '--regions must list at least one value, e.g. us-east,eu-west',
    );
  });

  it('accept http(s) URLs only', () => {
    assert.equal(parseHttpUrl('--target', 'http://127.0.0.1:9100/metrics'), 'http://127.0.0.1:9100/metrics');
    assert.throws(() => parseHttpUrl('--target', 'notaurl'), /--target must be an http\(s\) URL/);
    assert.throws(() => parseHttpUrl('--target', 'ftp://x/'), /--target must be an http\(s\) URL/);
  });
});

describe('output paths', () => {
  it('a directory to create must not be, or be under, a regular file', () => {
    assert.equal(checkOutputDir('--out', join(dir, 'sub')), join(dir, 'sub'));
    assert.equal(checkOutputDir('--out', join(dir, 'new', 'deeper')), join(dir, 'new', 'deeper'));
    rejects(() => checkOutputDir('--out', file), `--out '${file}' is a file, not a directory`);
    rejects(
      () => checkOutputDir('--out', join(file, 'out', 'x')),
      `--out '${join(file, 'out', 'x')}' cannot be created: '${file}' is a file, not a directory`,
    );
    rejects(() => checkOutputDir('--out', ' '), '--out must name a directory');
  });

  it('a file to write needs an existing directory and must not be a directory', () => {
    assert.equal(checkOutputFile('--report', join(dir, 'r.json')), join(dir, 'r.json'));
    rejects(
      () => checkOutputFile('--report', join(dir, 'sub')),
      `--report '${join(dir, 'sub')}' is a directory, not a file`,
    );
    rejects(
      () => checkOutputFile('--report', join(dir, 'missing', 'r.json')),
      `--report '${join(dir, 'missing', 'r.json')}': directory '${join(dir, 'missing')}' does not exist`,
    );
    rejects(
      () => checkOutputFile('--report', join(file, 'r.json')),
      `--report '${join(file, 'r.json')}': '${file}' is a file, not a directory`,
    );
  });
});
