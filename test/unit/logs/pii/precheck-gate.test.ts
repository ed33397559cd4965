import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { precheckGate } from '../../../../src/logs/pii/precheck-gate.ts';
import { DEFAULT_PII_RULES } from '../../../../src/logs/pii/rules.ts';
import { generatePiiCorpus } from '../../../fixtures/logs/pii-corpus.ts';

describe('precheckGate', () => {
  const gate = precheckGate(DEFAULT_PII_RULES);
  const own = DEFAULT_PII_RULES.map((r) =>
    r.precheck === undefined ? undefined : new RegExp(r.precheck, (r.flags ?? '').replace(/[gd]/g, '')),
  );
  /** Whether some rule the gate covers passes its own pre-check on `text`. */
  const anyCovered = (text: string) => own.some((re, i) => gate!.covers[i] && re!.test(text));

  it('stands for the pre-checks of the built-in rules without lookarounds', () => {
    assert.ok(gate);
    const covered = DEFAULT_PII_RULES.filter((_, i) => gate.covers[i]).map((r) => r.name);
    assert.deepEqual(covered, ['secret_pair', 'bearer', 'api_key', 'ipv4', 'ipv6']);
    // the card pre-check asserts what does not precede the digits: kept out
    assert.equal(gate.covers[DEFAULT_PII_RULES.findIndex((r) => r.name === 'card')], false);
  });
  it('matches every corpus line that passes a covered pre-check, and lines that pass none are skipped', () => {
    let skipped = 0;
    for (const c of generatePiiCorpus(5, 3000)) {
      if (anyCovered(c.line)) assert.ok(gate!.re.test(c.line), c.line);
      if (!gate!.re.test(c.line)) skipped++;
    }
    assert.ok(skipped > 0);
    assert.equal(gate!.re.test('{"level":30,"msg":"peer connected","node_id":"node-5"}'), false);
  });
  it('matches fuzzed text whenever a covered pre-check does (case mixed)', () => {
    const piece = fc.oneof(
      fc.constantFrom('PassWord', 'SECRET', 'Bearer ', 'TOKEN\t', 'akia', 'AKIA', 'Eyj', 'eyJ', 'sk_live_'),
      fc.constantFrom('ghp_', 'glpat-', 'xoxb-', 'AIza', '1.2', 'f:', ':', '.', ' ', '_', '"', '='),
      fc.stringMatching(/^[0-9A-Za-z]{1,8}$/),
    );
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 12 }), (ps) => {
        const text = ps.join('');
        if (anyCovered(text)) assert.ok(gate!.re.test(text), text);
      }),
      { numRuns: 3000 },
    );
  });
  it('leaves out pre-checks that ignoring case would make stricter or that the alternation would change', () => {
    const g = precheckGate([
      { precheck: 'abc' },
      { precheck: 'x', flags: 'i' },
      { precheck: '[^a]b' },
      { precheck: 'a(?!b)' },
      { precheck: '(?<![0-9])5' },
      { precheck: '(a)\\1' },
      { precheck: 'z', flags: 'u' },
      {},
    ]);
    assert.ok(g);
    assert.deepEqual(g.covers, [true, true, false, false, false, false, false, false]);
    assert.equal(g.re.test('ABC'), true);
    assert.equal(g.re.test('Ab'), false);
  });
  it('is not built for fewer than two pre-checks', () => {
    assert.equal(precheckGate([{ precheck: 'a' }, { precheck: '[^a]' }]), undefined);
  });
});
