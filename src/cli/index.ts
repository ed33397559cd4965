/**
 * `dwcp-monitor` command line. No logic here: each command parses its flags and calls the composition
 * root (`src/main.ts`) or an engine.
 */
import { Command } from 'commander';
import { demoCommand } from './commands/demo.ts';
import { detectCommand } from './commands/detect.ts';
import { generateCommand } from './commands/generate.ts';
import { rolloutCommand } from './commands/rollout.ts';
import { serveCommand } from './commands/serve.ts';
import { simulateCommand } from './commands/simulate.ts';

const program = new Command()
  .name('dwcp-monitor')
  .description(
    'Monitoring and observability for DWCP (NovaCron WAN VM migration): simulate a cluster, scrape and store ' +
      'its metrics, detect anomalies, send alerts, and serve an API and web page.',
  )
  .version('0.1.0')
  .showHelpAfterError('(run with --help for usage)');

program.addCommand(simulateCommand());
program.addCommand(serveCommand());
program.addCommand(demoCommand());
program.addCommand(detectCommand());
program.addCommand(generateCommand());
program.addCommand(rolloutCommand());

await program.parseAsync(process.argv);
