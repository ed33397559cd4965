/**
 * Requests from the command line to a running monitor's API (`rollout status`, `report --url`): the base URL
 * checked, an API or session token sent as `Authorization: Bearer`, a bounded wait, and errors that say what to do
 * (the monitor not running, a 401 without or with a refused token, the API's own `error` text).
 */
import { readFileSync } from 'node:fs';

/** Default monitor address (the `serve` default listen address). */
export const DEFAULT_MONITOR_URL = 'http://127.0.0.1:9500';
/** How long one request may take, ms (a PDF report is printed by Chromium within it). */
export const MONITOR_REQUEST_TIMEOUT_MS = 60_000;

/**
 * Reads the API token of `--token-file`: the file's text without surrounding whitespace (a trailing newline
 * from `echo` is fine).
 * @throws Error naming the file when it cannot be read or holds no token
 */
export function readTokenFile(path: string): string {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new Error(`--token-file ${path}: ${e instanceof Error ? e.message : String(e)}`);
  }
  const token = text.trim();
  if (token === '' || /\s/.test(token))
    throw new Error(`--token-file ${path} must hold one API or session token on one line`);
  return token;
}

/** One request to the monitor's API. */
export interface MonitorRequest {
  /** The monitor's base URL (`--url`). */
  readonly url: string;
  /** API path with its query, e.g. `/api/rollout?window=10m`. */
  readonly path: string;
  readonly method?: 'GET' | 'POST';
  /** Sent as JSON. */
  readonly body?: unknown;
  /** API or session token (docs/security.md). */
  readonly token?: string;
  /** The role the command needs, named in the 401 hint (e.g. `viewer`). */
  readonly role: string;
  readonly timeoutMs?: number;
}

/**
 * Sends `req` and returns the 2xx response (its body unread).
 * @throws Error with a readable message when `url` is not an http(s) URL, the monitor is unreachable or slow, or it
 *   answers non-2xx (its `error` text; on 401 how to pass a token).
 */
export async function monitorFetch(req: MonitorRequest): Promise<Response> {
  let target: URL;
  try {
    target = new URL(req.path, req.url);
    if (!/^https?:$/.test(target.protocol)) throw new Error('not http(s)');
  } catch {
    throw new Error(`--url must be an http(s) URL such as ${DEFAULT_MONITOR_URL}, got "${req.url}"`);
  }
  const headers: Record<string, string> = {};
  if (req.token !== undefined) headers['authorization'] = `Bearer ${req.token}`;
  if (req.body !== undefined) headers['content-type'] = 'application/json';
  let res: Response;
  try {
    res = await fetch(target, {
      method: req.method ?? 'GET',
      headers,
      signal: AbortSignal.timeout(req.timeoutMs ?? MONITOR_REQUEST_TIMEOUT_MS),
      ...(req.body === undefined ? {} : { body: JSON.stringify(req.body) }),
    });
  } catch (e) {
    const cause =
      e instanceof Error && e.cause instanceof Error
        ? e.cause.message
        : e instanceof Error
          ? e.message
          : String(e);
    throw new Error(
      `cannot reach the monitor at ${target.origin} (${cause}); is \`dwcp-monitor serve\` running?`,
    );
  }
  if (res.ok) return res;
  const body = (await res.json().catch(() => null)) as { error?: string } | null;
  const hint =
    res.status === 401
      ? req.token === undefined
        ? ` (pass --token-file with a ${req.role} API token, docs/security.md)`
        : ' (the token of --token-file was refused)'
      : '';
  throw new Error(`monitor answered HTTP ${res.status}: ${body?.error ?? res.statusText}${hint}`);
}
