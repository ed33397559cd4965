/** Locating the real Debian binaries integration tests start (prometheus, promtool, alertmanager, ...). */
import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';

/** Absolute path of an executable on PATH (or in /usr/bin, /usr/sbin), or undefined. */
export function findBinary(name: string): string | undefined {
  const dirs = [...(process.env.PATH ?? '').split(delimiter), '/usr/bin', '/usr/sbin', '/usr/local/bin'];
  for (const d of dirs) {
    if (!d) continue;
    const p = join(d, name);
    try {
      accessSync(p, constants.X_OK);
      return p;
    } catch {
      // not here
    }
  }
  return undefined;
}

/**
 * The binary's path; when missing, returns undefined outside CI (the caller skips with a reason) and
 * throws under CI=true, because CI installs every binary the tests need and a skip would hide a broken setup.
 * @throws Error when CI=true and the binary is missing.
 */
export function requireBinary(name: string): string | undefined {
  const p = findBinary(name);
  if (!p && process.env.CI === 'true') {
    throw new Error(`${name} is required in CI (CI=true) but was not found on PATH; .ci/run must install it`);
  }
  return p;
}
