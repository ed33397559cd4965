/**
 * The built-in rules' triggers and match starts (src/logs/pii/trigger-scan.ts) change no masking result: each
 * trigger fires on every text its rule matches, each match start is never past the rule's next match, and the
 * masker (triggers, sticky runs at match starts) finds exactly the findings of every rule run alone over the
 * whole text — per rule and all together — on fast-check lines with PII at any position, in any script, with
 * lone surrogates and the replacement characters of invalid UTF-8, bare and inside JSON log lines.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { DEFAULT_PII_SETTINGS, PiiMasker } from '../../../../src/logs/pii/masker.ts';
import { DEFAULT_PII_RULES, type PiiRule } from '../../../../src/logs/pii/rules.ts';
import { MATCH_STARTS, TRIGGER_BITS, triggerScan } from '../../../../src/logs/pii/trigger-scan.ts';
import { generatePiiCorpus } from '../../../fixtures/logs/pii-corpus.ts';
import { PII_RULE_PIECES } from '../../../fixtures/logs/pii-pieces.ts';

const NAMES = DEFAULT_PII_RULES.map((r) => r.name);
const ALL = Object.values(TRIGGER_BITS).reduce((a, b) => a | b, 0);
const corpus = generatePiiCorpus(17, 400);
const samples = [...new Set(corpus.flatMap((c) => [...c.secrets.map((s) => s.text), ...c.negatives]))];

/** Masker with the built-in rules `names` (triggers and match starts). */
const builtIn = (names: readonly string[]) =>
  new PiiMasker({ ...DEFAULT_PII_SETTINGS, disabledRules: NAMES.filter((n) => !names.includes(n)) });
/** The same rules as added rules without hints and pre-checks: each run over the whole text. */
const alone = (rules: readonly PiiRule[]) =>
  new PiiMasker({
    ...DEFAULT_PII_SETTINGS,
    disabledRules: NAMES,
    extraRules: rules.map(({ hint: _h, precheck: _p, ...r }) => r),
  });

/** Text pieces: PII and look-alikes of the corpus, the rules' key words and characters, any script. */
const piece = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom(...samples) },
  {
    weight: 3,
    arbitrary: fc.constantFrom(
      ...PII_RULE_PIECES,
      'PassWd',
      'access-key',
      'TOKEN ',
      '5500 0000',
      '1.2',
      '\uD800',
      '\uDC00',
      '\uFFFD',
      'é',
      'ß',
      'К',
      '\u212A',
      '\u017F',
      '日本',
      '\u00A0',
      '\u2028',
    ),
  },
  { weight: 2, arbitrary: fc.stringMatching(/^[0-9A-Za-z]{1,12}$/) },
  { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 6 }) },
  {
    weight: 1,
    // bytes decoded as UTF-8: invalid sequences become U+FFFD as in a push body
    arbitrary: fc.uint8Array({ maxLength: 8 }).map((b) => Buffer.from(b).toString('utf8')),
  },
);
/** A line: pieces joined, bare or as the message of a JSON log line. */
const line = fc
  .tuple(fc.array(piece, { maxLength: 16 }), fc.boolean(), fc.integer({ min: 1, max: 6e12 }))
  .map(([parts, json, time]) =>
    json
      ? JSON.stringify({ level: 30, time, node_id: 'node-5', msg: parts.join(''), attempt: 2 })
      : parts.join(''),
  );

describe('PII rule triggers', () => {
  it('fire on every text the rule matches', () => {
    const res = DEFAULT_PII_RULES.map((r) => new RegExp(r.pattern, `${r.flags ?? ''}`));
    fc.assert(
      fc.property(line, (text) => {
        const bits = triggerScan(text, ALL);
        DEFAULT_PII_RULES.forEach((r, i) => {
          if (res[i]!.test(text)) assert.ok((bits & TRIGGER_BITS[r.name]!) !== 0, `${r.name}: ${text}`);
        });
      }),
      { numRuns: 4000 },
    );
  });
  it('are looked for only for the rules asked for', () => {
    const text = 'mail a@b.io from 10.0.0.1 password=x Bearer abcdefgh12 fe80::1 4111 1111 1111 1111 AKIA';
    assert.equal(triggerScan(text, ALL), ALL);
    for (const bit of Object.values(TRIGGER_BITS)) assert.equal(triggerScan(text, bit), bit);
    assert.equal(triggerScan(text, TRIGGER_BITS['email']! | TRIGGER_BITS['card']!), 8 | 16);
  });
  it('do not fire on a plain JSON log line', () => {
    const plain =
      '{"level":30,"time":1796470668471,"node_id":"node-4","trace_id":"27ec3b63aaaaaaaaaaaaaaaaaaaaaaaa","msg":"retrying mode timed checkpoint connected","ratio":0.5}';
    assert.equal(triggerScan(plain, ALL), 0);
  });
});

describe('PII rule match starts', () => {
  it('are never past the next match of their rule', () => {
    const sticky = DEFAULT_PII_RULES.map((r) => new RegExp(r.pattern, `y${r.flags ?? ''}`));
    fc.assert(
      fc.property(line, (text) => {
        DEFAULT_PII_RULES.forEach((r, i) => {
          const at = MATCH_STARTS[r.name]!;
          // positions where a match of the rule starts
          const starts: number[] = [];
          for (let p = 0; p <= text.length; p++) {
            sticky[i]!.lastIndex = p;
            if (sticky[i]!.exec(text) !== null) starts.push(p);
          }
          for (let from = 0; from <= text.length; from++) {
            const next = starts.find((s) => s >= from);
            const p = at(text, from);
            if (next === undefined) continue;
            assert.ok(p >= from && p <= next, `${r.name} from ${from}: ${p} > ${next} in ${text}`);
          }
        });
      }),
      { numRuns: 1500 },
    );
  });
});

describe('PiiMasker with triggers and match starts', () => {
  const all = new PiiMasker();
  const reference = alone(DEFAULT_PII_RULES);
  const perRule = DEFAULT_PII_RULES.map((r) => [builtIn([r.name]), alone([r])] as const);
  it('finds what every rule alone finds, rule by rule and all together', () => {
    fc.assert(
      fc.property(line, (text) => {
        assert.deepEqual(all.scan(text), reference.scan(text), text);
        assert.equal(all.mask(text), reference.mask(text), text);
        for (const [fast, slow] of perRule) assert.deepEqual(fast.scan(text), slow.scan(text), text);
      }),
      { numRuns: 4000 },
    );
  });
  it('finds what every rule alone finds on the labelled corpus', () => {
    for (const c of generatePiiCorpus(23, 3000)) assert.deepEqual(all.scan(c.line), reference.scan(c.line));
  });
  it('keeps added rules of a built-in name on their own path', () => {
    // an added rule named like a built-in one but matching differently is not skipped by the built-in trigger
    const m = new PiiMasker({ ...DEFAULT_PII_SETTINGS, extraRules: [{ name: 'email', pattern: 'zz+' }] });
    assert.equal(m.mask('a zzz b'), 'a [email] b');
  });
});
