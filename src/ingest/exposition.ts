/**
 * Strict, fast parser of the Prometheus text exposition format 0.0.4
 * (spec: https://prometheus.io/docs/instrumenting/exposition_formats/#text-based-format).
 *
 * Why our own parser: ingest is the core of the monitor and the hot path (goal >= 200k samples/s
 * scrape + parse + store on one core). We need exact, 1-based line numbers and precise messages for every
 * malformed input (they end up in a target's `lastError`), strict validation (names, escapes, numbers,
 * duplicate labels, TYPE rules), duplicate-series accounting and a hard size limit; no npm package gives all
 * of that, and prom-client only renders. The parser is a single pass over char codes with no regular
 * expressions on the per-sample path.
 */
import { ExpositionParseError, PayloadTooLargeError } from '../errors.ts';
import type { Labels, Sample } from '../model/sample.ts';
import { applyComment, readComment, sampleFamily, type ExpositionFamily } from './exposition-families.ts';
import { canonicalKey, SeriesSet } from './exposition-series-set.ts';
import type { SeriesTextCache } from './series-text-cache.ts';
import {
  COMMA,
  CR,
  EQ,
  HASH,
  isBlank,
  isLabelChar,
  isLabelStart,
  isNameChar,
  isNameStart,
  LBRACE,
  LF,
  parseValueAt,
  QUOTE,
  RBRACE,
  readLabelValue,
  secondsToMs,
  type LexCursor,
} from './exposition-lexical.ts';

/**
 * The sample array's initial length for a body of a target whose last body had `last` samples: 1/16 more and 16 more
 * (new series, and the scraper's three synthetic samples appended after the parse).
 */
export function sampleArrayRoom(last: number): number {
  return last + (last >> 4) + 16;
}

/** Options of {@link parseExposition}. */
export interface ParseExpositionOptions {
  /** Timestamp (Unix ms) given to samples that carry none, e.g. the scrape start time. */
  readonly defaultTimestampMs: number;
  /** Maximum input size in UTF-8 bytes; larger input throws PayloadTooLargeError. Default: no limit. */
  readonly maxBytes?: number;
  /**
   * The target's cache of label sets by series text (series-text-cache.ts): a line whose label-set text is the
   * same as in the target's last parsed body reuses its labels (the same frozen object) instead of reading them
   * again (and a `#` line of the same text is not read again). The result is the same as without it, except that
   * such label objects are shared between scrapes.
   */
  readonly seriesCache?: SeriesTextCache;
}

/** Result of {@link parseExposition}. */
export interface ParseExpositionResult {
  /** Samples in input order; `labels` never contains `__name__`. Duplicate series are left out. */
  readonly samples: Sample[];
  /** Families named by `# TYPE` or `# HELP` lines, by family name. */
  readonly families: Map<string, ExpositionFamily>;
  /** Samples dropped because the same name + label set already appeared earlier in this exposition. */
  readonly duplicates: number;
}

/**
 * Parses one text exposition (format 0.0.4).
 *
 * Accepted: `# HELP name text` (escapes `\\`, `\n`), `# TYPE name counter|gauge|histogram|summary|untyped`,
 * other `#` comments, blank lines, samples `name{label="value",...} value [timestamp_ms]` with label value
 * escapes `\\`, `\"`, `\n`, a trailing comma in the label set, values `NaN`, `+Inf`, `-Inf` and decimal floats,
 * optional integer timestamps in ms, `\n` or `\r\n` line ends.
 *
 * Rules enforced (each violation throws ExpositionParseError naming the 1-based line): valid metric and
 * label names (names beginning with `__` are reserved), terminated label values, only the three escapes, no duplicate label name in a sample, a value
 * present and numeric, an integer timestamp, nothing after the timestamp, at most one TYPE and one HELP per
 * family, a TYPE line before the family's first sample, a known type, histogram `_bucket` samples with `le`.
 * A second sample of the same series (same name and label set, in any label order) is dropped and counted in
 * `duplicates` (the first one wins).
 *
 * Cost: O(input length); memory O(samples) (one key per sample for duplicate detection).
 * @param text the exposition body, whole or in pieces that each end at a line's end (`\n`) but the last (the
 *   scraper decodes a body in pieces of under 64 KiB: V8 allocates a string over 128 KiB in its large-object space,
 *   each one mapped and unmapped anew, which cost about 5 ns per byte of the body against 0.2 for small ones).
 * @param opts default timestamp for samples without one; optional size limit in bytes.
 * @returns samples, families and the duplicate count.
 * @throws PayloadTooLargeError when `text` is larger than `opts.maxBytes` UTF-8 bytes (nothing is parsed).
 * @throws ExpositionParseError on the first malformed line.
 */
