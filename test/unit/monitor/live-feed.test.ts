import assert from 'node:assert/strict';
import { test } from 'node:test';
import { InvalidInputError, LimitExceededError } from '../../../src/errors.ts';
import { createLiveFeed } from '../../../src/monitor/live-feed.ts';

const T0 = Date.UTC(2024, 4, 1, 12, 0, 0);

test('createLiveFeed bounds its listeners and isolates listener errors', () => {
  assert.throws(() => createLiveFeed(0), InvalidInputError);
  const errors: unknown[] = [];
  const feed = createLiveFeed(2, (e) => errors.push(e));
  const got: string[] = [];
  const un1 = feed.subscribe(() => {
    throw new Error('boom');
  });
  feed.subscribe((e) => got.push(e.type));
  assert.throws(() => feed.subscribe(() => undefined), LimitExceededError);
  assert.equal(feed.listenerCount, 2);
  feed.publish({ type: 'anomaly_resolved', id: 1, resolvedAtMs: T0 });
  assert.deepEqual(got, ['anomaly_resolved']);
  assert.equal(errors.length, 1);
  un1();
  un1();
  assert.equal(feed.listenerCount, 1);
  feed.subscribe(() => undefined);
  assert.equal(feed.listenerCount, 2);
});
