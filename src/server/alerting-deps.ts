/**
 * What the alerting routes need from the monitor's alerting (the composition root passes the running service),
 * as a narrow interface over the API contract's types.
 */
import type {
  AcknowledgeInput,
  DeliveryHealth,
  Incident,
  RulesOverview,
  Silence,
} from '../contract/alerting.ts';
import type { TenantScope } from '../model/tenant-scope.ts';

/** Alerting as the API sees it. Errors: NotFoundError (unknown ids), InvalidInputError (bad bodies), FileValidationError (rule files). */
export interface AlertingApi {
  /** Newest first, at most `limit`; `scope` keeps a tenant's nodes' or regions' incidents before the limit. */
  listIncidents(limit: number, status?: Incident['status'], scope?: TenantScope): Promise<Incident[]>;
  getIncident(id: string): Promise<Incident>;
  acknowledge(id: string, input: AcknowledgeInput): Promise<Incident>;
  unacknowledge(id: string): Promise<Incident>;
  listSilences(): Promise<Silence[]>;
  getSilence(id: string): Promise<Silence>;
  /** Validates `body` (the contract's silence input) and stores the silence. */
  createSilence(body: unknown): Promise<Silence>;
  updateSilence(id: string, body: unknown): Promise<Silence>;
  /** Expires the silence now. */
  expireSilence(id: string): Promise<Silence>;
  rules(): RulesOverview;
  /** Reloads the rule files; on a problem the running rules stay and FileValidationError is thrown. */
  reloadRules(): RulesOverview;
  health(): DeliveryHealth;
}
