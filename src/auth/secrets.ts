/**
 * The secrets of identity and access: argon2id password hashes (@node-rs/argon2, OWASP's recommended
 * parameters), random API tokens stored as their SHA-256 (a token has 256 bits of entropy, so a fast hash is
 * enough; a password needs a slow one), and the HS256 signing key of session tokens, read from a file or
 * generated once and kept in the data directory with mode 0600.
 *
 * @see https://cheatsheetseries.owasp.org/cheatsheets/Password_Storage_Cheat_Sheet.html (argon2id, m=19 MiB, t=2, p=1)
 * @see https://github.com/napi-rs/node-rs/tree/main/packages/argon2
 */
import { createHash, randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { hash, verify } from '@node-rs/argon2';
import { ConfigError } from '../errors.ts';

/** argon2id with OWASP's minimum: 19 MiB, 2 iterations, 1 lane (the library's defaults, written out). */
const ARGON2 = { memoryCost: 19_456, timeCost: 2, parallelism: 1 } as const;

/** The argon2id PHC string of `password`. */
export function hashPassword(password: string): Promise<string> {
  return hash(password, ARGON2);
}

/** Whether `password` matches the PHC string `phc`; false (never a throw) for a malformed hash. */
export async function verifyPassword(phc: string, password: string): Promise<boolean> {
  try {
    return await verify(phc, password);
  } catch {
    return false;
  }
}

/** Prefix of API tokens, so that a bearer value is told apart from a session token (a JWT) without parsing. */
export const API_TOKEN_PREFIX = 'dwcp_';

/** A new API token: the prefix and 32 random bytes in base64url (256 bits). */
export function newApiToken(): string {
  return `${API_TOKEN_PREFIX}${randomBytes(32).toString('base64url')}`;
}

/** Hex SHA-256 of a token: what the store keeps and looks tokens up by. */
export function tokenHash(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

/** A random password of 24 base64url characters (144 bits) for a bootstrapped admin. */
export function newPassword(): string {
  return randomBytes(18).toString('base64url');
}

/** Shortest signing key accepted: 32 bytes (RFC 7518 §3.2: an HS256 key at least as long as the hash). */
export const MIN_SIGNING_KEY_BYTES = 32;

/**
 * The session signing key: the contents of `path` when it exists (at least 32 bytes, surrounding whitespace
 * trimmed), else 48 new random bytes written there with mode 0600 (and its directory created).
 * @throws ConfigError when the file is shorter than 32 bytes, readable by others, or cannot be read or written
 */
export function loadOrCreateSigningKey(path: string): Uint8Array {
  try {
    if (existsSync(path)) {
      if ((statSync(path).mode & 0o077) !== 0)
        throw new ConfigError(`auth signing key ${path} is readable by group or others; run chmod 600 on it`);
      const key = Buffer.from(readFileSync(path, 'utf8').trim(), 'utf8');
      if (key.length < MIN_SIGNING_KEY_BYTES)
        throw new ConfigError(
          `auth signing key ${path} has ${key.length} bytes; it needs at least ${MIN_SIGNING_KEY_BYTES}`,
        );
      return new Uint8Array(key);
    }
    mkdirSync(dirname(path), { recursive: true });
    const text = randomBytes(48).toString('base64url');
    writeFileSync(path, `${text}\n`, { mode: 0o600, flag: 'wx' });
    chmodSync(path, 0o600);
    return new Uint8Array(Buffer.from(text, 'utf8'));
  } catch (e) {
    if (e instanceof ConfigError) throw e;
    throw new ConfigError(`auth signing key ${path}: ${e instanceof Error ? e.message : String(e)}`, {
      cause: e,
    });
  }
}
