import { Command, CommanderError } from 'commander';
import { LogdockError } from '../../common/errors';
import { APP_VERSION } from '../version';
import { registerPipe } from './commands/pipe';
import { registerServe } from './commands/serve';
import { registerTopics } from './commands/topics';
import { registerProduce } from './commands/produce';
import { registerConsume } from './commands/consume';
import { registerGroups } from './commands/groups';

/**
 * The `logdock` command line. Each command lives in `./commands/<name>.ts` and exports a
 * `register<Name>(program)` function called below; commands that act on a running Logdock
 * find it through `<dataDir>/api.json` (see ../headless/api-file.ts).
 */
export function createProgram(): Command {
  const program = new Command('logdock')
    .description(
      'Collect the logs of local services into an embedded Kafka-compatible log; inspect and replay them.',
    )
    .version(APP_VERSION)
    .showHelpAfterError();
  registerServe(program);
  registerPipe(program);
  registerTopics(program);
  registerProduce(program);
  registerConsume(program);
  registerGroups(program);
  return program;
}

/**
 * Runs the CLI with `argv` (as `process.argv`). Prints a LogdockError as one line
 * `logdock: CODE: message` and sets a non-zero exit code instead of a stack trace.
 */
export async function runCli(argv: string[] = process.argv): Promise<void> {
  const program = createProgram().exitOverride();
  try {
    await program.parseAsync(argv);
  } catch (err) {
    if (err instanceof CommanderError) {
      // Commander already printed help, the version or the usage error.
      process.exitCode = err.exitCode;
      return;
    }
    if (err instanceof LogdockError) {
      process.stderr.write(`logdock: ${err.code}: ${err.message}\n`);
      process.exitCode = 1;
      return;
    }
    throw err;
  }
}
