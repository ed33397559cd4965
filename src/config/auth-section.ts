/**
 * The `auth` section of the monitor's configuration: identity and access (docs/security.md). Part of the schema
 * in src/config.ts.
 */
import { z } from 'zod';
import { positiveDuration } from './fields.ts';

/** Defaults of the `auth` section: authentication required, sessions of 8 hours, at most 10 failed logins per address in 15 min. */
const AUTH_DEFAULTS = {
  mode: 'required' as const,
  sessionTtl: 8 * 3_600_000,
  initialAdmin: 'admin',
  loginMaxFailures: 10,
  loginWindow: 15 * 60_000,
};

/**
 * - `mode`: `required` (every route but /health, /ready, the login and the web page's files needs a session or an
 *   API token) or `disabled` (every request acts as an admin; refused unless `listen.host` is a loopback address).
 * - `path`: SQLite file of users, tokens and the audit log (default `auth.db` beside the SQLite sample store; with
 *   PostgreSQL storage the same database).
 * - `signingKeyFile`: the HS256 key of session tokens (at least 32 bytes, mode 0600); default `auth-signing-key`
 *   in the data directory, created on first start (with in-memory or PostgreSQL storage and no file: a new key
 *   per start, so sessions end at restart, and several monitors sharing one database need this file).
 * - `sessionTtl`: lifetime of a login (cookie and token), 1 min to 24 h.
 * - `initialAdmin`: name of the admin created, with a generated password, when there is no user at all.
 */
export const authSectionSchema = z
  .strictObject({
    mode: z.enum(['required', 'disabled']).default(AUTH_DEFAULTS.mode),
    path: z.string().min(1).optional(),
    signingKeyFile: z.string().min(1).optional(),
    sessionTtl: positiveDuration
      .refine((ms) => ms >= 60_000 && ms <= 86_400_000, { message: 'must be between 1m and 24h' })
      .default(AUTH_DEFAULTS.sessionTtl),
    initialAdmin: z
      .string()
      .regex(/^[A-Za-z0-9._@-]{1,64}$/)
      .default(AUTH_DEFAULTS.initialAdmin),
    loginMaxFailures: z.number().int().min(1).max(1000).default(AUTH_DEFAULTS.loginMaxFailures),
    loginWindow: positiveDuration.default(AUTH_DEFAULTS.loginWindow),
  })
  .default(AUTH_DEFAULTS);
