/**
 * The digit-token design measured in bench/logs-digit-bloom.ts: what FTS5 indexes of an ASCII line without its
 * digit-holding tokens, plus those tokens, is exactly what it indexes of the whole line (so a search holding only
 * these tokens finds the same lines); a non-ASCII line is indexed whole; the filter has no false negatives.
 */
import { deepStrictEqual, ok } from 'node:assert/strict';
import { test } from 'node:test';
import BetterSqlite3 from 'better-sqlite3';
import fc from 'fast-check';
import { Bloom, ftsWords, holdsToken } from '../../../bench/logs-digit-bloom.ts';

/** FTS5's own tokens of `text` (the store's tokenizer), sorted and distinct. */
function ftsTokens(db: BetterSqlite3.Database, text: string): string[] {
  db.exec('delete from t');
  db.prepare('insert into t (rowid, body) values (1, ?)').run(text);
  return (db.prepare('select term from v order by term').pluck().all() as string[]).sort();
}

const asciiLine = fc
  .array(
    fc.oneof(
      fc.constantFrom(' ', '"', ':', ',', '-', '_', '.', '{', '}', '=', '/'),
      fc.constantFrom('a', 'B', 'z', 'Q', 'x'),
      fc.constantFrom('0', '1', '7', '9'),
    ),
    { maxLength: 60 },
  )
  .map((cs) => cs.join(''));

test('an ASCII line: FTS5 tokens of the stripped text plus the digit tokens are those of the line', () => {
  const db = new BetterSqlite3(':memory:');
  db.exec("create virtual table t using fts5(body, tokenize='unicode61 remove_diacritics 0')");
  db.exec("create virtual table v using fts5vocab(t, 'row')");
  fc.assert(
    fc.property(asciiLine, (line) => {
      const digits: string[] = [];
      const words = ftsWords(line, (t) => digits.push(t));
      const kept = ftsTokens(db, words);
      ok(
        kept.every((t) => !/[0-9]/.test(t)),
        `a digit token left in ${JSON.stringify(words)}`,
      );
      deepStrictEqual([...new Set([...kept, ...digits])].sort(), ftsTokens(db, line));
      for (const d of digits) ok(holdsToken(line, line.toLowerCase(), d));
    }),
    { numRuns: 500 },
  );
  db.close();
});

test('a non-ASCII line is indexed whole and hands no token to the filter', () => {
  const digits: string[] = [];
  deepStrictEqual(
    ftsWords('vm-42 on nœud 7', (t) => digits.push(t)),
    'vm-42 on nœud 7',
  );
  deepStrictEqual(digits, []);
});

test('the filter holds every token added (no false negatives)', () => {
  fc.assert(
    fc.property(fc.uniqueArray(fc.string({ minLength: 1, maxLength: 20 }), { maxLength: 300 }), (tokens) => {
      const b = new Bloom(undefined, 1 << 14);
      for (const t of tokens) b.add(t);
      ok(tokens.every((t) => b.has(t)));
    }),
  );
});
