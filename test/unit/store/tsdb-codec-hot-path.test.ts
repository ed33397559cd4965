/**
 * The timestamp encoder's hot path holds no number-to-string conversion once TurboFan inlines it into a loop
 * over a Float64Array (as encodeChunk, encodeRollup and the head's merge do). With a throw per check, each
 * message formatting `t`, V8 merged the two conversions and scheduled the one left before both checks: every
 * append formatted its timestamp as a string, 3-5x its CPU, in the processes that inlined the encoder. This
 * reads TurboFan's final schedule of such a loop (tsdb-codec-hot-path-probe.ts, forced optimization, no timing).
 * A copy of the old shape is the control: when this V8 no longer hoists its conversion, the check says nothing
 * and the test is skipped with that reason.
 */
import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { test } from 'node:test';

const PROBE = fileURLToPath(new URL('./tsdb-codec-hot-path-probe.ts', import.meta.url));

/** Blocks of the last schedule in a --trace-turbo file that call the NumberToString builtin and are not deferred. */
function hotNumberToString(file: string): string[] {
  // V8 writes some source text with escapes JSON does not know (e.g. `\x`); keep them as text.
  const text = readFileSync(file, 'utf8').replace(/\\(?![\\"/bfnrtu])/g, '\\\\');
  const phases = (JSON.parse(text) as { phases: { type: string; data: unknown }[] }).phases;
  const schedules = phases.filter((p) => p.type === 'schedule');
  assert.ok(schedules.length > 0, `${file} has no schedule`);
  const hot: string[] = [];
  let block = '';
  let deferred = false;
  for (const line of String(schedules[schedules.length - 1]!.data).split('\n')) {
    const b = /^--- BLOCK (B\d+)/.exec(line);
    if (b !== null) {
      block = b[1]!;
      deferred = line.includes('(deferred)');
    } else if (!deferred && /Call\[Code:NumberToString/.test(line)) hot.push(block);
  }
  return hot;
}

test('an inlined timestamp encoder converts no number to a string outside its throw', (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'dwcp-hot-path-'));
  try {
    const r = spawnSync(
      process.execPath,
      [
        '--import',
        import.meta.resolve('tsx'),
        '--allow-natives-syntax',
        '--trace-turbo',
        '--trace-turbo-filter=loop*',
        `--trace-turbo-path=${dir}`,
        PROBE,
      ],
      // cwd: V8 writes its control-flow graph files (turbo-*.cfg) into the working directory.
      { encoding: 'utf8', timeout: 120_000, cwd: dir },
    );
    assert.equal(r.status, 0, r.stderr);
    const status = JSON.parse(r.stdout.trim().split('\n').pop()!) as Record<string, number>;
    for (const [name, s] of Object.entries(status))
      assert.equal(s & 16, 16, `${name} was not optimized (${s})`);
    const files = readdirSync(dir);
    const of = (name: string) => {
      const f = files.filter((x) => x.startsWith(`turbo-${name}-`) && x.endsWith('.json'));
      assert.equal(f.length, 1, `one TurboFan trace of ${name}: ${files.join(', ')}`);
      return hotNumberToString(join(dir, f[0]!));
    };
    if (of('loopControl').length === 0) {
      t.skip('this V8 does not hoist the control loop’s number-to-string conversion: nothing to check');
      return;
    }
    assert.deepEqual(of('loopEncoder'), [], 'NumberToString called outside deferred blocks');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
