/**
 * A full-text design measured and not adopted (docs/logs-history.md "Tokens holding a digit: Bloom filters per block
 * instead of FTS5"): FTS5 indexes an ASCII line without its tokens holding a digit (timestamps, trace and span ids,
 * numbers — most of them in one line only, over half of FTS5's CPU), and those tokens go to a Bloom filter per
 * block of {@link BLOCK_ENTRIES} consecutive entry ids (Loki's bloom filters over chunks). A line holding a
 * non-ASCII character is indexed whole, as today (its tokens are FTS5's unicode61 tokens, which a JS scan cannot
 * reproduce exactly), and so are rows written before the change: a word search holding a digit token reads FTS5's
 * matches of all its words (those rows) and, newest block first, the rows of the blocks whose filter holds every
 * digit token, checked token by token (ASCII lines: letter/digit runs, lowercased — what unicode61 makes of ASCII).
 *
 * Used by bench/logs-store-variants.ts (`fts-digit-bloom`, `fts-digit-strip`: the write side through the shipped
 * writer) and bench/logs-digit-search.ts (the read side against the shipped word search, results compared).
 * @see https://grafana.com/docs/loki/latest/operations/bloom-filters/ (Loki's per-chunk bloom filters)
 * @see https://www.sqlite.org/fts5.html#the_delete_command (a contentless row is deleted with the text it was indexed with)
 */
import type BetterSqlite3 from 'better-sqlite3';

/**
 * Consecutive entry ids per Bloom filter block (a power of two; env `DWCP_BLOOM_BLOCK_ENTRIES`, default 16 384,
 * Loki-sized; smaller blocks make a filter say yes for fewer rows of a token present in many blocks).
 */
export const BLOCK_ENTRIES = Number(process.env['DWCP_BLOOM_BLOCK_ENTRIES'] ?? 16_384);
/**
 * Bits per block's filter: 32 per entry (4 bytes; 2^19 for 16 384 entries): ~1 % false positives at ~5
 * distinct digit tokens per entry (m/n ≈ 9.6 bits per token, k = 7); the bench's lines hold ≤ 3.7.
 */
export const BLOOM_BITS = BLOCK_ENTRIES * 32;
/** Hash functions per token (optimal k = (m/n)·ln 2 ≈ 7 at ~1 %). */
export const BLOOM_HASHES = 7;
if (!Number.isInteger(Math.log2(BLOCK_ENTRIES)))
  throw new Error('DWCP_BLOOM_BLOCK_ENTRIES must be a power of two');

const NON_ASCII = /[^\0-\x7f]/;

/** Whether unit `c` is an ASCII letter or digit (unicode61's token characters among ASCII). */
function isAlnum(c: number): boolean {
  return (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122);
}

/**
 * The text FTS5 indexes for `body`: an ASCII body without its tokens holding a digit (each handed to `onDigit`,
 * lowercased), any other body whole (nothing handed). Removing a maximal letter/digit run leaves its neighbours'
 * separators, so the other tokens are unchanged.
 */
export function ftsWords(body: string, onDigit?: (token: string) => void): string {
  if (NON_ASCII.test(body)) return body;
  let out = '';
  let kept = 0;
  let start = -1;
  let digit = false;
  for (let i = 0; i <= body.length; i++) {
    const c = i < body.length ? body.charCodeAt(i) : 32;
    if (isAlnum(c)) {
      if (start < 0) {
        start = i;
        digit = false;
      }
      if (c <= 57) digit = true;
    } else if (start >= 0) {
      if (digit) {
        out += body.slice(kept, start);
        kept = i;
        onDigit?.(body.slice(start, i).toLowerCase());
      }
      start = -1;
    }
  }
  return kept === 0 ? body : out + body.slice(kept);
}

/** Whether `body` is indexed whole (a non-ASCII line): its digit tokens stay in FTS5, no filter holds them. */
export function indexedWhole(body: string): boolean {
  return NON_ASCII.test(body);
}

/** Whether a (lowercased) query token holds a digit: such tokens are looked for through the filters. */
export function holdsDigit(token: string): boolean {
  return /[0-9]/.test(token) && !NON_ASCII.test(token);
}

/** Two 32-bit hashes of `s` (FNV-1a and a multiplicative variant; the second odd for double hashing). */
function hashes(s: string): [number, number] {
  let a = 0x811c9dc5;
  let b = 0x9747b28c;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    a = Math.imul(a ^ c, 0x01000193);
    b = Math.imul(b ^ c, 0x5bd1e995);
    b ^= b >>> 15;
  }
  return [a >>> 0, (b | 1) >>> 0];
}

