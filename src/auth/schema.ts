/**
 * Kysely table types of the auth store (created by ./migrations.ts). int8 columns may come back from PostgreSQL
 * as strings, so reads go through `Number()`. Secrets are stored only as hashes: passwords as argon2id PHC
 * strings, API tokens as the SHA-256 of the token.
 */
import type { ColumnType, Generated } from 'kysely';

/** An int8/bigint column: written as a number, read as number (SQLite) or string (pg). */
export type BigIntColumn = ColumnType<number | string, number, number>;

/** Users; a username is unique over all tenants (login needs no tenant). */
export interface AuthUsersTable {
  username: string;
  tenant_id: string;
  role: string;
  password_hash: string;
  created_at_ms: BigIntColumn;
}

/** API tokens for machines: `token_hash` is the hex SHA-256 of the secret, which is never stored. */
export interface AuthTokensTable {
  id: string;
  name: string;
  tenant_id: string;
  role: string;
  token_hash: string;
  created_by: string;
  created_at_ms: BigIntColumn;
  /** null: no expiry. */
  expires_at_ms: ColumnType<number | string | null, number | null, number | null>;
}

/** The append-only audit log (the store has no update or delete of it). */
export interface AuthAuditTable {
  id: Generated<number>;
  at_ms: BigIntColumn;
  tenant_id: string;
  actor: string;
  action: string;
  target: string;
  outcome: string;
  address: string;
}

/** The auth store's tables. */
export interface AuthDatabase {
  auth_users: AuthUsersTable;
  auth_tokens: AuthTokensTable;
  auth_audit: AuthAuditTable;
}
