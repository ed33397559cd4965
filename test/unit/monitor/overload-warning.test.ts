/** The rate-limited overload warning (src/monitor/overload-warning.ts). */
import assert from 'node:assert/strict';
import { it } from 'node:test';
import type { MonitorLog } from '../../../src/monitor/log.ts';
import { overloadWarner } from '../../../src/monitor/overload-warning.ts';

it('warns at the first skipped scrape, then at most once per interval with what was skipped since', () => {
  const lines: unknown[] = [];
  const log: MonitorLog = {
    debug: () => undefined,
    info: () => undefined,
    error: () => undefined,
    warn: (f, m) => void lines.push([f, m.slice(0, 18)]),
  };
  let now = 0;
  const warn = overloadWarner(log, () => now, 60_000);
  warn({ id: 'a' }, 300);
  for (let i = 0; i < 30; i++) {
    now += 1000;
    warn({ id: `t${i}` }, 100 + i);
  }
  assert.equal(lines.length, 1);
  now = 60_000;
  warn({ id: 'b' }, 50);
  assert.deepEqual(lines, [
    [{ skipped: 1, targets: ['a'], worstLateMs: 300 }, 'monitor overloaded'],
    [
      {
        skipped: 31,
        targets: ['t0', 't1', 't2', 't3', 't4', 't5', 't6', 't7', 't8', 't9'],
        worstLateMs: 129,
      },
      'monitor overloaded',
    ],
  ]);
});
