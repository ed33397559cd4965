/**
 * Starting identity and access for the monitor: opening the auth store, the session signing key, the service,
 * and the first admin. When the store has no user at all, an admin with a generated password is created and
 * the password written to a file of mode 0600 (never logged); its path is returned for the operator.
 */
import { chmodSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { randomBytes } from 'node:crypto';
import type { AuthStore } from './auth-store.ts';
import type { LoginLimiterOptions } from './login-limiter.ts';
import { openPostgresAuthStore, openSqliteAuthStore } from './open.ts';
import { loadOrCreateSigningKey, newPassword } from './secrets.ts';
import { AuthService } from './service.ts';

/** Where the auth store lives. */
export type AuthStoreLocation = { readonly sqlitePath: string } | { readonly postgresUrl: string };

/** What {@link startAuth} needs. */
export interface AuthSetup {
  readonly store: AuthStoreLocation;
  /** The signing key's file (created when missing); undefined → a random key for this process only. */
  readonly signingKeyFile?: string;
  readonly sessionTtlMs: number;
  readonly loginLimits?: LoginLimiterOptions;
  /** Tenant and name of the admin created when there is no user. */
  readonly initialAdmin: { readonly tenant: string; readonly username: string };
  /** Where the generated admin password goes (0600); undefined → a new private temporary directory. */
  readonly initialPasswordFile?: string;
  readonly now?: () => number;
}

/** A started auth system. `initialAdmin` is set when this start created the first admin. */
export interface StartedAuth {
  readonly service: AuthService;
  readonly store: AuthStore;
  readonly initialAdmin?: { readonly username: string; readonly passwordFile: string };
}

/** Opens the auth store named by `location`. @throws StoreError when it cannot be opened or migrated */
export function openAuthStore(location: AuthStoreLocation): Promise<AuthStore> {
  return 'sqlitePath' in location
    ? openSqliteAuthStore(location.sqlitePath)
    : openPostgresAuthStore({ url: location.postgresUrl });
}

/**
 * Opens the store, loads or creates the signing key, and creates the first admin when there is no user.
 * @throws StoreError; ConfigError for a bad signing key file
 */
export async function startAuth(setup: AuthSetup): Promise<StartedAuth> {
  const store = await openAuthStore(setup.store);
  try {
    const signingKey =
      setup.signingKeyFile === undefined
        ? new Uint8Array(randomBytes(48))
        : loadOrCreateSigningKey(setup.signingKeyFile);
    const service = new AuthService({
      store,
      signingKey,
      sessionTtlMs: setup.sessionTtlMs,
      auditTenant: setup.initialAdmin.tenant,
      ...(setup.loginLimits ? { loginLimits: setup.loginLimits } : {}),
      ...(setup.now ? { now: setup.now } : {}),
    });
    if (await service.hasUsers()) return { service, store };
    const password = newPassword();
    await service.addUser(setup.initialAdmin.tenant, {
      username: setup.initialAdmin.username,
      password,
      role: 'admin',
    });
    const passwordFile =
      setup.initialPasswordFile ?? join(mkdtempSync(join(tmpdir(), 'dwcp-auth-')), 'initial-admin-password');
    writeSecretFile(passwordFile, password);
    return { service, store, initialAdmin: { username: setup.initialAdmin.username, passwordFile } };
  } catch (e) {
    await store.close();
    throw e;
  }
}

/** Writes `secret` and a newline to `path` with mode 0600 (its directory created), replacing an older file. */
export function writeSecretFile(path: string, secret: string): void {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, `${secret}\n`, { mode: 0o600 });
  chmodSync(path, 0o600);
}
