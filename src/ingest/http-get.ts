/**
 * The scraper's HTTP transport: one GET over `node:http`/`node:https` with keep-alive agents, the body read as
 * Buffer chunks within a size limit and decoded once. Cheaper than global `fetch` (undici behind the WHATWG
 * streams layer), which took about 29 % of `serve`'s busy CPU under the 12-node probe load (docs/storage.md,
 * "Where `serve` spends its CPU").
 * @see https://nodejs.org/api/http.html#httprequesturl-options-callback
 */
import { isAscii } from 'node:buffer';
import {
  Agent as HttpAgent,
  request as httpRequest,
  type ClientRequest,
  type IncomingMessage,
  type RequestOptions,
} from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import { urlToHttpOptions } from 'node:url';
import { gunzip, inflate, inflateRaw, type InputType, type ZlibOptions } from 'node:zlib';
import { PayloadTooLargeError, ScrapeError } from '../errors.ts';

/**
 * Idle keep-alive connections are closed after this many ms (undici's default keep-alive timeout, 4 s, so a
 * target scraped every second keeps one connection; below the 5 s of Node's and Go's servers, which avoids
 * reusing a socket the server is closing).
 */
export const KEEP_ALIVE_IDLE_MS = 4_000;

/** Idle connections kept per target host:port. */
const MAX_FREE_SOCKETS_PER_HOST = 4;

const AGENT_OPTIONS = {
  keepAlive: true,
  timeout: KEEP_ALIVE_IDLE_MS,
  maxFreeSockets: MAX_FREE_SOCKETS_PER_HOST,
  scheduling: 'lifo',
} as const;

const httpAgent = new HttpAgent(AGENT_OPTIONS);
const httpsAgent = new HttpsAgent(AGENT_OPTIONS);

const LF = 10;

/** The `Accept-Encoding` sent with every scrape (the one `fetch` sent before; Prometheus asks for gzip). */
export const SCRAPE_ACCEPT_ENCODING = 'gzip, deflate';

/** A response whose status line and headers arrived; its body not read yet. */
export interface HttpHead {
  readonly status: number;
  /** The `Location` header, if any. */
  readonly location: string | undefined;
  readonly contentType: string | undefined;
  readonly contentLength: number;
  readonly contentEncoding: string | undefined;
  /** The body, to read once with {@link readBody} or drop with {@link discardBody}. */
  readonly message: IncomingMessage;
}

/**
 * A GET of one URL prepared once (a target's scrape URL, kept by the scraper): the request options without the
 * headers, so a scrape does not parse the URL or convert it to options again.
 */
export interface GetTarget {
  readonly url: URL;
  /** `hostname`, `port`, `path`, `method`, `agent` of `http.request`; headers are added per request. */
  readonly options: RequestOptions;
  readonly https: boolean;
  /** The `Host` header: the URL's host and port (the port only when not the scheme's default), as Node sets it. */
  readonly hostHeader: string;
  /** `Basic` credentials from the URL's user and password, sent when no `authorization` header is given. */
  readonly basicAuthorization: string | undefined;
}

/** Prepares a GET of `url` (http: or https:). */
export function prepareGet(url: URL): GetTarget {
  const https = url.protocol === 'https:';
  const { hostname, port, path, auth } = urlToHttpOptions(url);
  return {
    url,
    https,
    options: { hostname, port, path, method: 'GET', agent: https ? httpsAgent : httpAgent },
    hostHeader: url.host,
    basicAuthorization: auth ? `Basic ${Buffer.from(auth).toString('base64')}` : undefined,
  };
}

/**
 * The request of one scrape in flight, for its deadline to end: `httpGet` hands it each request it sends.
 * A deadline destroys the request it holds with its error (and any later one at once); replaces the
 * `AbortSignal` of `http.request`, whose listener and end-of-stream watcher cost about 1 % of `serve`'s CPU.
 */
