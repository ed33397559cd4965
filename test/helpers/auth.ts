/** Credentials for tests against a running monitor: log in as the bootstrapped admin and issue API tokens. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Role } from '../../src/contract/auth.ts';

/** A session token of the first admin, whose generated password the monitor wrote into `dataDir`. */
export async function adminBearer(monitorUrl: string, dataDir: string): Promise<string> {
  const password = readFileSync(join(dataDir, 'initial-admin-password'), 'utf8').trim();
  const res = await fetch(new URL('/api/auth/login', monitorUrl), {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username: 'admin', password, session: false }),
  });
  if (res.status !== 200) throw new Error(`login failed: HTTP ${res.status} ${await res.text()}`);
  return ((await res.json()) as { data: { accessToken: string } }).data.accessToken;
}

/** A new API token of `role`, issued by the admin session `bearer`. */
export async function issueApiToken(
  monitorUrl: string,
  bearer: string,
  role: Role,
  name = `test-${role}`,
): Promise<string> {
  const res = await fetch(new URL('/api/auth/tokens', monitorUrl), {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${bearer}` },
    body: JSON.stringify({ name, role }),
  });
  if (res.status !== 201) throw new Error(`token creation failed: HTTP ${res.status} ${await res.text()}`);
  return ((await res.json()) as { data: { token: string } }).data.token;
}
