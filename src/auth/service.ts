/**
 * Identity and access over the auth store (the server's `AuthApi`): authentication of session tokens and API
 * tokens, login with argon2id-checked passwords (rate-limited per address, audited whatever the outcome),
 * users and tokens per tenant, and the audit log. A session token is checked against the stored user on every
 * request, so deleting a user or changing its tenant ends its sessions at once.
 */
import { randomUUID } from 'node:crypto';
import type { ApiToken, AuditEntry, CreateApiToken, CreateUser, Principal, User } from '../contract/auth.ts';
import { LimitExceededError, NotFoundError, UnauthorizedError } from '../errors.ts';
import type { AuditQuery, AuthStore } from './auth-store.ts';
import { LoginLimiter, type LoginLimiterOptions } from './login-limiter.ts';
import { API_TOKEN_PREFIX, hashPassword, newApiToken, tokenHash, verifyPassword } from './secrets.ts';
import { signSession, verifySession } from './session-token.ts';

/** What {@link AuthService} needs. */
export interface AuthServiceOptions {
  readonly store: AuthStore;
  /** HS256 key of session tokens (at least 32 bytes). */
  readonly signingKey: Uint8Array;
  /** Lifetime of session tokens, ms. */
  readonly sessionTtlMs: number;
  readonly loginLimits?: LoginLimiterOptions;
  /** Tenant whose audit log gets failed logins of unknown user names (default `default`). */
  readonly auditTenant?: string;
  readonly now?: () => number;
}

/** Fields of an audit entry the caller gives. */
type AuditInput = Omit<AuditEntry, 'id' | 'atMs'>;

/** The identity and access service (module comment). */
export class AuthService {
  readonly sessionTtlMs: number;
  readonly limiter: LoginLimiter;
  private readonly store: AuthStore;
  private readonly key: Uint8Array;
  private readonly now: () => number;
  private readonly auditTenant: string;
  /** A hash checked when the user is unknown, so that unknown names take as long as wrong passwords. */
  private readonly decoy: Promise<string>;

  constructor(opts: AuthServiceOptions) {
    this.store = opts.store;
    this.key = opts.signingKey;
    this.sessionTtlMs = opts.sessionTtlMs;
    this.limiter = new LoginLimiter(opts.loginLimits);
    this.now = opts.now ?? Date.now;
    this.auditTenant = opts.auditTenant ?? 'default';
    this.decoy = hashPassword(randomUUID());
  }

  /** @throws UnauthorizedError when the credentials are missing, unknown, expired, forged or malformed */
  async authenticate(c: { bearer?: string; session?: string }): Promise<Principal> {
    const bearer = c.bearer;
    if (bearer !== undefined && bearer.startsWith(API_TOKEN_PREFIX)) {
      const t = await this.store.findToken(tokenHash(bearer));
      if (t === undefined) throw new UnauthorizedError('API token is not valid (unknown or revoked)');
      if (t.expiresAtMs !== null && t.expiresAtMs <= this.now())
        throw new UnauthorizedError(`API token ${t.name} expired`);
      return { username: `token:${t.name}`, tenant: t.tenant, role: t.role, kind: 'token' };
    }
    const jwt = bearer ?? c.session;
    if (jwt === undefined)
      throw new UnauthorizedError('authentication required: log in, or send an Authorization: Bearer token');
    const claims = await verifySession(this.key, jwt, this.now());
    const user = await this.store.getUser(claims.username);
    if (user === undefined || user.tenant !== claims.tenant)
      throw new UnauthorizedError("the session's user no longer exists; log in again");
    return { username: user.username, tenant: user.tenant, role: user.role, kind: 'session' };
  }

