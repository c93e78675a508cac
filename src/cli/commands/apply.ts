/** `pssync apply`: plan, show, confirm (TTY) or require --auto-approve, then execute. */
import { applyPlan } from '../../apply/executor.js';
import { PssyncError } from '../../model/errors.js';
import { planHasErrors } from '../../plan/plan.js';
import { renderReport } from '../../render/report.js';
import { renderText } from '../../render/text.js';
import type { CliIo } from '../io.js';
import { loadConfig } from '../load.js';
import { manifestPath } from '../manifest-path.js';
import { planSession } from '../plan-session.js';
import { listrRunner } from '../progress.js';

export interface ApplyArgs {
  readonly file?: string;
  readonly sync?: readonly string[];
  readonly autoApprove: boolean;
  readonly allowDeletes: boolean;
  readonly lockTimeout: number;
}

export async function applyCommand(args: ApplyArgs, io: CliIo): Promise<number> {
  if (!args.autoApprove && !io.interactive) {
    throw new PssyncError('PSSYNC_E_CONFIRM', 'apply needs confirmation, and there is no terminal to ask on; review the plan and pass --auto-approve');
  }
  const config = await loadConfig(io, manifestPath(args.file, io.env, io.cwd));
  if (!config) return 1;
  const session = await planSession(io, config, args.sync, true);
  try {
    const { json, plan } = session;
    io.err(renderText(json, io.stderrStyle));
    if (planHasErrors(plan)) {
      io.err(io.stderrStyle.red('Nothing was applied: fix the errors above and run apply again.\n'));
      return 1;
    }
    if (!json.changes && plan.syncs.every((sync) => sync.rejections.length === 0)) return 0;
    if (!args.autoApprove) {
      const answer = await io.ask('Apply these changes? Only "yes" is accepted: ');
      if (answer.trim() !== 'yes') {
        io.err('Apply cancelled; nothing was written.\n');
        return 1;
      }
    }
    const report = await applyPlan(plan, (name) => session.sessionFor(name), {
      allowDeletes: args.allowDeletes,
      lockTimeoutSeconds: args.lockTimeout,
      runner: listrRunner({ enabled: true, interactive: io.liveProgress, verb: 'apply' }),
    });
    io.err(renderReport(report, io.stderrStyle));
    return report.ok ? 0 : 1;
  } finally {
    await session.destinations.close();
  }
}
