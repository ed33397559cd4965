import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../../../src/server/app.ts';
import { testDeps } from '../../helpers/server-fakes.ts';

const apps: FastifyInstance[] = [];
after(async () => Promise.all(apps.map((a) => a.close())));

test('API 5xx answers are counted per route and logged as rate-limited warnings without URL credentials', async () => {
  let nowMs = 1_000_000;
  const lines: { fields: Record<string, unknown>; message: string }[] = [];
  const deps = {
    ...testDeps(),
    health: () => {
      throw new Error('disk gone while reading http://ops:pw-1@store.internal/db');
    },
  };
  const app = await buildApp(deps, {
    checkResponses: true,
    now: () => nowMs,
    warnLog: {
      warn: (fields, message) => lines.push({ fields: fields as Record<string, unknown>, message }),
    },
  });
  apps.push(app);
  for (let i = 0; i < 3; i++) {
    const res = await app.inject({ url: '/health' });
    assert.equal(res.statusCode, 500);
    assert.equal(res.json().errorType, 'DWCP_INTERNAL');
    assert.ok(!res.body.includes('disk gone'), 'the internal message is not sent');
  }
  assert.equal(lines.length, 1, 'one warning per route per interval');
  assert.equal(lines[0]?.message, 'API request failed with a server error');
  assert.equal(lines[0]?.fields['route'], '/health');
  assert.ok(!JSON.stringify(lines[0]).includes('pw-1'), JSON.stringify(lines[0]));
  nowMs += 60_000;
  await app.inject({ url: '/health' });
  assert.equal(lines.length, 2);
  assert.equal(lines[1]?.fields['heldBackSinceLastWarning'], 2);
  const metric = await deps.registry.getSingleMetric('dwcp_monitor_http_server_errors_total')?.get();
  assert.deepEqual(
    metric?.values.map((v) => [v.labels['route'], v.value]),
    [['/health', 4]],
  );
});
