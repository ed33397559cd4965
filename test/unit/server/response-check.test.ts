import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import type { FastifyInstance } from 'fastify';
import type { RolloutStatus } from '../../../src/contract/rollout.ts';
import { buildApp } from '../../../src/server/app.ts';
import type { InsightsSource } from '../../../src/server/deps.ts';
import { RESPONSE_SCHEMAS } from '../../../src/server/response-check.ts';
import { T0, testDeps } from '../../helpers/server-fakes.ts';

const apps: FastifyInstance[] = [];
after(async () => {
  for (const a of apps) await a.close();
});

/** Insights whose rollout result lacks most fields and carries an undeclared one. */
const broken: InsightsSource = {
  rollout: async () => ({ decision: 'GO', score: 2, extra: true }) as unknown as RolloutStatus,
  slo: async () => {
    throw new Error('not called');
  },
  regions: async () => {
    throw new Error('not called');
  },
};

async function app(checkResponses: boolean): Promise<FastifyInstance> {
  const a = await buildApp({ ...testDeps(), insights: broken }, { now: () => T0, checkResponses });
  apps.push(a);
  return a;
}

describe('response check against the API contract', () => {
  it('turns a response that breaks the contract into a 500 naming the issues', async () => {
    const res = await (await app(true)).inject({ url: '/api/rollout' });
    assert.equal(res.statusCode, 500);
    const body = res.json() as { status: string; errorType: string; error: string };
    assert.equal(body.status, 'error');
    assert.equal(body.errorType, 'DWCP_INTERNAL');
    assert.match(body.error, /GET \/api\/rollout does not match the API contract: /);
    assert.match(body.error, /data\.slaScore/);
  });

  it('leaves responses unchecked when not asked to', async () => {
    const res = await (await app(false)).inject({ url: '/api/rollout' });
    assert.equal(res.statusCode, 200);
  });

  it('passes conforming success and error bodies, and text bodies, unchanged', async () => {
    const a = await app(true);
    const ok = await a.inject({ url: '/api/components/status' });
    assert.equal(ok.statusCode, 200);
    const notFound = await a.inject({ url: '/api/anomalies/99/acknowledge', method: 'POST' });
    assert.equal(notFound.statusCode, 404);
    assert.equal((notFound.json() as { errorType: string }).errorType, 'DWCP_NOT_FOUND');
    const metrics = await a.inject({ url: '/metrics' });
    assert.equal(metrics.statusCode, 200);
  });

  it('has a schema for a route that exists, for every route listed', async () => {
    const a = await app(true);
    for (const key of Object.keys(RESPONSE_SCHEMAS)) {
      const [method, url] = key.split(' ') as ['GET' | 'POST', string];
      assert.ok(a.hasRoute({ method, url }), `${key} is not a route of the app`);
    }
  });
});