export interface RequestWatch {
  /** The error the deadline ended the scrape with, once it passed. */
  readonly expired: Error | undefined;
  /** Takes the request just sent; destroys it at once when the deadline has passed. */
  track(req: ClientRequest): void;
}

/**
 * The request headers of a scrape as a flat `[name, value, ...]` list: `headers` (lower-case names), then `Host`,
 * then the URL's `Basic` credentials unless `headers` has `authorization` — the order and spelling `http.request`
 * uses for the same headers given as an object with the URL; a list is written as given, without the per-header
 * bookkeeping of `setHeader`.
 */
export function rawHeaders(target: GetTarget, headers: Readonly<Record<string, string>>): string[] {
  const out: string[] = [];
  for (const name of Object.keys(headers)) out.push(name, headers[name]!);
  out.push('Host', target.hostHeader);
  if (target.basicAuthorization !== undefined && headers.authorization === undefined)
    out.push('Authorization', target.basicAuthorization);
  return out;
}

function send(target: GetTarget, headers: readonly string[], watch: RequestWatch): Promise<HttpHead> {
  return new Promise((resolve, reject) => {
    const req = (target.https ? httpsRequest : httpRequest)({
      ...target.options,
      headers: headers as string[],
    });
    req.once('response', (message) => {
      const h = message.headers;
      const cl = h['content-length'];
      resolve({
        status: message.statusCode ?? 0,
        location: h.location,
        contentType: h['content-type'],
        contentLength: cl === undefined ? NaN : Number(cl),
        contentEncoding: h['content-encoding'],
        message,
      });
    });
    req.on('error', (e: NodeJS.ErrnoException) => {
      // A keep-alive connection the server closed just as it was reused: said by Node to be retried.
      if (req.reusedSocket && (e.code === 'ECONNRESET' || e.code === 'EPIPE') && watch.expired === undefined)
        (e as { retryable?: boolean }).retryable = true;
      reject(e);
    });
    req.end();
    watch.track(req);
  });
}

/**
 * Sends one GET of `target` with `headers` (a flat list, {@link rawHeaders}) and waits for its status line and
 * headers. A request that failed because the reused keep-alive connection was being closed by the server is sent
 * once more on a new one. Rejects with the request's error (the deadline's error when `watch` expired;
 * `ECONNREFUSED`, `ECONNRESET`, ... otherwise).
 * @see https://nodejs.org/api/http.html#requestreusedsocket
 */
export async function httpGet(
  target: GetTarget,
  headers: readonly string[],
  watch: RequestWatch,
): Promise<HttpHead> {
  try {
    return await send(target, headers, watch);
  } catch (e) {
    if ((e as { retryable?: boolean }).retryable !== true) throw e;
    return send(target, headers, watch);
  }
}

/** Drops a response's body unread (its connection is closed, not reused). */
export function discardBody(head: HttpHead): void {
  head.message.destroy();
}

/** The raw body bytes, refusing more than `limit`; rejects with the stream's error on a reset or truncation. */
function readRaw(message: IncomingMessage, limit: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let settled = false;
    const fail = (e: unknown): void => {
      if (settled) return;
      settled = true;
      message.destroy();
      reject(e);
    };
    message.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) fail(new PayloadTooLargeError(limit, 'response body'));
      else chunks.push(chunk);
    });
    message.once('end', () => {
      if (settled) return;
      settled = true;
      const c0 = chunks[0];
      resolve(chunks.length === 1 && c0 !== undefined ? c0 : Buffer.concat(chunks, size));
    });
    message.once('error', fail);
    message.once('close', () => {
      // 'close' follows 'end' on every answer: the error (a stack trace each) is made only for a body cut short.
      if (!settled) fail(Object.assign(new Error('response body cut short'), { code: 'ECONNRESET' }));
    });
  });
}

type Inflate = (buf: InputType, options: ZlibOptions, cb: (e: Error | null, out: Buffer) => void) => void;

