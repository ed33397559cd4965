/**
 * The parts of the scrape's transport in a `serve` profile (bench/probe-profile-summary.ts `--transport`): the
 * samples the summary puts under "scrape: HTTP, body, target labels" and "rest (sockets, timers, metrics
 * endpoint)", split by what they were doing. Each sample goes to the first part whose test matches its stack
 * (`function@dir/file` frames, innermost first), so a socket write made while answering the monitor's own API
 * counts as the API's.
 */

const any =
  (re: RegExp) =>
  (f: readonly string[]): boolean =>
    f.some((x) => re.test(x));

/** Parts in order of precedence. */
export const TRANSPORT_PARTS: readonly (readonly [string, (frames: readonly string[]) => boolean])[] = [
  ["the monitor's API and /metrics (the probe's polls)", any(/@(server|routes)\/|@fastify\/|@lib\/registry/)],
  ['target labels (labelScraped, relabel)', any(/@ingest\/(scrape-labels|relabel)/)],
  ['body bytes to text (decodePieces)', any(/^decodePieces@/)],
  [
    'AbortSignal of the request',
    any(/@events\/abort_listener|abort_controller|add-abort-signal|end-of-stream/),
  ],
  [
    'request: build (ClientRequest, options, headers)',
    any(/^(ClientRequest|request)@node:http|^send@ingest/),
  ],
  ['request: write (socket write of the head)', any(/^onSocketNT@|^_flush@node:_http_outgoing/)],
  ['keep-alive: socket back to the pool', any(/^(emitFreeNT|keepSocketAlive|responseKeepAlive)@/)],
  [
    'response: socket reads, HTTP parser, body stream',
    any(/^(onStreamRead|socketOnData|parserOn\w+|endReadableNT|emitCloseNT|readRaw)@/),
  ],
  ['scraper: schedule, deadline, outcome', any(/@ingest\/(scraper|http-scrape|http-get)/)],
  ['timers (Node internals)', (f) => /^(processTimers|listOnTimeout|insert|percolate\w*|peek)@/.test(f[0]!)],
  [
    'promise and tick machinery',
    (f) => /^(runMicrotasks|processTicksAndRejections|runNextTicks)@/.test(f[0]!),
  ],
  ['(program): native, not attributed', (f) => f[0]!.startsWith('(program)')],
  ['other', () => true],
];
