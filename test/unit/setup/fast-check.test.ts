/**
 * The gate's fast-check seed (test/setup/fast-check.ts, loaded by scripts/run-tests.mjs): `DWCP_FC_SEED` read as
 * a fixed default, a number or `random`; a bad value refused; a property's own seed kept; a failure still naming
 * the seed that replays it. The setup module is loaded in child processes, as the test runner loads it.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { describe, it } from 'node:test';
import { DEFAULT_FC_SEED, fastCheckSeed } from '../../setup/fast-check-seed.ts';

const SETUP = new URL('../../setup/fast-check.ts', import.meta.url).href;

/** What a child process with the setup module loaded reports about fast-check. */
interface Seen {
  readonly globalSeed: number | null;
  readonly drawn: number[];
  readonly ownSeedDrawn: number[];
  readonly failure: string;
  readonly ownSeedFailure: string;
}

const CHILD = `
import fc from 'fast-check';
const failure = (params) => {
  try { fc.assert(fc.property(fc.integer(), (n) => n < 1000), params); return 'passed'; }
  catch (e) { return e.message.split('\\n').slice(0, 2).join(' '); }
};
console.log(JSON.stringify({
  globalSeed: fc.readConfigureGlobal().seed ?? null,
  drawn: fc.sample(fc.integer(), 5),
  ownSeedDrawn: fc.sample(fc.integer(), { seed: 7, numRuns: 5 }),
  failure: failure(undefined),
  ownSeedFailure: failure({ seed: 7 }),
}));
`;

/** Runs {@link CHILD} with the setup module loaded and `DWCP_FC_SEED` set to `seed` (unset when undefined). */
function child(seed: string | undefined): { status: number | null; seen?: Seen; stderr: string } {
  const env: NodeJS.ProcessEnv = { ...process.env };
  delete env['DWCP_FC_SEED'];
  if (seed !== undefined) env['DWCP_FC_SEED'] = seed;
  const res = spawnSync(
    process.execPath,
    ['--import', 'tsx', '--import', SETUP, '--input-type=module', '-e', CHILD],
    { env, encoding: 'utf8', timeout: 120_000 },
  );
  if (res.status !== 0) return { status: res.status, stderr: res.stderr };
  return { status: 0, seen: JSON.parse(res.stdout) as Seen, stderr: res.stderr };
}

describe('fastCheckSeed', () => {
  it('reads the default, a number and random', () => {
    assert.equal(fastCheckSeed(undefined), DEFAULT_FC_SEED);
    assert.equal(fastCheckSeed(''), DEFAULT_FC_SEED);
    assert.equal(fastCheckSeed(' 42 '), 42);
    assert.equal(fastCheckSeed('-2147483648'), -2147483648);
    assert.equal(fastCheckSeed('2147483647'), 2147483647);
    assert.equal(fastCheckSeed('random'), undefined);
  });

  it('refuses anything else rather than running with a seed nobody asked for', () => {
    for (const bad of ['abc', '1.5', '1e3', '0x10', '2147483648', '-2147483649', 'Random', '12345678901']) {
      assert.throws(() => fastCheckSeed(bad), /DWCP_FC_SEED must be "random" or an integer/, bad);
    }
  });
});

describe('the setup module in a test process', () => {
  it("fixes the seed by default and from DWCP_FC_SEED, keeps a property's own seed, names the seed of a failure", () => {
    const byDefault = child(undefined);
    const again = child(undefined);
    const fixed = child('123');
    assert.equal(byDefault.status, 0, byDefault.stderr);
    assert.equal(again.status, 0, again.stderr);
    assert.equal(fixed.status, 0, fixed.stderr);
    const [d, a, f] = [byDefault.seen!, again.seen!, fixed.seen!];
    assert.equal(d.globalSeed, DEFAULT_FC_SEED);
    assert.equal(f.globalSeed, 123);
    assert.deepEqual(a.drawn, d.drawn, 'the same cases in every run with the default seed');
    assert.notDeepEqual(f.drawn, d.drawn, 'another seed, other cases');
    assert.deepEqual(f.ownSeedDrawn, d.ownSeedDrawn, "a property's own seed wins over the global one");
    assert.match(
      d.failure,
      new RegExp(`^Property failed after \\d+ tests \\{ seed: ${DEFAULT_FC_SEED}, path: `),
    );
    assert.match(f.failure, /^Property failed after \d+ tests \{ seed: 123, path: /);
    assert.match(f.ownSeedFailure, /^Property failed after \d+ tests \{ seed: 7, path: /);
  });

  it('leaves the seed random with DWCP_FC_SEED=random and still names it on a failure', () => {
    const r = child('random');
    assert.equal(r.status, 0, r.stderr);
    assert.equal(r.seen!.globalSeed, null);
    assert.match(r.seen!.failure, /^Property failed after \d+ tests \{ seed: -?\d+, path: /);
  });

  it('stops the run on a bad DWCP_FC_SEED', () => {
    const r = child('12o');
    assert.notEqual(r.status, 0);
    assert.match(
      r.stderr,
      /DWCP_FC_SEED must be "random" or an integer from -2147483648 to 2147483647, got "12o"/,
    );
  });
});