export function parseExposition(
  text: string | readonly string[],
  opts: ParseExpositionOptions,
): ParseExpositionResult {
  return parseExpositionLines(text, opts);
}

/**
 * How a dialect of the text format (OpenMetrics, openmetrics.ts) differs from 0.0.4 for the shared line parser
 * {@link parseExpositionLines}: names and types of its metadata lines, samples left out unread, timestamps in
 * seconds, and a `#` trailer (an exemplar) after a sample.
 */
export interface ExpositionDialect {
  /** The family name a `# HELP` / `# TYPE` line's name stands for. */
  familyName(name: string): string;
  /** The 0.0.4 type a `# TYPE` line's type stands for (unknown types are returned as they are, and refused). */
  typeName(type: string): string;
  /** Whether samples named `name` are left out without being read. */
  skipsSample(name: string): boolean;
  /**
   * Reads the `#` trailer of a sample line (from `start`, at the `#`, to `end`); it must not throw for a malformed
   * trailer (the sample is kept). `labels` are the sample's labels.
   */
  trailer(text: string, start: number, end: number, name: string, labels: Labels): void;
  /** Sees each `#` line that starts at its line's start (`start`, at the `#`, to `end`, without a `\r`); may throw. */
  comment?(text: string, start: number, end: number): void;
}

/** Throws PayloadTooLargeError when `text` (whole or in pieces) is over `maxBytes` UTF-8 bytes (undefined: no limit). */
export function checkExpositionSize(text: string | readonly string[], maxBytes: number | undefined): void {
  if (maxBytes === undefined) return;
  const pieces = typeof text === 'string' ? [text] : text;
  let length = 0;
  for (const piece of pieces) length += piece.length;
  // A UTF-16 unit is at most 3 UTF-8 bytes: only count exactly when it could matter.
  if (length * 3 <= maxBytes) return;
  let bytes = length;
  if (length <= maxBytes) {
    bytes = 0;
    for (const piece of pieces) bytes += Buffer.byteLength(piece, 'utf8');
  }
  if (bytes > maxBytes) throw new PayloadTooLargeError(maxBytes, 'exposition');
}

/**
 * The line parser of {@link parseExposition}, over `body` (whole, or pieces each ending at a line's end but the
 * last) up to `limit` in its last piece (default the piece's length), in the 0.0.4 text format or in `dialect`: timestamps then are seconds (decimals allowed, made integer ms), a sample may end in a
 * `#` trailer, and metadata names, types and left-out samples are the dialect's.
 * @throws PayloadTooLargeError, ExpositionParseError as {@link parseExposition}.
 */
