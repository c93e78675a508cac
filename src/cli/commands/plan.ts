/** `pssync plan`: read-only; prints DDL, row operations and samples; `--out` saves a plan file. */
import { randomUUID } from 'node:crypto';
import { resolve } from 'node:path';
import { toPlanFile } from '../../plan/plan-file.js';
import { planHasErrors } from '../../plan/plan.js';
import type { CliIo } from '../io.js';
import { loadConfigWithDiagnostics, withCompare, withPartition } from '../load.js';
import type { CompareMethod } from '../../manifest/types.js';
import { diagnosticJson, PLAN_FORMAT_VERSION } from '../../plan/plan-json.js';
import { isError, type Diagnostic } from '../../model/diagnostic.js';
import { manifestPath } from '../manifest-path.js';
import { writePlanFile } from '../plan-file-io.js';
import { planSession } from '../plan-session.js';
import { renderPlan, type PlanFormat } from '../render-plan.js';

export interface PlanArgs {
  readonly file?: string;
  readonly sync?: readonly string[];
  readonly format: PlanFormat;
  readonly detailedExitcode: boolean;
  readonly samples?: number;
  readonly out?: string;
  readonly compare?: CompareMethod;
  readonly partition?: string;
}

export async function planCommand(args: PlanArgs, io: CliIo): Promise<number> {
  const { config: loaded, diagnostics } = await loadConfigWithDiagnostics(io, manifestPath(args.file, io.env, io.cwd));
  const config = loaded && withPartition(withCompare(loaded, args.compare), args.partition);
  if (!config) {
    if (args.format === 'json') io.out(`${JSON.stringify(manifestErrorsJson(diagnostics, io.cwd), null, 2)}\n`);
    return 1;
  }
  const session = await planSession(io, config, args.sync, true, args.format === 'json' || args.out !== undefined);
  try {
    const { json, plan } = session;
    io.out(renderPlan(json, args.format, io.stdoutStyle, args.samples));
    if (planHasErrors(plan)) {
      if (args.out) io.err(io.stderrStyle.red(`The plan has errors; no plan file was written to ${args.out}.\n`));
      return 1;
    }
    if (args.out) {
      const path = resolve(io.cwd, args.out);
      await writePlanFile(path, toPlanFile(plan, json, path, randomUUID()));
      io.err(`Plan saved to ${args.out}; apply it with: pssync apply ${args.out}\n`);
    }
    return args.detailedExitcode && json.changes ? 2 : 0;
  } finally {
    await session.destinations.close();
  }
}

/** `--format json` with a broken manifest: still one JSON document, with the errors and their codes. */
function manifestErrorsJson(diagnostics: readonly Diagnostic[], baseDir: string) {
  const errors = diagnostics.filter(isError).map((diagnostic) => diagnosticJson(diagnostic, baseDir));
  return {
    format_version: PLAN_FORMAT_VERSION,
    error: { code: 'PSSYNC_E_MANIFEST', message: `the manifest has ${errors.length} error(s)` },
    changes: false,
    syncs: [],
    errors,
  };
}
