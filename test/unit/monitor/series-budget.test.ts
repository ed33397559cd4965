/** The fair-share series budget (src/monitor/series-budget.ts). */
import assert from 'node:assert/strict';
import { it } from 'node:test';
import { OVERFLOW_SOURCE, SeriesBudget } from '../../../src/monitor/series-budget.ts';

function takeN(b: SeriesBudget, source: string, n: number): number {
  let got = 0;
  for (let i = 0; i < n; i++) if (b.tryTake(source)) got++;
  return got;
}

it('a noisy source cannot take the share reserved for the others; unreserved budget can be borrowed', () => {
  const b = new SeriesBudget(100);
  for (const s of ['a', 'b', 'c', 'd']) b.register(s);
  assert.equal(b.share, 25);
  assert.equal(takeN(b, 'a', 1000), 25, 'everything else is reserved for b, c and d');
  assert.equal(takeN(b, 'b', 10), 10);
  assert.equal(takeN(b, 'c', 25), 25);
  assert.equal(takeN(b, 'd', 25), 25);
  assert.equal(takeN(b, 'a', 1000), 0, 'the 15 series left are the reserve of b, which holds 10 of its 25');
  assert.equal(takeN(b, 'b', 1000), 15);
});

it('borrowing stops at the reserve and the total limit holds', () => {
  const b = new SeriesBudget(100);
  b.register('a');
  b.register('b');
  b.register('c');
  b.register('d');
  takeN(b, 'b', 25);
  takeN(b, 'c', 25);
  takeN(b, 'd', 25);
  assert.equal(takeN(b, 'a', 1000), 25);
  assert.equal(b.size, 100);
  assert.equal(takeN(b, 'b', 5), 0, 'full');
  assert.deepEqual(b.of('a'), { held: 25, share: 25, total: 100 });
});

it('a source under its share may always take; released series come back to the reserve', () => {
  const b = new SeriesBudget(10);
  b.register('noisy');
  b.register('quiet');
  b.register('idle');
  assert.equal(b.share, 3);
  assert.equal(takeN(b, 'noisy', 50), 4, 'its share of 3 plus the unreserved remainder of 1');
  assert.equal(takeN(b, 'quiet', 3), 3);
  assert.equal(takeN(b, 'quiet', 1), 0, 'the idle source still has 3 reserved');
  assert.equal(takeN(b, 'idle', 5), 3);
  b.release('noisy');
  b.release('noisy');
  assert.equal(b.of('noisy').held, 2);
  assert.equal(
    takeN(b, 'quiet', 5),
    1,
    'of the 2 released series, 1 is reserved for noisy (now under its share), 1 is free',
  );
  assert.equal(takeN(b, 'noisy', 5), 1, 'its reserved series');
  assert.equal(b.size, 10);
});

it('sources beyond maxSources share one bucket, so the map stays bounded', () => {
  const b = new SeriesBudget(1000, 3);
  for (let i = 0; i < 50; i++) b.register(`t${i}`);
  assert.equal(b.share, Math.floor(1000 / 3));
  b.tryTake('t49');
  assert.equal(b.of('t49').held, 1);
  assert.equal(b.of(OVERFLOW_SOURCE).held, 1, 't49 holds through the shared bucket');
  assert.throws(() => new SeriesBudget(0), RangeError);
});
