/**
 * Credential fields of an outgoing HTTP request (webhook receivers, scrape targets): basic auth or a bearer token,
 * each inline or in a file, never in the URL. Shared by the alerting section and the scrape targets.
 * @see Prometheus `<http_config>` (`basic_auth`, `authorization`)
 */
import { z } from 'zod';
import type { HttpAuthSettings } from '../model/http-auth.ts';
import { secretText } from './fields.ts';

/** Credentials of an HTTP request: basic auth or a bearer token, each inline or in a file (read at each request). */
export const httpAuthFields = {
  basicAuth: z
    .strictObject({
      username: z.string().min(1).max(256),
      password: secretText.optional(),
      passwordFile: secretText.optional(),
    })
    .refine((b) => (b.password === undefined) !== (b.passwordFile === undefined), {
      message: 'give exactly one of password and passwordFile',
    })
    .optional(),
  bearerToken: secretText.optional(),
  bearerTokenFile: secretText.optional(),
};
/** At most one kind of credentials, and no `Authorization` header besides them. */
export function checkHttpAuth(
  v: HttpAuthSettings & { readonly headers?: Readonly<Record<string, string>> },
  ctx: z.RefinementCtx,
): void {
  const kinds = [v.basicAuth, v.bearerToken, v.bearerTokenFile].filter((x) => x !== undefined).length;
  if (kinds > 1)
    ctx.addIssue({
      code: 'custom',
      message: 'give at most one of basicAuth, bearerToken and bearerTokenFile',
    });
  if (kinds > 0 && Object.keys(v.headers ?? {}).some((h) => h.toLowerCase() === 'authorization')) {
    ctx.addIssue({
      code: 'custom',
      path: ['headers'],
      message: 'an Authorization header cannot be combined with basicAuth or bearerToken',
    });
  }
}
