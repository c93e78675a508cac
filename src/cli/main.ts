/** The CLI: yargs parses, a command handler calls the library, renders, and returns the exit code. */
import yargs from 'yargs';
import { formatError } from './errors.js';
import { applyCommand } from './commands/apply.js';
import { planCommand, type PlanFormat } from './commands/plan.js';
import { validateCommand } from './commands/validate.js';
import { processIo, type CliIo } from './io.js';
import { VERSION } from '../version.js';

const fileOption = { alias: 'f', type: 'string', description: 'Manifest file (default: $PSSYNC_MANIFEST or ./pssync.yaml)' } as const;
const syncOption = { type: 'string', array: true, description: 'Only this sync (repeatable)' } as const;

export async function main(argv: readonly string[], io: CliIo = processIo()): Promise<number> {
  let exitCode = 0;
  const run = (handler: () => Promise<number>) => async () => {
    try {
      exitCode = await handler();
    } catch (error) {
      io.err(`${io.stderrStyle.red(formatError(error))}\n`);
      exitCode = 1;
    }
  };
  const parser = yargs([...argv])
    .scriptName('pssync')
    .version(VERSION)
    .strict()
    .demandCommand(1, 'Name a command: validate, plan or apply.')
    .recommendCommands()
    .command(
      'validate',
      'Check the manifest offline (schema, references, types, transforms)',
      (command) => command.option('file', fileOption),
      (args) => run(() => validateCommand({ ...(args.file ? { file: args.file } : {}) }, io))(),
    )
    .command(
      'plan',
      'Show the DDL and row operations apply would run (read-only)',
      (command) =>
        command
          .option('file', fileOption)
          .option('sync', syncOption)
          .option('format', { choices: ['text', 'markdown', 'json'] as const, default: 'text' as const, description: 'Output format on stdout' })
          .option('samples', { type: 'number', description: 'Sample rows per operation in Markdown (default 0: PR comments leak data)' })
          .option('detailed-exitcode', { type: 'boolean', default: false, description: 'Exit 2 when the plan has changes' }),
      (args) =>
        run(() =>
          planCommand(
            {
              ...(args.file ? { file: args.file } : {}),
              ...(args.sync ? { sync: args.sync } : {}),
              format: args.format as PlanFormat,
              detailedExitcode: args['detailed-exitcode'],
              ...(args.samples !== undefined ? { samples: args.samples } : {}),
            },
            io,
          ),
        )(),
    )
    .command(
      'apply',
      'Plan, then write the changes to the destination',
      (command) =>
        command
          .option('file', fileOption)
          .option('sync', syncOption)
          .option('auto-approve', { type: 'boolean', default: false, description: 'Apply without asking (required without a TTY)' })
          .option('allow-deletes', { type: 'boolean', default: false, description: 'Allow deletes beyond the safety thresholds' })
          .option('lock-timeout', { type: 'number', default: 0, description: 'Seconds to wait for another apply of the same table' }),
      (args) =>
        run(() =>
          applyCommand(
            {
              ...(args.file ? { file: args.file } : {}),
              ...(args.sync ? { sync: args.sync } : {}),
              autoApprove: args['auto-approve'],
              allowDeletes: args['allow-deletes'],
              lockTimeout: args['lock-timeout'],
            },
            io,
          ),
        )(),
    )
    .fail((message, error) => {
      io.err(`${io.stderrStyle.red(error ? formatError(error) : `PSSYNC_E_USAGE: ${message}`)}\nRun pssync --help for usage.\n`);
      exitCode = 1;
    })
    .help()
    .wrap(null);
  await parser.parseAsync();
  return exitCode;
}
