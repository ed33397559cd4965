/**
 * The auth store: users, API tokens and the audit log, on SQLite or PostgreSQL through kysely (tables in
 * ./schema.ts). Every read of users and tokens names its tenant, so one tenant's admin never sees another's.
 * The audit log is append-only through this class (no update, no delete of single entries); only its oldest
 * entries beyond `maxAuditEntries` are pruned, so it stays bounded.
 */
import type { Kysely } from 'kysely';
import type { ApiToken, AuditEntry, Role, User } from '../contract/auth.ts';
import { ConflictError, StoreError } from '../errors.ts';
import { checkPositiveSafeIntegers } from '../store/validation.ts';
import type { AuthStoreDialect } from './migrations.ts';
import type { AuthDatabase } from './schema.ts';

/** Bounds of the store. */
export interface AuthStoreOptions {
  /** Audit entries kept (default 1 000 000); the oldest beyond are pruned every `auditPruneEvery` appends. */
  readonly maxAuditEntries?: number;
  /** Appends between two prunes (default 1000). */
  readonly auditPruneEvery?: number;
}

/** A user with the hash of its password. */
export interface StoredUser extends User {
  readonly passwordHash: string;
}

/** An API token's stored fields (its hash, never the secret). */
export interface StoredToken extends ApiToken {
  readonly tokenHash: string;
}

/** Filters of {@link AuthStore.listAudit}: newest first, at most `limit`, ids below `beforeId` (paging). */
export interface AuditQuery {
  readonly tenant: string;
  readonly limit: number;
  readonly beforeId?: number;
  readonly actor?: string;
  /** Prefix of the action, e.g. `user.` or `login`. */
  readonly action?: string;
  readonly sinceMs?: number;
  readonly untilMs?: number;
}

const DEFAULT_MAX_AUDIT = 1_000_000;
const DEFAULT_PRUNE_EVERY = 1000;

/** The auth store. */
export class AuthStore {
  readonly db: Kysely<AuthDatabase>;
  readonly dialect: AuthStoreDialect;
  readonly maxAuditEntries: number;
  private readonly pruneEvery: number;
  private appends = 0;
  private readonly onClose: (() => Promise<void>) | undefined;
  private closed = false;

  /** @throws InvalidInputError when a bound is not a positive integer */
  constructor(
    db: Kysely<AuthDatabase>,
    dialect: AuthStoreDialect,
    opts: AuthStoreOptions = {},
    onClose?: () => Promise<void>,
  ) {
    this.db = db;
    this.dialect = dialect;
    this.maxAuditEntries = opts.maxAuditEntries ?? DEFAULT_MAX_AUDIT;
    this.pruneEvery = opts.auditPruneEvery ?? DEFAULT_PRUNE_EVERY;
    checkPositiveSafeIntegers({ maxAuditEntries: this.maxAuditEntries, auditPruneEvery: this.pruneEvery });
    this.onClose = onClose;
  }

  /** The user named `username` (any tenant), or undefined. */
  async getUser(username: string): Promise<StoredUser | undefined> {
    const row = await this.run(() =>
      this.db.selectFrom('auth_users').selectAll().where('username', '=', username).executeTakeFirst(),
    );
    return (
      row && {
        username: row.username,
        tenant: row.tenant_id,
        role: row.role as Role,
        createdAtMs: Number(row.created_at_ms),
        passwordHash: row.password_hash,
      }
    );
  }

  /** The tenant's users by name. */
  async listUsers(tenant: string): Promise<User[]> {
    const rows = await this.run(() =>
      this.db
        .selectFrom('auth_users')
        .select(['username', 'tenant_id', 'role', 'created_at_ms'])
        .where('tenant_id', '=', tenant)
        .orderBy('username')
        .execute(),
    );
    return rows.map((r) => ({
      username: r.username,
      tenant: r.tenant_id,
      role: r.role as Role,
      createdAtMs: Number(r.created_at_ms),
    }));
  }

  /** Number of users over all tenants. */
  async countUsers(): Promise<number> {
    const { n } = await this.run(() =>
      this.db
        .selectFrom('auth_users')
        .select((eb) => eb.fn.countAll<number | string>().as('n'))
        .executeTakeFirstOrThrow(),
    );
    return Number(n);
  }

  /** @throws ConflictError when the username is taken (in any tenant) */
  async insertUser(user: StoredUser): Promise<void> {
    await this.run(async () => {
      const taken = await this.db
        .selectFrom('auth_users')
        .select('username')
        .where('username', '=', user.username)
        .executeTakeFirst();
      if (taken) throw new ConflictError(`user ${user.username} already exists`);
      await this.db
        .insertInto('auth_users')
        .values({
          username: user.username,
          tenant_id: user.tenant,
          role: user.role,
          password_hash: user.passwordHash,
          created_at_ms: user.createdAtMs,
        })
        .execute();
    });
  }

