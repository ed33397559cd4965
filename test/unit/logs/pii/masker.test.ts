/**
 * PII masking: each rule on examples and look-alikes, configuration (IP masking off, rules disabled, extra
 * rules, bad patterns), the labelled corpus (every secret masked, look-alikes kept), and fast-check fuzzing —
 * masking never throws and never lets a corpus secret through, whatever text surrounds it; the rules'
 * pre-checks change no result (same output with and without them on the corpus and on fuzzed text).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { InvalidInputError } from '../../../../src/errors.ts';
import { luhnValid } from '../../../../src/logs/pii/luhn.ts';
import { DEFAULT_PII_SETTINGS, PiiMasker } from '../../../../src/logs/pii/masker.ts';
import { DEFAULT_PII_RULES } from '../../../../src/logs/pii/rules.ts';
import { generatePiiCorpus, scoreMasking } from '../../../fixtures/logs/pii-corpus.ts';
import { PII_RULE_PIECES } from '../../../fixtures/logs/pii-pieces.ts';

const m = new PiiMasker();

describe('luhnValid', () => {
  it('accepts test card numbers and refuses a changed check digit', () => {
    assert.equal(luhnValid('4111 1111 1111 1111'), true);
    assert.equal(luhnValid('378282246310005'), true);
    assert.equal(luhnValid('4111111111111112'), false);
    assert.equal(luhnValid(''), false);
  });
});

describe('PiiMasker rules', () => {
  const cases: [string, string][] = [
    ['mail bob.smith+x@mail.example.org now', 'mail [email] now'],
    ['from 10.0.0.12:443 ok', 'from [ipv4]:443 ok'],
    ['peer [2001:db8::7]:80 and fe80::1', 'peer [[ipv6]]:80 and [ipv6]'],
    ['card 4111 1111 1111 1111 paid', 'card [card] paid'],
    ['card 4111-1111-1111-1111', 'card [card]'],
    ['amex 3782 822463 10005', 'amex [card]'],
    ['Authorization: Bearer abcdEFGH12345678', 'Authorization: Bearer [token]'],
    ['key AKIAABCDEFGHIJKLMNOP used', 'key [api_key] used'],
    ['login password=hunter2&user=x', 'login password=[secret]&user=x'],
    ['{"password":"s3cr3t!"}', '{"password":"[secret]"}'],
  ];
  for (const [input, want] of cases)
    it(`masks ${JSON.stringify(input)}`, () => assert.equal(m.mask(input), want));

  const kept = [
    'release v1.2.3 and 2.10.0',
    'build 1.2.3.4a',
    'order 4111111111111112',
    'at 12:30:45',
    'ts 1733238245123',
    'ns 1733238245123456789',
    'tokens=5',
    'password_changed=true',
    'ratio=0.4063 5',
    'host 10.0.0.256',
  ];
  for (const input of kept) it(`keeps ${JSON.stringify(input)}`, () => assert.equal(m.mask(input), input));

  it('masks sensitive attribute keys whole and other values by the rules', () => {
    assert.deepEqual(
      m.maskAttributes({ 'http.request.header.authorization': 'Basic Zm9v', user: 'a@b.io', n: '3' }),
      {
        'http.request.header.authorization': '[secret]',
        user: '[email]',
        n: '3',
      },
    );
  });
});

describe('PiiMasker settings', () => {
  it('leaves IP addresses when maskIp is off', () => {
    const noIp = new PiiMasker({ ...DEFAULT_PII_SETTINGS, maskIp: false });
    assert.equal(noIp.mask('from 10.0.0.1 and ::1 bob@x.io'), 'from 10.0.0.1 and ::1 [email]');
  });
  it('changes nothing when disabled', () => {
    const off = new PiiMasker({ ...DEFAULT_PII_SETTINGS, enabled: false });
    assert.equal(off.mask('bob@x.io'), 'bob@x.io');
    assert.deepEqual(off.maskAttributes({ password: 'x' }), { password: 'x' });
  });
  it('switches single rules off and adds extra rules', () => {
    const custom = new PiiMasker({
      ...DEFAULT_PII_SETTINGS,
      disabledRules: ['email'],
      extraRules: [{ name: 'vm_owner', pattern: 'owner=(\\w+)', group: 1 }],
    });
    assert.equal(custom.mask('owner=carol bob@x.io'), 'owner=[vm_owner] bob@x.io');
  });
  it('refuses bad patterns, missing groups and unknown rule names', () => {
    assert.throws(
      () => new PiiMasker({ ...DEFAULT_PII_SETTINGS, extraRules: [{ name: 'x', pattern: '(' }] }),
      InvalidInputError,
    );
    assert.throws(
      () => new PiiMasker({ ...DEFAULT_PII_SETTINGS, extraRules: [{ name: 'x', pattern: 'a', group: 1 }] }),
      /no capture group 1/,
    );
    assert.throws(
      () => new PiiMasker({ ...DEFAULT_PII_SETTINGS, disabledRules: ['mail'] }),
      /unknown PII rule "mail"/,
    );
    assert.throws(() => new PiiMasker({ ...DEFAULT_PII_SETTINGS, sensitiveKeys: '[' }), InvalidInputError);
  });
});

describe('PiiMasker on the labelled corpus', () => {
  const corpus = generatePiiCorpus(2026, 3000);
  it('masks every labelled secret and keeps almost every look-alike', () => {
    const s = scoreMasking(m, corpus);
    assert.ok(s.secrets > 2000, `corpus has ${s.secrets} secrets`);
    assert.deepEqual(s.missed, [], 'no secret survives');
    assert.ok(
      s.keptNegatives / s.negatives >= 0.999,
      `look-alikes kept ${s.keptNegatives}/${s.negatives}: masked ${s.falsePositives.join(' | ')}`,
    );
  });
});

describe('PiiMasker fuzzing', () => {
  const secrets = generatePiiCorpus(7, 400).flatMap((c) => c.secrets);
  it('never throws on any string and returns a string', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 300 }), (s) => typeof m.mask(s) === 'string'),
      { numRuns: 2000 },
    );
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 300 }), (s) => typeof m.mask(s) === 'string'),
      { numRuns: 1000 },
    );
  });
  it('never lets a corpus secret through between arbitrary separators', () => {
    const sep = fc.constantFrom(' ', ' | ', '\t', ', ', ' (', ') ', '\n', ' user=');
    fc.assert(
      fc.property(
        fc.constantFrom(...secrets),
        sep,
        sep,
        fc.stringMatching(/^[a-z ]{0,20}$/),
        (s, a, b, words) => {
          const line = `${words}${a}${s.text}${b}${words}`;
          assert.ok(
            !m.mask(line).includes(s.value),
            `${JSON.stringify(line)} → ${JSON.stringify(m.mask(line))}`,
          );
        },
      ),
      { numRuns: 3000 },
    );
  });
});

describe('PiiMasker pre-checks', () => {
  // the same rules, in the same order, without their hints and pre-checks
  const bare = new PiiMasker({
    ...DEFAULT_PII_SETTINGS,
    disabledRules: DEFAULT_PII_RULES.map((r) => r.name),
    extraRules: DEFAULT_PII_RULES.map(({ hint: _h, precheck: _p, ...r }) => r),
  });
  it('skip rules on lines they cannot match', () => {
    assert.ok(DEFAULT_PII_RULES.filter((r) => r.precheck !== undefined).length >= 5);
    const line = '{"level":30,"time":1764790000000,"node_id":"node-5","msg":"peer connected"}';
    assert.equal(m.mask(line), line);
  });
  it('change no result on the labelled corpus', () => {
    for (const c of generatePiiCorpus(11, 3000)) assert.equal(m.mask(c.line), bare.mask(c.line), c.line);
  });
  it("change no result on fuzzed text made of the rules' characters and key words", () => {
    const piece = fc.oneof(fc.constantFrom(...PII_RULE_PIECES), fc.stringMatching(/^[0-9A-Za-z]{1,12}$/));
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 24 }), (parts) => {
        const text = parts.join('');
        assert.equal(m.mask(text), bare.mask(text));
      }),
      { numRuns: 5000 },
    );
  });
  it('an invalid pre-check is refused when the masker is built', () => {
    assert.throws(
      () =>
        new PiiMasker({ ...DEFAULT_PII_SETTINGS, extraRules: [{ name: 'x', pattern: 'x', precheck: '(' }] }),
      (e: unknown) => e instanceof InvalidInputError && /invalid precheck/.test(e.message),
    );
  });
});