function decompress(fn: Inflate, buf: Buffer, limit: number): Promise<Buffer> {
  return new Promise((resolve, reject) =>
    fn(buf, { maxOutputLength: Math.max(1, limit) }, (e, out) => (e ? reject(e) : resolve(out))),
  );
}

/** Undoes the body's content coding (gzip, deflate with or without its zlib header), at most `limit` bytes out. */
async function decode(encoding: string | undefined, raw: Buffer, limit: number): Promise<Buffer> {
  const coding = (encoding ?? '').trim().toLowerCase();
  if (coding === '' || coding === 'identity' || raw.length === 0) return raw;
  const fn: Inflate | undefined =
    coding === 'gzip' || coding === 'x-gzip'
      ? gunzip
      : coding === 'deflate'
        ? // a zlib header's first byte has 8 (deflate) in its low nibble; servers also send raw deflate
          (raw[0]! & 0x0f) === 8
          ? inflate
          : inflateRaw
        : undefined;
  if (fn === undefined) return raw; // an unknown coding is passed on as is, as fetch did
  try {
    return await decompress(fn, raw, limit);
  } catch (e) {
    if ((e as { code?: unknown }).code === 'ERR_BUFFER_TOO_LARGE')
      throw new PayloadTooLargeError(limit, `response body (decompressed ${coding})`);
    throw new ScrapeError(`response body is not valid ${coding}: ${(e as Error).message}`, { cause: e });
  }
}

/**
 * Bytes of a body decoded into one string at most: V8 allocates a string over 128 KiB in its large-object space,
 * mapped and unmapped anew each time, which measured about 5 ns per byte (half of it system time) against 0.2-0.3
 * for strings under it; a 60 KiB piece stays under that even as UTF-16 (two bytes per character).
 */
export const BODY_PIECE_BYTES = 60 * 1024;

/**
 * A body's text in pieces of about `pieceBytes` bytes, each ending at a line's end (`\n`) but the last (a line
 * longer than `pieceBytes` is a piece of its own), as the exposition parsers take it. An all-ASCII body (the usual
 * exposition) is decoded as Latin-1 — the same text as UTF-8 for ASCII bytes, without the UTF-8 decoder — any
 * other as UTF-8 (a `\n` byte is never inside a UTF-8 sequence, so the pieces decode as the whole would).
 */
export function decodePieces(buf: Buffer, pieceBytes = BODY_PIECE_BYTES): string[] {
  const encoding = isAscii(buf) ? 'latin1' : 'utf8';
  if (buf.length <= pieceBytes) return [buf.toString(encoding)];
  const pieces: string[] = [];
  for (let start = 0; start < buf.length;) {
    let end = start + pieceBytes;
    if (end >= buf.length) end = buf.length;
    else {
      const nl = buf.lastIndexOf(LF, end - 1);
      const after = nl >= start ? nl : buf.indexOf(LF, end);
      end = after < 0 ? buf.length : after + 1;
    }
    pieces.push(buf.toString(encoding, start, end));
    start = end;
  }
  return pieces;
}

/**
 * Reads a response body as text in pieces ({@link decodePieces}): refuses a declared (Content-Length) or streamed
 * size over `limit` bytes, and a decompressed size over `limit` (the gzip-bomb bound).
 * @throws PayloadTooLargeError over the limit; ScrapeError for a corrupt compressed body; the stream's error
 *   (`ECONNRESET`) when the connection was reset or closed before the body's end.
 */
export async function readBody(head: HttpHead, limit: number): Promise<string[]> {
  if (Number.isFinite(head.contentLength) && head.contentLength > limit) {
    discardBody(head);
    throw new PayloadTooLargeError(limit, `response body (Content-Length ${head.contentLength})`);
  }
  return decodePieces(await decode(head.contentEncoding, await readRaw(head.message, limit), limit));
}
