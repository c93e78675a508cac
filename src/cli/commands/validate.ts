/** `pssync validate`: offline checks of the manifest and its file sources; no database needed. */
import { validateSources } from '../../mapping/validate-sources.js';
import { hasErrors } from '../../model/diagnostic.js';
import type { CliIo } from '../io.js';
import { loadConfig, printDiagnostics } from '../load.js';
import { manifestPath } from '../manifest-path.js';

export interface ValidateArgs {
  readonly file?: string;
}

export async function validateCommand(args: ValidateArgs, io: CliIo): Promise<number> {
  const file = manifestPath(args.file, io.env, io.cwd);
  const config = await loadConfig(io, file);
  if (!config) return 1;
  const sourceProblems = await validateSources(config);
  printDiagnostics(io, sourceProblems);
  if (hasErrors(sourceProblems)) return 1;
  io.err(io.stderrStyle.green(`✔ ${file} is valid: ${config.syncs.length} sync(s), ${config.sources.size} source(s), ${config.destinations.size} destination(s)\n`));
  return 0;
}