export function parseExpositionLines(
  body: string | readonly string[],
  opts: ParseExpositionOptions,
  dialect?: ExpositionDialect,
  limit?: number,
): ParseExpositionResult {
  checkExpositionSize(body, opts.maxBytes);
  const pieces = typeof body === 'string' ? [body] : body;
  const defaultTs = opts.defaultTimestampMs;
  const cache = opts.seriesCache;
  cache?.begin();
  // Sized from the target's last body with room to spare, cut to the count at the end: no copies as it grows. The cut
  // keeps the room (V8 trims an array's store only when it shrinks by more than half), so the samples the scraper
  // appends (`up`, `scrape_duration_seconds`, `scrape_samples_scraped`) and a few new series need no copy either.
  const samples: Sample[] = cache === undefined ? [] : new Array<Sample>(sampleArrayRoom(cache.lastSamples));
  let nSamples = 0;
  const families = new Map<string, ExpositionFamily>();
  const typed = new Set<string>();
  const helped = new Set<string>();
  /** Names of samples seen (raw sample names), to enforce TYPE-before-samples. */
  const sampleNames = new Set<string>();
  const seen = new SeriesSet();
  let duplicates = 0;

  // Per-name cache: the family of the last sample name (names repeat in runs).
  let lastName = '';
  let lastIsBucket = false;
  let lastSkipped = false;
  /** Label-name order of the first sample of each name: the canonical order of duplicate keys. */
  const orderByName = new Map<string, string[]>();
  let order: string[] | undefined;

  const cur: LexCursor = { pos: 0 };
  let lineNo = 0;
  const last = pieces.length - 1;
  let piece = -1;
  let text = '';
  let len = 0;
  let pos = 0;
  for (;;) {
    if (pos >= len) {
      // the next piece (each but the last ends at a line's end, so no line spans two)
      if (++piece > last) break;
      text = pieces[piece]!;
      len = piece === last ? (limit ?? text.length) : text.length;
      if (piece < last && text.charCodeAt(len - 1) !== LF)
        throw new Error('exposition pieces must end at the end of a line');
      pos = 0;
      continue;
    }
    lineNo++;
    let end = text.indexOf('\n', pos);
    if (end < 0) end = len;
    const next = end + 1;
    if (end > pos && text.charCodeAt(end - 1) === CR) end--;
    let i = pos;
    while (i < end && isBlank(text.charCodeAt(i))) i++;
    if (i === end) {
      pos = next;
      continue;
    }
    const first = text.charCodeAt(i);
    if (first === HASH) {
      if (i === pos) dialect?.comment?.(text, i, end);
      // A `#` line the target's last body had too is taken from the cache (read once), and checked here as any other.
      const comment = cache === undefined ? readComment(text, i + 1, end) : cache.comment(text, i + 1, end);
      applyComment(comment, lineNo, families, typed, helped, sampleNames, dialect);
      pos = next;
      continue;
    }

    // ---- metric name
    const nameStart = i;
    // The same series text as a line of the target's last body: read to the same name, labels and end
    // (series-text-cache.ts); the rest of the line is checked as any other.
    const hit = cache?.match(text, i);
    let name: string;
    if (hit !== undefined) {
      i += hit.name.length;
      name = hit.name === lastName ? lastName : hit.name;
    } else {
      if (!isNameStart(first))
        throw new ExpositionParseError(
          lineNo,
          `invalid metric name starting with ${JSON.stringify(text[i])}`,
        );
      i++;
      while (i < end && isNameChar(text.charCodeAt(i))) i++;
      // Names come in runs: reuse the previous name's string instead of allocating a copy.
      name =
        i - nameStart === lastName.length && text.startsWith(lastName, nameStart)
          ? lastName
          : text.slice(nameStart, i);
    }
    if (name !== lastName) {
      lastName = name;
      lastSkipped = dialect !== undefined && dialect.skipsSample(name);
      if (!lastSkipped) {
        sampleNames.add(name);
        const fam = sampleFamily(name, families);
        lastIsBucket = fam !== undefined && fam.type === 'histogram' && name.endsWith('_bucket');
        order = orderByName.get(name);
      }
    }
    if (lastSkipped) {
      pos = next;
      continue;
    }
    if (i < end) {
      const c = text.charCodeAt(i);
      if (c !== LBRACE && !isBlank(c)) {
        throw new ExpositionParseError(
          lineNo,
          `invalid character ${JSON.stringify(text[i])} in metric name ${JSON.stringify(name + text[i])}`,
        );
      }
    }

    // ---- labels
    let labels: Labels;
    let nLabels = 0;
    // `normalized`: the raw text of name + label set is exactly the canonical series text (no blanks, no
    // trailing comma, no empty braces) so it can serve as the duplicate key without building a string.
    let normalized = true;
    let matchesOrder = true;
    const afterName = i;
    let hasLabelSet = false;
    if (hit !== undefined) {
      labels = hit.labels;
      nLabels = hit.keys.length;
      normalized = hit.normalized;
      hasLabelSet = true;
      i = nameStart + hit.series.length;
      if (order !== undefined && hit.keys !== order) {
        for (let j = 0; j < nLabels && matchesOrder; j++) if (hit.keys[j] !== order[j]) matchesOrder = false;
      }
    } else {
      const read: Record<string, string> = {};
      labels = read;
      while (i < end && isBlank(text.charCodeAt(i))) i++;
      if (i < end && text.charCodeAt(i) === LBRACE) {
        hasLabelSet = true;
        if (i !== afterName) normalized = false;
        i++;
        for (;;) {
          if (i < end && isBlank(text.charCodeAt(i))) {
            normalized = false;
            while (i < end && isBlank(text.charCodeAt(i))) i++;
          }
          if (i >= end)
            throw new ExpositionParseError(lineNo, `unterminated label set of ${name} (missing '}')`);
          let c = text.charCodeAt(i);
          if (c === RBRACE) {
            normalized = false; // `{}` or a trailing comma
            i++;
            break;
          }
          // Fast path: the label names so far are the name's canonical order and the next one is the expected
          // name (a valid, non-reserved name, distinct from the ones before it): reuse its string.
          const expected = matchesOrder && order !== undefined ? order[nLabels] : undefined;
          let lname: string;
          let known = false;
          if (
            expected !== undefined &&
            text.startsWith(expected, i) &&
            !(i + expected.length < end && isLabelChar(text.charCodeAt(i + expected.length)))
          ) {
            lname = expected;
            i += expected.length;
            known = true;
          } else {
            if (!isLabelStart(c))
              throw new ExpositionParseError(
                lineNo,
                `invalid label name starting with ${JSON.stringify(text[i])} in ${name}`,
              );
            const ls = i;
            i++;
            while (i < end && isLabelChar(text.charCodeAt(i))) i++;
            lname = text.slice(ls, i);
          }
          if (i < end && isBlank(text.charCodeAt(i))) {
            normalized = false;
            while (i < end && isBlank(text.charCodeAt(i))) i++;
          }
          if (i >= end || text.charCodeAt(i) !== EQ) {
            throw new ExpositionParseError(
              lineNo,
              i >= end
                ? `missing '=' after label name ${lname}`
                : `invalid character ${JSON.stringify(text[i])} in label name ${lname} (expected '=')`,
            );
          }
          i++;
          if (i < end && isBlank(text.charCodeAt(i))) {
            normalized = false;
            while (i < end && isBlank(text.charCodeAt(i))) i++;
          }
          if (i >= end || text.charCodeAt(i) !== QUOTE)
            throw new ExpositionParseError(lineNo, `label value of ${lname} must start with '"'`);
          i++;
          const value = readLabelValue(text, i, end, cur);
          if (value === undefined) {
            if (cur.pos >= end)
              throw new ExpositionParseError(lineNo, `unterminated label value of ${lname}`);
            throw new ExpositionParseError(
              lineNo,
              `invalid escape sequence \\${text[cur.pos + 1]} in label value of ${lname}`,
            );
          }
          i = cur.pos;
          if (!known) {
            // Spec: label names beginning with __ are reserved (this also keeps `__proto__` out of plain objects).
            if (lname.charCodeAt(0) === 95 && lname.charCodeAt(1) === 95)
              throw new ExpositionParseError(
                lineNo,
                `label name ${lname} is reserved (names beginning with __ are internal)`,
              );
            if (Object.prototype.hasOwnProperty.call(read, lname))
              throw new ExpositionParseError(lineNo, `duplicate label name ${lname} in ${name}`);
            matchesOrder = false;
          }
          read[lname] = value;
          nLabels++;
          if (i < end && isBlank(text.charCodeAt(i))) {
            normalized = false;
            while (i < end && isBlank(text.charCodeAt(i))) i++;
          }
          if (i >= end)
            throw new ExpositionParseError(lineNo, `unterminated label set of ${name} (missing '}')`);
          c = text.charCodeAt(i);
          if (c === COMMA) {
            i++;
            continue;
          }
          if (c === RBRACE) {
            i++;
            break;
          }
          throw new ExpositionParseError(
            lineNo,
            `expected ',' or '}' after label ${lname}, found ${JSON.stringify(text[i])}`,
          );
        }
      }
      if (cache !== undefined && hasLabelSet)
        labels = cache.record(name, text, nameStart, i, read, normalized);
    }
    const labelsEnd = hasLabelSet ? i : afterName;
    if (order === undefined) {
      order = Object.keys(labels);
      orderByName.set(name, order);
      matchesOrder = true;
    } else if (nLabels !== order.length) matchesOrder = false;
    if (lastIsBucket && labels['le'] === undefined)
      throw new ExpositionParseError(lineNo, `histogram bucket ${name} without le label`);

    // ---- value
    const afterLabels = hasLabelSet ? i : afterName;
    while (i < end && isBlank(text.charCodeAt(i))) i++;
    if (i >= end) throw new ExpositionParseError(lineNo, `missing value for ${name}`);
    if (i === afterLabels)
      throw new ExpositionParseError(lineNo, `expected whitespace before the value of ${name}`);
    const valStart = i;
    while (i < end && !isBlank(text.charCodeAt(i))) i++;
    const value = parseValueAt(text, valStart, i);
    if (value === undefined)
      throw new ExpositionParseError(
        lineNo,
        `bad number ${JSON.stringify(text.slice(valStart, i))} as value of ${name}`,
      );

    // ---- optional timestamp
    while (i < end && isBlank(text.charCodeAt(i))) i++;
    let ts = defaultTs;
    if (dialect !== undefined) {
      // Timestamps in seconds; a `#` after the value (and timestamp) starts the trailer.
      if (i < end && text.charCodeAt(i) !== HASH) {
        const tsStart = i;
        while (i < end && !isBlank(text.charCodeAt(i))) i++;
        const ms = secondsToMs(text.slice(tsStart, i));
        if (ms === undefined)
          throw new ExpositionParseError(
            lineNo,
            `bad timestamp ${JSON.stringify(text.slice(tsStart, i))} (expected seconds)`,
          );
        ts = ms;
        while (i < end && isBlank(text.charCodeAt(i))) i++;
      }
      if (i < end) {
        if (text.charCodeAt(i) !== HASH)
          throw new ExpositionParseError(
            lineNo,
            `unexpected text after the timestamp: ${JSON.stringify(text.slice(i, end))}`,
          );
        dialect.trailer(text, i, end, name, labels);
      }
    } else if (i < end) {
      const tsStart = i;
      while (i < end && !isBlank(text.charCodeAt(i))) i++;
      const tsTok = text.slice(tsStart, i);
      let j = tsTok.charCodeAt(0) === 45 ? 1 : 0;
      if (j >= tsTok.length)
        throw new ExpositionParseError(
          lineNo,
          `bad timestamp ${JSON.stringify(tsTok)} (expected integer milliseconds)`,
        );
      for (; j < tsTok.length; j++) {
        const c = tsTok.charCodeAt(j);
        if (c < 48 || c > 57)
          throw new ExpositionParseError(
            lineNo,
            `bad timestamp ${JSON.stringify(tsTok)} (expected integer milliseconds)`,
          );
      }
      ts = Number(tsTok);
      if (!Number.isSafeInteger(ts))
        throw new ExpositionParseError(lineNo, `timestamp ${tsTok} out of range`);
      while (i < end && isBlank(text.charCodeAt(i))) i++;
      if (i < end)
        throw new ExpositionParseError(
          lineNo,
          `unexpected text after the timestamp: ${JSON.stringify(text.slice(i, end))}`,
        );
    }

    // ---- duplicate series
    let fresh: boolean;
    if (normalized && matchesOrder)
      fresh = hit !== undefined ? seen.addEntry(hit) : seen.addRange(text, nameStart, labelsEnd);
    else {
      const key = canonicalKey(name, labels, nLabels, order);
      fresh = seen.addRange(key, 0, key.length);
    }
    if (fresh) samples[nSamples++] = { name, labels, value, timestampMs: ts };
    else duplicates++;
    pos = next;
  }
  samples.length = nSamples;
  cache?.commit(nSamples);
  seen.release();
  return { samples, families, duplicates };
}
