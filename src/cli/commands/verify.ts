/**
 * `pssync verify`: read-only; compares each sync's destination rows with its desired rows the way
 * a plan does (checksums first), and reports what differs under the sync's mode. Exit 0 when
 * everything matches, 2 when something differs, 1 on an error.
 */
import type { CompareMethod, Config } from '../../manifest/types.js';
import { toVerifyJson, verifyExitCode } from '../../plan/verify.js';
import { renderVerify } from '../../render/verify.js';
import type { CliIo } from '../io.js';
import { loadConfigWithDiagnostics, withCompare, withPartition } from '../load.js';
import { manifestPath } from '../manifest-path.js';
import { planSession } from '../plan-session.js';

export interface VerifyArgs {
  readonly file?: string;
  readonly sync?: readonly string[];
  readonly format: 'text' | 'json';
  /** Show the sample rows' values, not only their keys. */
  readonly samples: boolean;
  readonly compare?: CompareMethod;
  readonly partition?: string;
}

export async function verifyCommand(args: VerifyArgs, io: CliIo): Promise<number> {
  const { config } = await loadConfigWithDiagnostics(io, manifestPath(args.file, io.env, io.cwd));
  if (!config) return 1;
  return verifyConfig(withPartition(withCompare(config, args.compare), args.partition), args, io);
}

/** Verifies an already loaded manifest (also `apply --verify`, after the apply). */
export async function verifyConfig(config: Config, args: Omit<VerifyArgs, 'file' | 'compare' | 'partition'>, io: CliIo): Promise<number> {
  const session = await planSession(io, config, args.sync, true, false);
  try {
    const result = toVerifyJson(session.plan, session.json, args.samples);
    io.out(args.format === 'json' ? `${JSON.stringify(result, null, 2)}\n` : renderVerify(result, io.stdoutStyle));
    return verifyExitCode(result);
  } finally {
    await session.destinations.close();
  }
}
