import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DETECT_PARTS, detectUsage, parseDetectArgs } from '../../../bench/detect-args.ts';
import { InvalidInputError } from '../../../src/errors.ts';

describe('bench:detect options', () => {
  it('defaults: every detector and part, 3 seeds from seed 1, 1.5 s of cost measurement', () => {
    assert.deepEqual(parseDetectArgs([]), {
      only: undefined,
      skip: new Set(),
      seeds: 3,
      firstSeed: 1,
      costMs: 1500,
    });
  });

  it('parses every option', () => {
    const a = parseDetectArgs([
      '--only',
      'ensemble-statistical',
      '--skip',
      'nab, cost,corpus',
      '--seeds',
      '5',
      '--first-seed',
      '7001',
      '--cost-ms',
      '200',
    ]);
    assert.deepEqual(a, {
      only: 'ensemble-statistical',
      skip: new Set(['nab', 'cost', 'corpus']),
      seeds: 5,
      firstSeed: 7001,
      costMs: 200,
    });
    assert.equal(parseDetectArgs(['--seeds', '1', '--help']), 'help');
  });

  it('refuses unknown options, missing values and values out of range with a message naming the option', () => {
    const cases: [string[], RegExp][] = [
      [['--bogus'], /Unknown option '--bogus'/],
      [['--seeds'], /--seeds/],
      [['--seeds', '0'], /--seeds must be an integer 1-100, got '0'/],
      [['--seeds', '2.5'], /--seeds must be an integer/],
      [['--cost-ms', '50'], /--cost-ms must be an integer 100-60000, got '50'/],
      [['--first-seed', '0'], /--first-seed must be an integer 1-1000000000, got '0'/],
      [['--skip', 'nab,foo'], /--skip takes nab, dwcp, cost, corpus, got 'foo'/],
      [['--skip', ','], /--skip must list at least one value/],
      [['--only', ' '], /--only must not be empty/],
      [['extra'], /Unexpected argument 'extra'/],
    ];
    for (const [argv, msg] of cases)
      assert.throws(
        () => parseDetectArgs(argv),
        (e: unknown) => e instanceof InvalidInputError && msg.test(e.message),
        argv.join(' '),
      );
  });

  it('--help lists every option with its unit and default, and the detectors', () => {
    const text = detectUsage(['ewma', 'cusum']);
    for (const flag of ['--only', '--skip', '--seeds', '--first-seed', '--cost-ms', '--help'])
      assert.match(text, new RegExp(`^  ${flag}`, 'm'));
    assert.match(text, /default 3\)/);
    assert.match(text, /milliseconds, 100\.\.60000 \(default 1500\)/);
    for (const part of DETECT_PARTS) assert.ok(text.includes(part));
    assert.match(text, /ewma, cusum/);
    for (const line of text.split('\n')) assert.ok(line.length <= 120, `line of ${line.length}: ${line}`);
  });
});
