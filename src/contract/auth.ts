/**
 * The identity and access API: roles, login, the signed-in principal, users, API tokens and the audit log.
 * Secrets (passwords, API tokens, session tokens) appear only in the requests that carry them and, once, in the
 * response that creates a token; no other response holds them.
 */
import { z } from 'zod';

/**
 * Roles within a tenant, weakest first: `viewer` reads; `ingest` (machines) sends telemetry and reads nothing;
 * `editor` reads, writes dashboards, silences and acknowledgements, and may send telemetry; `admin` also manages
 * users and API tokens and reads the audit log.
 */
export const ROLES = ['viewer', 'ingest', 'editor', 'admin'] as const;
export type Role = (typeof ROLES)[number];
export const RoleSchema = z.enum(ROLES);

/** Names of users and tenants: 1–64 characters of letters, digits, `.`, `_`, `-`, `@`. */
export const NameSchema = z
  .string()
  .regex(/^[A-Za-z0-9._@-]{1,64}$/, 'must be 1-64 letters, digits, ".", "_", "-" or "@"');

/** Passwords: 12–256 characters (NIST SP 800-63B asks for at least 8; this product asks 12). */
export const PasswordSchema = z
  .string()
  .min(12, 'must have at least 12 characters')
  .max(256, 'must have at most 256 characters');

/** Body of POST /api/auth/login. `session: false` returns a bearer token instead of setting the cookie. */
export const LoginRequestSchema = z.strictObject({
  username: NameSchema,
  password: z.string().min(1).max(256),
  session: z.boolean().optional(),
});
export type LoginRequest = z.infer<typeof LoginRequestSchema>;

/** Who a request acts as. `kind` says how it authenticated. */
export const PrincipalSchema = z.strictObject({
  username: z.string(),
  tenant: z.string(),
  role: RoleSchema,
  kind: z.enum(['session', 'token', 'anonymous']),
});
export type Principal = z.infer<typeof PrincipalSchema>;

export const PrincipalResponseSchema = z.strictObject({
  status: z.literal('success'),
  data: PrincipalSchema,
});
export type PrincipalResponse = z.infer<typeof PrincipalResponseSchema>;

/** Answer of a login: the principal, when the session ends, and the bearer token only when `session: false`. */
export const LoginResponseSchema = z.strictObject({
  status: z.literal('success'),
  data: z.strictObject({
    principal: PrincipalSchema,
    expiresAtMs: z.number().int(),
    accessToken: z.string().optional(),
  }),
});
export type LoginResponse = z.infer<typeof LoginResponseSchema>;

export const UserSchema = z.strictObject({
  username: z.string(),
  tenant: z.string(),
  role: RoleSchema,
  createdAtMs: z.number().int(),
});
export type User = z.infer<typeof UserSchema>;
export const UsersResponseSchema = z.strictObject({
  status: z.literal('success'),
  data: z.array(UserSchema),
});
export type UsersResponse = z.infer<typeof UsersResponseSchema>;
export const UserResponseSchema = z.strictObject({ status: z.literal('success'), data: UserSchema });
export type UserResponse = z.infer<typeof UserResponseSchema>;

/** Body of POST /api/auth/users (in the admin's tenant). */
export const CreateUserSchema = z.strictObject({
  username: NameSchema,
  password: PasswordSchema,
  role: RoleSchema,
});
export type CreateUser = z.infer<typeof CreateUserSchema>;

export const ApiTokenSchema = z.strictObject({
  id: z.string(),
  name: z.string(),
  tenant: z.string(),
  role: RoleSchema,
  createdBy: z.string(),
  createdAtMs: z.number().int(),
  expiresAtMs: z.number().int().nullable(),
});
export type ApiToken = z.infer<typeof ApiTokenSchema>;
export const ApiTokensResponseSchema = z.strictObject({
  status: z.literal('success'),
  data: z.array(ApiTokenSchema),
});
export type ApiTokensResponse = z.infer<typeof ApiTokensResponseSchema>;
export const ApiTokenResponseSchema = z.strictObject({ status: z.literal('success'), data: ApiTokenSchema });
export type ApiTokenResponse = z.infer<typeof ApiTokenResponseSchema>;
/** Answer of POST /api/auth/tokens: the token's secret, shown this once (only its hash is stored). */
export const CreatedApiTokenResponseSchema = z.strictObject({
  status: z.literal('success'),
  data: ApiTokenSchema.extend({ token: z.string() }),
});
export type CreatedApiTokenResponse = z.infer<typeof CreatedApiTokenResponseSchema>;

/** Body of POST /api/auth/tokens: `expiresInSeconds` omitted → no expiry. */
export const CreateApiTokenSchema = z.strictObject({
  name: NameSchema,
  role: RoleSchema,
  expiresInSeconds: z
    .number()
    .int()
    .min(60)
    .max(10 * 365 * 86400)
    .optional(),
});
export type CreateApiToken = z.infer<typeof CreateApiTokenSchema>;

/** One audited action. `outcome` is `success` or `failure`; `target` names what was acted on (never a secret). */
export const AuditEntrySchema = z.strictObject({
  id: z.number().int(),
  atMs: z.number().int(),
  tenant: z.string(),
  actor: z.string(),
  action: z.string(),
  target: z.string(),
  outcome: z.enum(['success', 'failure']),
  address: z.string(),
});
export type AuditEntry = z.infer<typeof AuditEntrySchema>;
export const AuditResponseSchema = z.strictObject({
  status: z.literal('success'),
  data: z.array(AuditEntrySchema),
});
export type AuditResponse = z.infer<typeof AuditResponseSchema>;
