/** The CLI: yargs parses, a command handler calls the library, renders, and returns the exit code. */
import yargs, { type Argv } from 'yargs';
import { removeOrphanedSpills } from '../storage/spill-file.js';
import { VERSION } from '../version.js';
import { applyCommand } from './commands/apply.js';
import { introspectCommand } from './commands/introspect.js';
import { planCommand } from './commands/plan.js';
import { showCommand } from './commands/show.js';
import { validateCommand } from './commands/validate.js';
import { verifyCommand } from './commands/verify.js';
import { COMPARE_METHODS } from '../manifest/types.js';
import { errorJson, formatError } from './errors.js';
import { processIo, type CliIo } from './io.js';
import type { PlanFormat } from './render-plan.js';

const FORMATS = ['text', 'markdown', 'json'] as const;

const withFile = <T>(command: Argv<T>) =>
  command.option('file', { alias: 'f', type: 'string', description: 'Manifest file (default: $PSSYNC_MANIFEST or ./pssync.yaml)' });
const withSync = <T>(command: Argv<T>) => command.option('sync', { type: 'string', array: true, description: 'Only this sync (repeatable)' });
const withFormat = <T>(command: Argv<T>) =>
  command
    .option('format', { choices: FORMATS, default: 'text' as PlanFormat, description: 'Output format on stdout' })
    .option('samples', { type: 'number', description: 'Sample rows per operation in Markdown (default 0: PR comments can leak personal data)' });

const withCompareOption = <T>(command: Argv<T>) =>
  command.option('compare', {
    choices: COMPARE_METHODS,
    description: 'How rows are compared: checksum (segment checksums, read only what differs), full (read every row), both (a self-check), auto (default: the manifest\'s compare, else checksum where it can be exact)',
  });

const withPartitionOption = <T>(command: Argv<T>) =>
  command.option('partition', {
    type: 'string',
    description: 'Only partition K of N of every sync\'s keys, e.g. 2/4 (a stable hash of the key; for N workers run in parallel: docs/scale-out.md)',
  });

const optional = <K extends string, V>(key: K, value: V | undefined): { [P in K]?: V } =>
  (value === undefined ? {} : { [key]: value }) as { [P in K]?: V };

export async function main(argv: readonly string[], io: CliIo = processIo()): Promise<number> {
  // Rows a killed run left in its temporary directory are the user's data: gone at the next start.
  removeOrphanedSpills();
  let exitCode = 0;
  const run = async (handler: () => Promise<number>, machineFormat = false) => {
    try {
      exitCode = await handler();
    } catch (error) {
      io.err(`${io.stderrStyle.red(formatError(error))}\n`);
      if (machineFormat) io.out(`${JSON.stringify(errorJson(error), null, 2)}\n`);
      exitCode = 1;
    }
  };
  const parser = yargs([...argv])
    .scriptName('pssync')
    .version(VERSION)
    .strict()
    .demandCommand(1, 'Name a command: validate, plan, apply, verify, show or introspect.')
    .recommendCommands()
    .command(
      'validate',
      'Check the manifest offline (schema, references, types, transforms)',
      (command) => withFile(command),
      (args) => run(() => validateCommand({ ...optional('file', args.file) }, io)),
    )
    .command(
      'plan',
      'Show the DDL and row operations apply would run (read-only)',
      (command) =>
        withPartitionOption(withCompareOption(withFormat(withSync(withFile(command)))))
          .option('out', { type: 'string', description: 'Save the plan to this file, for `pssync apply PLANFILE`' })
          .option('detailed-exitcode', { type: 'boolean', default: false, description: 'Exit 2 when the plan has changes, 0 when none' }),
      (args) =>
        run(
          () =>
            planCommand(
              {
                ...optional('file', args.file),
                ...optional('sync', args.sync),
                ...optional('samples', args.samples),
                ...optional('out', args.out),
                ...optional('compare', args.compare),
                ...optional('partition', args.partition),
                format: args.format,
                detailedExitcode: args['detailed-exitcode'],
              },
              io,
            ),
          args.format === 'json',
        ),
    )
    .command(
      'apply [planfile]',
      'Plan and write the changes (or apply a plan saved with plan --out)',
      (command) =>
        withPartitionOption(withCompareOption(withSync(withFile(command))))
          .positional('planfile', { type: 'string', description: 'A plan file from `pssync plan --out`' })
          .option('auto-approve', { type: 'boolean', default: false, description: 'Apply without asking (required without a TTY)' })
          .option('allow-deletes', { type: 'boolean', default: false, description: 'Allow deletes beyond the safety thresholds and a mirror of an empty source' })
          .option('lock-timeout', { type: 'number', default: 0, description: 'Seconds to wait for another apply of the same table' })
          .option('verify', { type: 'boolean', default: false, description: 'After the apply, verify the destination (as pssync verify; exit 2 when it differs)' }),
      (args) =>
        run(() =>
          applyCommand(
            {
              ...optional('file', args.file),
              ...optional('planFile', args.planfile),
              ...optional('sync', args.sync),
              autoApprove: args['auto-approve'],
              allowDeletes: args['allow-deletes'],
              lockTimeout: args['lock-timeout'],
              verify: args.verify,
              ...optional('compare', args.compare),
              ...optional('partition', args.partition),
            },
            io,
          ),
        ),
    )
    .command(
      'verify',
      'Compare the destination with the manifest\'s desired rows (read-only): exit 0 when they match, 2 when they differ, 1 on error',
      (command) =>
        withPartitionOption(withCompareOption(withSync(withFile(command))))
          .option('format', { choices: ['text', 'json'] as const, default: 'text' as const, description: 'Output format on stdout' })
          .option('samples', { type: 'boolean', default: false, description: 'Show the values of the sample rows (default: their keys only, as output may be logged)' }),
      (args) =>
        run(
          () =>
            verifyCommand({ ...optional('file', args.file), ...optional('sync', args.sync), ...optional('compare', args.compare), ...optional('partition', args.partition), format: args.format, samples: args.samples }, io),
          args.format === 'json',
        ),
    )
    .command(
      'show <planfile>',
      'Render a saved plan file (and warn if it is stale)',
      (command) => withFormat(command).positional('planfile', { type: 'string', demandOption: true }),
      (args) =>
        run(() => showCommand({ planFile: args.planfile, format: args.format, ...optional('samples', args.samples) }, io), args.format === 'json'),
    )
    .command(
      'introspect',
      'Print a manifest sync for an existing table (onboarding)',
      (command) =>
        withFile(command)
          .option('destination', { type: 'string', demandOption: true, description: 'Destination name in the manifest' })
          .option('table', { type: 'string', demandOption: true, description: 'Existing table' })
          .option('source', { type: 'string', description: 'Source name for the sync (default: the table name)' })
          .option('mode', { choices: ['insert', 'update', 'upsert', 'mirror'] as const, default: 'upsert' as const }),
      (args) =>
        run(() =>
          introspectCommand(
            { ...optional('file', args.file), ...optional('source', args.source), destination: args.destination, table: args.table, mode: args.mode },
            io,
          ),
        ),
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