  /**
   * @throws LimitExceededError when `address` failed too often recently; UnauthorizedError for an unknown user or
   *   a wrong password (one message for both, so names are not revealed)
   */
  async login(
    username: string,
    password: string,
    address: string,
  ): Promise<{ principal: Principal; token: string; expiresAtMs: number }> {
    const now = this.now();
    const user = await this.store.getUser(username);
    const tenant = user?.tenant ?? this.auditTenant;
    const wait = this.limiter.retryAfterSeconds(address, now);
    if (wait > 0) {
      await this.record({
        tenant,
        actor: username,
        action: 'login',
        target: username,
        outcome: 'failure',
        address,
      });
      throw new LimitExceededError(`too many failed logins from this address; try again in ${wait} s`);
    }
    const ok = user
      ? await verifyPassword(user.passwordHash, password)
      : (await verifyPassword(await this.decoy, password), false);
    if (!user || !ok) {
      this.limiter.fail(address, now);
      await this.record({
        tenant,
        actor: username,
        action: 'login',
        target: username,
        outcome: 'failure',
        address,
      });
      throw new UnauthorizedError('unknown user or wrong password');
    }
    this.limiter.succeed(address);
    await this.record({
      tenant: user.tenant,
      actor: username,
      action: 'login',
      target: username,
      outcome: 'success',
      address,
    });
    const { token, expiresAtMs } = await signSession(
      this.key,
      { username: user.username, tenant: user.tenant },
      now,
      this.sessionTtlMs,
    );
    return {
      principal: { username: user.username, tenant: user.tenant, role: user.role, kind: 'session' },
      token,
      expiresAtMs,
    };
  }

  listUsers(p: Principal): Promise<User[]> {
    return this.store.listUsers(p.tenant);
  }

  /** @throws ConflictError when the username is taken in any tenant */
  async createUser(p: Principal, body: CreateUser): Promise<User> {
    return this.addUser(p.tenant, body);
  }

  /**
   * Adds a user to `tenant` (for the API and for bootstrapping the first admin).
   * @throws ConflictError when the username is taken in any tenant
   */
  async addUser(tenant: string, body: CreateUser): Promise<User> {
    const user: User = { username: body.username, tenant, role: body.role, createdAtMs: this.now() };
    await this.store.insertUser({ ...user, passwordHash: await hashPassword(body.password) });
    return user;
  }

  /** @throws NotFoundError when the caller's tenant has no such user */
  async deleteUser(p: Principal, username: string): Promise<User> {
    const user = (await this.store.listUsers(p.tenant)).find((u) => u.username === username);
    if (user === undefined || !(await this.store.deleteUser(p.tenant, username)))
      throw new NotFoundError(`user ${username.slice(0, 64)} not found`);
    return user;
  }

  listTokens(p: Principal): Promise<ApiToken[]> {
    return this.store.listTokens(p.tenant);
  }

  async createToken(p: Principal, body: CreateApiToken): Promise<ApiToken & { token: string }> {
    return this.issueToken(p.tenant, p.username, body);
  }

  /** Issues an API token in `tenant` (for the API and for the demo's telemetry senders). */
  async issueToken(
    tenant: string,
    createdBy: string,
    body: CreateApiToken,
  ): Promise<ApiToken & { token: string }> {
    const now = this.now();
    const token = newApiToken();
    const meta: ApiToken = {
      id: randomUUID(),
      name: body.name,
      tenant,
      role: body.role,
      createdBy,
      createdAtMs: now,
      expiresAtMs: body.expiresInSeconds === undefined ? null : now + body.expiresInSeconds * 1000,
    };
    await this.store.insertToken({ ...meta, tokenHash: tokenHash(token) });
    return { ...meta, token };
  }

  /** @throws NotFoundError when the caller's tenant has no such token */
  async deleteToken(p: Principal, id: string): Promise<ApiToken> {
    const t = (await this.store.listTokens(p.tenant)).find((x) => x.id === id);
    if (t === undefined || !(await this.store.deleteToken(p.tenant, id)))
      throw new NotFoundError(`API token ${id.slice(0, 64)} not found`);
    return t;
  }

  audit(p: Principal, f: Omit<AuditQuery, 'tenant'>): Promise<AuditEntry[]> {
    return this.store.listAudit({ ...f, tenant: p.tenant });
  }

  /** Appends one entry to the audit log, stamped now. */
  record(entry: AuditInput): Promise<void> {
    return this.store.appendAudit({ ...entry, atMs: this.now() });
  }

  /** Whether any user exists (the demo bootstraps an admin only into an empty store). */
  async hasUsers(): Promise<boolean> {
    return (await this.store.countUsers()) > 0;
  }
}
