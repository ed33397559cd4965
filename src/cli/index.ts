/**
 * `dwcp-monitor` command line. No logic here: each command parses its flags and calls the composition
 * root (`src/main.ts`) or an engine.
 */
import { Command } from 'commander';
import { collectCommand } from './commands/collect.ts';
import { demoCommand } from './commands/demo.ts';
import { detectCommand, exitCodeFor } from './commands/detect.ts';
import { generateCommand } from './commands/generate.ts';
import { reportCommand } from './commands/report.ts';
import { rolloutCommand } from './commands/rollout.ts';
import { serveCommand } from './commands/serve.ts';
import { simulateCommand } from './commands/simulate.ts';
import { exitTwoOnUsageErrors } from './usage-exit.ts';

// A reader that stops early (`| head`) closes the pipe: stop quietly instead of crashing on EPIPE.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code !== 'EPIPE') throw e;
    process.exit(process.exitCode ?? 0);
  });
}

const program = new Command()
  .name('dwcp-monitor')
  .description(
    'Monitoring and observability for DWCP (NovaCron WAN VM migration): simulate a cluster, scrape and store ' +
      'its metrics, detect anomalies, send alerts, and serve an API and web page. Exit codes: 0 success, ' +
      '1 failure, 2 bad input (flags, files).',
  )
  .version('0.1.0')
  .showHelpAfterError('(run with --help for usage)');

program.addCommand(simulateCommand());
program.addCommand(serveCommand());
program.addCommand(demoCommand());
program.addCommand(detectCommand());
program.addCommand(generateCommand());
program.addCommand(rolloutCommand());
program.addCommand(collectCommand());
program.addCommand(reportCommand());
exitTwoOnUsageErrors(program);

try {
  await program.parseAsync(process.argv);
} catch (e) {
  // Commands report their own errors; anything that still escapes gets one line, not a stack trace.
  process.stderr.write(`error: ${e instanceof Error ? e.message : String(e)}\n`);
  process.exitCode = exitCodeFor(e);
}
