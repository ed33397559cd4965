/**
 * The `streams` array of a compact Loki JSON push body (`{"streams":[{…},{…}]}`, as Promtail, Grafana Alloy and
 * Vector send it) parsed one stream object at a time. Decoding the whole body to one string first costs ~1.4 µs
 * per line on the bench's 1000-line bodies (~350 KB): a string that large is allocated outside V8's young
 * generation, page by page, and the page faults dominate; texts of one stream object each are ordinary small
 * strings (~0.1 µs per line). docs/logs-history.md "Loki JSON bodies parsed stream by stream" has the numbers.
 *
 * Exactness: the body is cut only before the bytes `,{"` that follow a `}` between the prefix `{"streams":[`
 * and the suffix `]}`; when every piece parses as JSON on its own, the body is exactly the array of those values
 * (concatenating JSON values with commas inside `[…]` is valid JSON whose elements are those values), so the
 * result equals `JSON.parse` of the whole body. Cuts fall on ASCII bytes, which never occur inside a UTF-8
 * sequence, so invalid UTF-8 is replaced the same way as in the whole body. Any other shape, or a piece that does
 * not parse, gives undefined and the caller parses the whole body (and reports its errors) as before.
 * @see https://grafana.com/docs/loki/latest/reference/loki-http-api/#ingest-logs
 */

const PREFIX = Buffer.from('{"streams":[', 'latin1');
/** Between two stream objects of a compact body: the first's closing brace, the comma, the next's first key. */
const BETWEEN = Buffer.from('},{"', 'latin1');
const CLOSE_BRACKET = 0x5d;
const CLOSE_BRACE = 0x7d;

function isJsonWhitespace(b: number): boolean {
  return b === 0x20 || b === 0x0a || b === 0x0d || b === 0x09;
}

/**
 * The elements of a compact Loki JSON push body's `streams` array, parsed piece by piece; undefined when the body
 * does not start with `{"streams":[` and end with `]}` (trailing JSON whitespace allowed), or a piece does not
 * parse — the caller then parses the whole body. Never throws.
 * @param body the push body after Content-Encoding (UTF-8 JSON)
 * @returns the array's elements (each as `JSON.parse` gives it), or undefined
 */
export function parseLokiStreamsByPiece(body: Buffer): unknown[] | undefined {
  let end = body.length;
  while (end > 0 && isJsonWhitespace(body[end - 1]!)) end--;
  if (end < PREFIX.length + 2 || body[end - 1] !== CLOSE_BRACE || body[end - 2] !== CLOSE_BRACKET)
    return undefined;
  if (body.compare(PREFIX, 0, PREFIX.length, 0, PREFIX.length) !== 0) return undefined;
  const stop = end - 2; // the array's closing bracket
  const out: unknown[] = [];
  let start = PREFIX.length;
  if (start === stop) return out;
  for (;;) {
    const at = body.indexOf(BETWEEN, start);
    // a piece ends after the `}` of `},{"`; the last one at the array's closing bracket
    const pieceEnd = at < 0 || at >= stop ? stop : at + 1;
    try {
      out.push(JSON.parse(body.toString('utf8', start, pieceEnd)));
    } catch {
      return undefined;
    }
    if (pieceEnd === stop) return out;
    start = pieceEnd + 1;
  }
}
