/**
 * Exit code 2 for the command-line errors commander itself reports (an unknown option or command, a missing
 * required option or option value, extra arguments), as the top-level help promises: "2 bad input (flags, files)".
 * Commander prints its own one-line error first and would otherwise exit with 1.
 */
import type { Command, CommanderError } from 'commander';

/** Exit code of bad input (flags, files), as the commands' own flag checks use. */
export const BAD_INPUT_EXIT_CODE = 2;

/** Commander error codes that mean the command line itself is wrong. */
const USAGE_ERRORS: ReadonlySet<string> = new Set([
  'commander.unknownOption',
  'commander.unknownCommand',
  'commander.missingMandatoryOptionValue',
  'commander.optionMissingArgument',
  'commander.missingArgument',
  'commander.excessArguments',
  'commander.invalidArgument',
  'commander.conflictingOption',
]);

/**
 * The exit code for a commander error: {@link BAD_INPUT_EXIT_CODE} for a usage error, else commander's own
 * (0 after `--help` or `--version`, 1 otherwise).
 */
export function exitCodeOfCommanderError(err: CommanderError): number {
  return USAGE_ERRORS.has(err.code) ? BAD_INPUT_EXIT_CODE : err.exitCode;
}

/**
 * Makes `cmd` and all its subcommands (added so far) exit through {@link exitCodeOfCommanderError}.
 * @param exit how to exit (default `process.exit`; tests pass a function that throws)
 * @returns `cmd`
 */
export function exitTwoOnUsageErrors(
  cmd: Command,
  exit: (code: number) => never = (code) => process.exit(code),
): Command {
  cmd.exitOverride((err) => exit(exitCodeOfCommanderError(err)));
  for (const sub of cmd.commands) exitTwoOnUsageErrors(sub, exit);
  return cmd;
}
