/**
 * What the API needs from identity and access (the composition root passes src/auth's service): who a request
 * is, logging in, and the admin operations on users, API tokens and the audit log, in the contract's types.
 * Every admin operation acts in the calling principal's tenant.
 */
import type { ApiToken, AuditEntry, CreateApiToken, CreateUser, Principal, User } from '../contract/auth.ts';

/** The credentials a request carried (the service never logs or echoes them). */
export interface Credentials {
  /** The value after `Bearer ` of the Authorization header: an API token (`dwcp_…`) or a session token. */
  readonly bearer?: string;
  /** The session cookie's value. */
  readonly session?: string;
}

/** An administrative action to put in the audit log (the service adds the time). */
export interface AuditRecord {
  readonly tenant: string;
  readonly actor: string;
  readonly action: string;
  readonly target: string;
  readonly outcome: 'success' | 'failure';
  readonly address: string;
}

/** Filters of GET /api/audit (the tenant is the caller's). */
export interface AuditFilter {
  readonly limit: number;
  readonly beforeId?: number;
  readonly actor?: string;
  readonly action?: string;
  readonly sinceMs?: number;
  readonly untilMs?: number;
}

/**
 * Errors: UnauthorizedError (bad or missing credentials, wrong password), LimitExceededError (too many failed
 * logins from an address), NotFoundError (no such user/token in the caller's tenant), ConflictError (username
 * taken), StoreError.
 */
export interface AuthApi {
  /** Lifetime of session tokens and cookies, ms. */
  readonly sessionTtlMs: number;
  /** The principal of valid credentials. @throws UnauthorizedError when they are missing or not valid */
  authenticate(credentials: Credentials): Promise<Principal>;
  /** Checks a password (rate-limited per address, audited) and signs a session token. */
  login(
    username: string,
    password: string,
    address: string,
  ): Promise<{ principal: Principal; token: string; expiresAtMs: number }>;
  listUsers(principal: Principal): Promise<User[]>;
  createUser(principal: Principal, body: CreateUser): Promise<User>;
  deleteUser(principal: Principal, username: string): Promise<User>;
  listTokens(principal: Principal): Promise<ApiToken[]>;
  /** A new token; `token` is its secret, returned this once. */
  createToken(principal: Principal, body: CreateApiToken): Promise<ApiToken & { token: string }>;
  deleteToken(principal: Principal, id: string): Promise<ApiToken>;
  audit(principal: Principal, filter: AuditFilter): Promise<AuditEntry[]>;
  record(entry: AuditRecord): Promise<void>;
}
