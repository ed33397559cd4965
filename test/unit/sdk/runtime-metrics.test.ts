import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Registry } from 'prom-client';
import { InvalidInputError, LimitExceededError } from '../../../src/errors.ts';
import { MAX_RUNTIME_REGISTRIES, RuntimeMetrics } from '../../../src/sdk/runtime-metrics.ts';

const block = (ms: number) => {
  const end = Date.now() + ms;
  while (Date.now() < end);
};

describe('runtime metrics (event-loop delay, GC pauses)', () => {
  it('reports the last window of event-loop delay in every attached registry', async () => {
    const rm = new RuntimeMetrics({ windowMs: 60_000, resolutionMs: 5 });
    const a = new Registry();
    const b = new Registry();
    rm.attach(a);
    rm.attach(b);
    assert.equal(rm.snapshot().eventLoopDelayP99Seconds, null, 'nothing before the first window');
    rm.start();
    try {
      // Block the loop for 120 ms a few times between timer turns, so the delay histogram sees it.
      for (let i = 0; i < 3; i++) {
        await new Promise((r) => setTimeout(r, 20));
        block(120);
      }
      await new Promise((r) => setTimeout(r, 20));
      rm.roll();
      const s = rm.snapshot();
      assert.ok(
        s.eventLoopDelayMaxSeconds !== null && s.eventLoopDelayMaxSeconds >= 0.1,
        `max ${s.eventLoopDelayMaxSeconds}`,
      );
      assert.ok(
        s.eventLoopUtilization !== null && s.eventLoopUtilization > 0.3,
        `elu ${s.eventLoopUtilization}`,
      );
      for (const r of [a, b]) {
        const text = await r.metrics();
        const m = /^dwcp_runtime_event_loop_delay_max_seconds (\S+)$/m.exec(text);
        assert.ok(m && Number(m[1]) >= 0.1, text.slice(0, 400));
      }
    } finally {
      rm.stop();
    }
  });

  it('counts GC pauses by kind', async () => {
    const rm = new RuntimeMetrics();
    const r = new Registry();
    rm.attach(r);
    rm.start();
    try {
      let keep: unknown[] = [];
      for (let round = 0; round < 20; round++) {
        keep = [];
        for (let i = 0; i < 100_000; i++) keep.push({ i, s: `x${i}` });
        await new Promise((res) => setTimeout(res, 5));
      }
      assert.ok(keep.length > 0);
      await new Promise((res) => setTimeout(res, 50)); // observer callbacks are delivered asynchronously
      const gc = rm.snapshot().gc;
      assert.ok(gc.minor.count + gc.major.count + gc.incremental.count > 0, JSON.stringify(gc));
      assert.match(
        await r.metrics(),
        /dwcp_runtime_gc_pause_seconds_count\{kind="(minor|major|incremental)"\} [1-9]/,
      );
    } finally {
      rm.stop();
    }
  });

  it('bounds the registries it feeds and checks its options', () => {
    const rm = new RuntimeMetrics();
    for (let i = 0; i < MAX_RUNTIME_REGISTRIES; i++) rm.attach(new Registry());
    assert.throws(() => rm.attach(new Registry()), LimitExceededError);
    assert.throws(() => new RuntimeMetrics({ windowMs: 10 }), InvalidInputError);
    assert.throws(() => new RuntimeMetrics({ resolutionMs: 0 }), InvalidInputError);
  });
});