/** A Bloom filter of {@link BLOOM_BITS} bits (Kirsch–Mitzenmacher double hashing). */
export class Bloom {
  readonly bits: Uint32Array;
  /** Bits − 1 (the bit count is a power of two). */
  private readonly mask: number;

  /** @param bits the filter's words (a power of two of them), or undefined for an empty filter of `size` bits */
  constructor(bits?: Uint32Array, size = BLOOM_BITS) {
    this.bits = bits ?? new Uint32Array(size / 32);
    this.mask = this.bits.length * 32 - 1;
  }

  add(token: string): void {
    const [h1, h2] = hashes(token);
    for (let i = 0; i < BLOOM_HASHES; i++) {
      const p = (h1 + Math.imul(i, h2)) & this.mask;
      this.bits[p >>> 5]! |= 1 << (p & 31);
    }
  }

  has(token: string): boolean {
    const [h1, h2] = hashes(token);
    for (let i = 0; i < BLOOM_HASHES; i++) {
      const p = (h1 + Math.imul(i, h2)) & this.mask;
      if ((this.bits[p >>> 5]! & (1 << (p & 31))) === 0) return false;
    }
    return true;
  }

  /** Share of bits set. */
  fill(): number {
    let n = 0;
    for (const w of this.bits) {
      let x = w;
      while (x !== 0) {
        x &= x - 1;
        n++;
      }
    }
    return n / (this.mask + 1);
  }
}

/** The block of an entry id. */
export const blockOf = (id: number): number => Math.floor(id / BLOCK_ENTRIES);

/**
 * The filters of one store's blocks as the writer keeps them: the open blocks in memory, a block's filter written
 * to `log_digit_blooms` once an id of a later block is indexed (after a restart the open block would be rebuilt from
 * its rows; not measured here).
 */
export class BlockBlooms {
  private readonly open = new Map<number, Bloom>();
  private readonly save: BetterSqlite3.Statement;
  /** Entries per block (a power of two). */
  readonly blockEntries: number;

  constructor(raw: BetterSqlite3.Database, blockEntries = BLOCK_ENTRIES) {
    this.blockEntries = blockEntries;
    raw.exec('create table if not exists log_digit_blooms (block integer primary key, bits blob not null)');
    this.save = raw.prepare('insert or replace into log_digit_blooms (block, bits) values (?, ?)');
    // the function the full-text statement calls per row: the indexed text, the digit tokens into the filter
    raw.function('fts_words', { deterministic: false }, (id: unknown, body: unknown) => {
      const b = this.bloomOf(Math.floor(Number(id) / this.blockEntries));
      return ftsWords(String(body), (t) => b.add(t));
    });
    // the same text without touching a filter (retention's delete command needs the indexed text)
    raw.function('fts_words_only', { deterministic: true }, (body: unknown) => ftsWords(String(body)));
  }

  /** The open filter of `block` (created empty). */
  bloomOf(block: number): Bloom {
    let b = this.open.get(block);
    if (b === undefined) this.open.set(block, (b = new Bloom(undefined, this.blockEntries * 32)));
    return b;
  }

  /** Writes the filters of blocks before `block` (the writer's next id's) and drops them from memory. */
  closeBefore(block: number): void {
    for (const [k, b] of this.open)
      if (k < block) {
        this.save.run(k, Buffer.from(b.bits.buffer, b.bits.byteOffset, b.bits.byteLength));
        this.open.delete(k);
      }
  }

  /** Writes every open filter (at the end of a fill). */
  flush(): void {
    this.closeBefore(Number.MAX_SAFE_INTEGER);
  }
}

/** The full-text statement of the design: the shipped one with the indexed text through `fts_words`. */
export const DIGIT_BLOOM_FTS =
  'insert into log_fts (rowid, body) select id, fts_words(id, body) from log_entries where id >= ? and id <= ?';
/** The design's texts handed as one JSON array per group (ids consecutive from the first bound value). */
export const DIGIT_JSON_FTS = 'insert into log_fts (rowid, body) select ? + key, value from json_each(?)';
/** The stripping alone (no filter kept): what the text without digit tokens costs FTS5 with the JS pass. */
export const DIGIT_STRIP_FTS =
  'insert into log_fts (rowid, body) select id, fts_words_only(body) from log_entries where id >= ? and id <= ?';

/** Whether ASCII `body` holds `token` (lowercase letters/digits) as a whole letter/digit run, any case. */
export function holdsToken(body: string, lower: string | undefined, token: string): boolean {
  const text = lower ?? body;
  for (let at = text.indexOf(token); at >= 0; at = text.indexOf(token, at + 1)) {
    const end = at + token.length;
    if (
      (at === 0 || !isAlnum(text.charCodeAt(at - 1))) &&
      (end >= text.length || !isAlnum(text.charCodeAt(end)))
    )
      return true;
  }
  return false;
}
