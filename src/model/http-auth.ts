/**
 * Credentials for an outgoing HTTP request (a webhook receiver, a scrape target), at most one kind: basic auth
 * (password inline or in a file) or a bearer token (inline or in a file). Files are read at each request, so a
 * rotated secret is picked up; secrets are never shown.
 * @see Prometheus `<http_config>` (`basic_auth`, `authorization.credentials_file`)
 */
export interface HttpAuthSettings {
  readonly basicAuth?:
    | {
        readonly username: string;
        readonly password?: string | undefined;
        readonly passwordFile?: string | undefined;
      }
    | undefined;
  readonly bearerToken?: string | undefined;
  readonly bearerTokenFile?: string | undefined;
}

/** Whether `auth` carries any credentials. */
export function hasHttpAuth(auth: HttpAuthSettings): boolean {
  return auth.basicAuth !== undefined || auth.bearerToken !== undefined || auth.bearerTokenFile !== undefined;
}