  /** Deletes the tenant's user; false when it has no such user. */
  async deleteUser(tenant: string, username: string): Promise<boolean> {
    const r = await this.run(() =>
      this.db
        .deleteFrom('auth_users')
        .where('tenant_id', '=', tenant)
        .where('username', '=', username)
        .executeTakeFirst(),
    );
    return Number(r.numDeletedRows) > 0;
  }

  async insertToken(token: StoredToken): Promise<void> {
    await this.run(() =>
      this.db
        .insertInto('auth_tokens')
        .values({
          id: token.id,
          name: token.name,
          tenant_id: token.tenant,
          role: token.role,
          token_hash: token.tokenHash,
          created_by: token.createdBy,
          created_at_ms: token.createdAtMs,
          expires_at_ms: token.expiresAtMs,
        })
        .execute(),
    );
  }

  /** The token whose secret hashes to `tokenHash`, or undefined. */
  async findToken(tokenHash: string): Promise<StoredToken | undefined> {
    const row = await this.run(() =>
      this.db.selectFrom('auth_tokens').selectAll().where('token_hash', '=', tokenHash).executeTakeFirst(),
    );
    return row && { ...tokenOf(row), tokenHash: row.token_hash };
  }

  /** The tenant's tokens (without hashes), oldest first. */
  async listTokens(tenant: string): Promise<ApiToken[]> {
    const rows = await this.run(() =>
      this.db
        .selectFrom('auth_tokens')
        .selectAll()
        .where('tenant_id', '=', tenant)
        .orderBy('created_at_ms')
        .orderBy('id')
        .execute(),
    );
    return rows.map(tokenOf);
  }

  /** Deletes (revokes) the tenant's token; false when it has no such token. */
  async deleteToken(tenant: string, id: string): Promise<boolean> {
    const r = await this.run(() =>
      this.db
        .deleteFrom('auth_tokens')
        .where('tenant_id', '=', tenant)
        .where('id', '=', id)
        .executeTakeFirst(),
    );
    return Number(r.numDeletedRows) > 0;
  }

  /** Appends one audit entry (its id is assigned); prunes the oldest beyond the bound now and then. */
  async appendAudit(entry: Omit<AuditEntry, 'id'>): Promise<void> {
    await this.run(async () => {
      await this.db
        .insertInto('auth_audit')
        .values({
          at_ms: entry.atMs,
          tenant_id: entry.tenant,
          actor: entry.actor,
          action: entry.action,
          target: entry.target,
          outcome: entry.outcome,
          address: entry.address,
        })
        .execute();
      this.appends += 1;
      if (this.appends % this.pruneEvery !== 0) return;
      const newest = await this.db
        .selectFrom('auth_audit')
        .select((eb) => eb.fn.max('id').as('id'))
        .executeTakeFirst();
      const cut = Number(newest?.id ?? 0) - this.maxAuditEntries;
      if (cut > 0) await this.db.deleteFrom('auth_audit').where('id', '<=', cut).execute();
    });
  }

  /** The tenant's audit entries matching `q`, newest first. */
  async listAudit(q: AuditQuery): Promise<AuditEntry[]> {
    let query = this.db.selectFrom('auth_audit').selectAll().where('tenant_id', '=', q.tenant);
    if (q.beforeId !== undefined) query = query.where('id', '<', q.beforeId);
    if (q.actor !== undefined) query = query.where('actor', '=', q.actor);
    if (q.action !== undefined)
      query = query.where('action', 'like', `${q.action.replace(/[\\%_]/g, (c) => `\\${c}`)}%`);
    if (q.sinceMs !== undefined) query = query.where('at_ms', '>=', q.sinceMs);
    if (q.untilMs !== undefined) query = query.where('at_ms', '<', q.untilMs);
    const rows = await this.run(() => query.orderBy('id', 'desc').limit(q.limit).execute());
    return rows.map((r) => ({
      id: Number(r.id),
      atMs: Number(r.at_ms),
      tenant: r.tenant_id,
      actor: r.actor,
      action: r.action,
      target: r.target,
      outcome: r.outcome === 'failure' ? 'failure' : 'success',
      address: r.address,
    }));
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.db.destroy();
    await this.onClose?.();
  }

  private async run<T>(fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (e) {
      if (e instanceof Error && 'code' in e && typeof e.code === 'string' && e.code.startsWith('DWCP_'))
        throw e;
      throw new StoreError(`auth store: ${e instanceof Error ? e.message : String(e)}`, { cause: e });
    }
  }
}

function tokenOf(row: {
  id: string;
  name: string;
  tenant_id: string;
  role: string;
  created_by: string;
  created_at_ms: number | string;
  expires_at_ms: number | string | null;
}): ApiToken {
  return {
    id: row.id,
    name: row.name,
    tenant: row.tenant_id,
    role: row.role as Role,
    createdBy: row.created_by,
    createdAtMs: Number(row.created_at_ms),
    expiresAtMs: row.expires_at_ms === null ? null : Number(row.expires_at_ms),
  };
}
