/** PeriodicTask (src/monitor/periodic.ts) on fake interval timers. */
import assert from 'node:assert/strict';
import { it } from 'node:test';
import { PeriodicTask, type IntervalTimers } from '../../../src/monitor/periodic.ts';

/** Fake timers: `fire()` runs the registered callback as one interval tick. */
function fakeTimers(): IntervalTimers & { fire(): void; active: number } {
  const callbacks = new Map<number, () => void>();
  let next = 1;
  return {
    setInterval(fn) {
      callbacks.set(next, fn);
      return next++;
    },
    clearInterval(h) {
      callbacks.delete(h as number);
    },
    fire() {
      for (const fn of callbacks.values()) fn();
    },
    get active() {
      return callbacks.size;
    },
  };
}

function deferred() {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}

it('runs on every tick, skips a tick while the previous run is in flight, and stop waits for it', async () => {
  const timers = fakeTimers();
  const gates: ReturnType<typeof deferred>[] = [];
  let finished = 0;
  const task = new PeriodicTask({
    intervalMs: 1000,
    timers,
    run: async () => {
      const g = deferred();
      gates.push(g);
      await g.promise;
      finished++;
    },
    onError: () => assert.fail('no error expected'),
  });
  timers.fire();
  assert.equal(gates.length, 0, 'not started: ticks do nothing');
  task.start();
  task.start();
  assert.equal(timers.active, 1, 'start is idempotent');
  timers.fire();
  timers.fire();
  assert.equal(gates.length, 1, 'the second tick found the first run in flight');
  assert.equal(task.running, true);
  const stopped = task.stop();
  gates[0]!.resolve();
  await stopped;
  assert.equal(finished, 1, 'stop resolved after the run in flight finished');
  assert.equal(timers.active, 0);
  timers.fire();
  assert.equal(gates.length, 1, 'no run after stop');
});

it('reports a throwing or rejecting run to onError and keeps its schedule', async () => {
  const timers = fakeTimers();
  const errors: string[] = [];
  let n = 0;
  const task = new PeriodicTask({
    intervalMs: 5,
    timers,
    run: () => {
      n++;
      if (n === 1) throw new Error('sync boom');
      return Promise.reject(new Error('async boom'));
    },
    onError: (e) => void errors.push((e as Error).message),
  });
  task.start();
  timers.fire();
  await task.runNow();
  timers.fire();
  await task.stop();
  assert.deepEqual(errors, ['sync boom', 'async boom']);
  assert.equal(n, 2);
});

it('refuses an interval that is not a positive number', () => {
  for (const intervalMs of [0, -1, Number.NaN, Number.POSITIVE_INFINITY]) {
    assert.throws(
      () => new PeriodicTask({ intervalMs, run: () => undefined, onError: () => undefined }),
      RangeError,
    );
  }
});
