/**
 * Alert rules and delivery health: GET /api/alerting/rules (files, rules with pending/firing counts, last
 * reload), POST /api/alerting/rules/reload (400 with every problem's file, line and column when a file is
 * invalid; the running rules stay) and GET /api/alerting/health (delivery per receiver; the page's banner).
 */
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { AlertingResponse, DeliveryHealth, RulesOverview } from '../../contract/alerting.ts';
import type { ApiContext } from '../deps.ts';
import { parseQuery } from '../params.ts';
import { alertingOf } from './incidents.ts';

/** Registers the rule and health routes. */
export async function alertingRuleRoutes(app: FastifyInstance, ctx: ApiContext): Promise<void> {
  const none = z.strictObject({});
  app.get('/api/alerting/rules', async (request): Promise<AlertingResponse<RulesOverview>> => {
    parseQuery(request.query, { schema: none });
    return { status: 'success', data: alertingOf(ctx).rules() };
  });
  app.post('/api/alerting/rules/reload', async (request): Promise<AlertingResponse<RulesOverview>> => {
    parseQuery(request.query, { schema: none });
    return { status: 'success', data: alertingOf(ctx).reloadRules() };
  });
  app.get('/api/alerting/health', async (request): Promise<AlertingResponse<DeliveryHealth>> => {
    parseQuery(request.query, { schema: none });
    return { status: 'success', data: alertingOf(ctx).health() };
  });
}
