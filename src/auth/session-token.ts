/**
 * Session tokens: JWTs signed with HS256 (jose), naming the user (`sub`) and tenant (`tnt`), with issuer,
 * audience, issue time and a short expiry, all checked on every request. Only HS256 is accepted, so an
 * `alg: none` token or one signed with another algorithm is refused as forged.
 *
 * @see https://github.com/panva/jose
 * @see https://www.rfc-editor.org/rfc/rfc8725 (JWT best current practices: fix the algorithm, check iss/aud/exp)
 */
import { errors, jwtVerify, SignJWT } from 'jose';
import { UnauthorizedError } from '../errors.ts';

export const SESSION_ISSUER = 'dwcp-monitor';
export const SESSION_AUDIENCE = 'dwcp-monitor-api';

/** Who a valid session token names. */
export interface SessionClaims {
  readonly username: string;
  readonly tenant: string;
  /** Expiry, Unix ms. */
  readonly expiresAtMs: number;
}

/** Signs a session token for `username` in `tenant`, valid `ttlMs` from `nowMs` (whole seconds). */
export async function signSession(
  key: Uint8Array,
  claims: { username: string; tenant: string },
  nowMs: number,
  ttlMs: number,
): Promise<{ token: string; expiresAtMs: number }> {
  const iat = Math.floor(nowMs / 1000);
  const exp = iat + Math.max(1, Math.floor(ttlMs / 1000));
  const token = await new SignJWT({ tnt: claims.tenant })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setSubject(claims.username)
    .setIssuer(SESSION_ISSUER)
    .setAudience(SESSION_AUDIENCE)
    .setIssuedAt(iat)
    .setExpirationTime(exp)
    .sign(key);
  return { token, expiresAtMs: exp * 1000 };
}

/**
 * The claims of a valid session token.
 * @throws UnauthorizedError for an expired, forged (wrong key, other algorithm, `alg: none`), malformed token or
 *   one of another issuer or audience; the message says which, never the token
 */
export async function verifySession(key: Uint8Array, token: string, nowMs: number): Promise<SessionClaims> {
  try {
    const { payload } = await jwtVerify(token, key, {
      algorithms: ['HS256'],
      issuer: SESSION_ISSUER,
      audience: SESSION_AUDIENCE,
      requiredClaims: ['sub', 'exp', 'iat'],
      currentDate: new Date(nowMs),
    });
    if (
      typeof payload.sub !== 'string' ||
      typeof payload['tnt'] !== 'string' ||
      typeof payload.exp !== 'number'
    ) {
      throw new UnauthorizedError('session token lacks its user or tenant');
    }
    return { username: payload.sub, tenant: payload['tnt'], expiresAtMs: payload.exp * 1000 };
  } catch (e) {
    if (e instanceof UnauthorizedError) throw e;
    if (e instanceof errors.JWTExpired) throw new UnauthorizedError('session token expired; log in again');
    if (e instanceof errors.JWSSignatureVerificationFailed || e instanceof errors.JOSEAlgNotAllowed)
      throw new UnauthorizedError('session token signature is not valid');
    if (e instanceof errors.JWTClaimValidationFailed)
      throw new UnauthorizedError(`session token claim ${e.claim} is not valid`);
    throw new UnauthorizedError('session token is malformed');
  }
}
