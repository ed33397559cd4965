/**
 * The `Authorization` header of an outgoing HTTP request (a receiver, a scrape target) from its credentials (basic auth or a bearer token, inline or
 * in a file). Files are read at each request, as Prometheus does, so rotated secrets are picked up.
 * @see https://www.rfc-editor.org/rfc/rfc7617 (Basic), https://www.rfc-editor.org/rfc/rfc6750 (Bearer)
 * @see Prometheus `<http_config>` (`basic_auth.password_file`, `authorization.credentials_file`)
 */
import { readFile } from 'node:fs/promises';
import type { HttpAuthSettings } from '../../model/http-auth.ts';

/** Reads a secret file: its text without the trailing line break. */
async function readSecret(path: string, field: string): Promise<string> {
  try {
    return (await readFile(path, 'utf8')).replace(/\r?\n$/, '');
  } catch (e) {
    throw new Error(`cannot read ${field} ${path}: ${(e as NodeJS.ErrnoException).code ?? 'error'}`, {
      cause: e,
    });
  }
}

/**
 * The header value for `auth`, or undefined when it has no credentials.
 * @throws Error naming the field and file (never the secret) when a secret file cannot be read
 */
export async function authorizationHeader(auth: HttpAuthSettings): Promise<string | undefined> {
  if (auth.basicAuth !== undefined) {
    const b = auth.basicAuth;
    const password =
      b.passwordFile !== undefined ? await readSecret(b.passwordFile, 'passwordFile') : (b.password ?? '');
    return `Basic ${Buffer.from(`${b.username}:${password}`, 'utf8').toString('base64')}`;
  }
  if (auth.bearerTokenFile !== undefined)
    return `Bearer ${await readSecret(auth.bearerTokenFile, 'bearerTokenFile')}`;
  if (auth.bearerToken !== undefined) return `Bearer ${auth.bearerToken}`;
  return undefined;
}
