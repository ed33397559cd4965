/**
 * Keeping credentials out of error messages: some servers echo what they refused (vmauth 1.79 answers an unknown
 * bearer token with `cannot find the provided auth token "Bearer …"`), and the remote store puts the start of an
 * error answer in its errors and logs.
 */

/**
 * `text` with every occurrence of the `Authorization` header value `authorization`, its credentials part and, for
 * basic auth, the decoded `user:password` and the password replaced by `<secret>`.
 */
export function redactAuthorization(text: string, authorization: string | undefined): string {
  if (authorization === undefined || authorization === '') return text;
  const space = authorization.indexOf(' ');
  const credentials = space >= 0 ? authorization.slice(space + 1) : authorization;
  const secrets = [authorization, credentials];
  if (/^basic /i.test(authorization)) {
    const decoded = Buffer.from(credentials, 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    secrets.push(decoded);
    if (colon >= 0 && colon < decoded.length - 1) secrets.push(decoded.slice(colon + 1));
  }
  let out = text;
  for (const s of secrets.filter((x) => x !== '').sort((a, b) => b.length - a.length))
    out = out.split(s).join('<secret>');
  return out;
}
