/**
 * A 64-bit Bloom filter of a log line's tokens (one bit per token), kept in the SQLite store's (stream id, time)
 * index next to each entry, so a line filter over a node's streams skips, from the index alone, the entries that
 * cannot contain its substring — without reading their rows (each row read is a B-tree seek; at 5 M lines a
 * `|= " timed out "` over one node read ~20 000 rows to find 100 matches).
 *
 * Tokens are the maximal runs of ASCII letters and digits, lowercased; each made of letters only sets the bit its
 * FNV-1a hash selects (runs with a digit — numbers, ids, hex — are many and mostly unique per line: they would
 * fill the filter and are not looked for).
 * A query requires the bits of tokens every matching line has (`LogScan.containsWords`: whole tokens of a `|=`
 * needle, or full-text tokens): such a token, being pure ASCII and bounded by characters that are not letters
 * or digits, is also a maximal ASCII run of the line, so its bit is set — a line is never skipped wrongly. Words
 * with digits or other characters require no bit. 0 means "no filter" (entries written before the column existed, lines
 * without tokens): such entries are always read.
 * @see https://en.wikipedia.org/wiki/Bloom_filter
 * @see http://www.isthe.com/chongo/tech/comp/fnv/index.html#FNV-1a
 */

const FNV_OFFSET_32 = 0x811c9dc5;
const FNV_PRIME_32 = 0x01000193;

/** The bit (0–63) of a token's FNV-1a 32 hash, folded so every hash bit counts. */
function bitOf(h: number): number {
  return ((h >>> 26) ^ (h >>> 20) ^ (h >>> 14) ^ (h >>> 8) ^ (h >>> 2) ^ (h << 4)) & 63;
}

/** A signed 64-bit integer (SQLite's INTEGER) from two 32-bit halves. */
function int64Of(hi: number, lo: number): bigint {
  return BigInt.asIntN(64, (BigInt(hi >>> 0) << 32n) | BigInt(lo >>> 0));
}

/**
 * The token Bloom filter of a line: a signed 64-bit integer, 0 when the line has no ASCII letter or digit.
 * @param line the stored line (after masking)
 */
export function tokenBloom(line: string): bigint {
  let lo = 0;
  let hi = 0;
  let h = FNV_OFFSET_32;
  let inToken = false;
  let digit = false;
  for (let i = 0; i <= line.length; i++) {
    let c = i < line.length ? line.charCodeAt(i) : 0;
    if (c >= 65 && c <= 90) c += 32;
    if (c >= 97 && c <= 122) {
      h = Math.imul(h ^ c, FNV_PRIME_32);
      inToken = true;
    } else if (c >= 48 && c <= 57) {
      // a run with a digit (numbers, ids, hex) sets no bit: such runs are many and mostly unique per line
      digit = true;
      inToken = true;
    } else if (inToken) {
      if (!digit) {
        const b = bitOf(h);
        if (b < 32) lo |= 1 << b;
        else hi |= 1 << (b - 32);
      }
      h = FNV_OFFSET_32;
      inToken = false;
      digit = false;
    }
  }
  return lo === 0 && hi === 0 ? 0n : int64Of(hi, lo);
}

/**
 * The bits every line holding all of `words` has in its {@link tokenBloom}; 0 when none is required (no word is
 * made of ASCII letters only).
 * @param words tokens each matching line contains as a whole token (case-insensitive)
 */
export function tokenBloomMask(words: readonly string[]): bigint {
  let lo = 0;
  let hi = 0;
  for (const w of words) {
    if (!/^[A-Za-z]+$/.test(w)) continue;
    const b = bitOf(hashToken(w.toLowerCase()));
    if (b < 32) lo |= 1 << b;
    else hi |= 1 << (b - 32);
  }
  return lo === 0 && hi === 0 ? 0n : int64Of(hi, lo);
}

/** FNV-1a 32 of a lowercased ASCII token (as {@link tokenBloom} hashes it). */
function hashToken(t: string): number {
  let h = FNV_OFFSET_32;
  for (let i = 0; i < t.length; i++) h = Math.imul(h ^ t.charCodeAt(i), FNV_PRIME_32);
  return h;
}
