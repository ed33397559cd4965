/**
 * Command-line errors that commander reports itself (unknown option or command, missing required option or
 * option value) exit with 2, the "bad input" code the top-level help promises; --help still exits with 0.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { describe, it } from 'node:test';
import { Command } from 'commander';
import { exitTwoOnUsageErrors } from '../../../src/cli/usage-exit.ts';

class Exit extends Error {
  constructor(readonly code: number) {
    super(`exit ${code}`);
  }
}

/** Parses `args` with a two-level program whose exits throw {@link Exit}; returns the exit code (null: none). */
function exitCodeOf(args: string[]): number | null {
  const program = new Command('tool').configureOutput({
    writeErr: () => undefined,
    writeOut: () => undefined,
  });
  program.addCommand(
    new Command('run')
      .requiredOption('--input <file>', 'input')
      .option('--limit <n>', 'limit')
      .configureOutput({ writeErr: () => undefined, writeOut: () => undefined })
      .action(() => undefined),
  );
  exitTwoOnUsageErrors(program, (code) => {
    throw new Exit(code);
  });
  try {
    program.parse(args, { from: 'user' });
    return null;
  } catch (e) {
    if (e instanceof Exit) return e.code;
    throw e;
  }
}

describe('exit code 2 on usage errors', () => {
  it('maps commander usage errors to 2 in every subcommand and keeps 0 for help', () => {
    assert.equal(exitCodeOf(['run']), 2, 'missing required option');
    assert.equal(exitCodeOf(['run', '--input', 'a', '--bogus']), 2, 'unknown option');
    assert.equal(exitCodeOf(['run', '--input', 'a', '--limit']), 2, 'option value missing');
    assert.equal(exitCodeOf(['nosuch']), 2, 'unknown command');
    assert.equal(exitCodeOf(['run', '--help']), 0, '--help');
    assert.equal(exitCodeOf(['run', '--input', 'a']), null, 'a good command line does not exit');
  });

  it('the real CLI: detect without --input prints one error line and exits with 2', () => {
    const r = spawnSync(process.execPath, ['--import', 'tsx', 'src/cli/index.ts', 'detect'], {
      encoding: 'utf8',
      timeout: 60_000,
    });
    assert.equal(r.status, 2, r.stderr);
    assert.match(r.stderr, /^error: required option '--input <file>' not specified\n/);
  });
});
