/** `pssync plan`: read-only; prints DDL, row operations and samples. */
import { planHasErrors } from '../../plan/plan.js';
import { renderMarkdown } from '../../render/markdown.js';
import { renderText } from '../../render/text.js';
import type { CliIo } from '../io.js';
import { loadConfig } from '../load.js';
import { manifestPath } from '../manifest-path.js';
import { planSession } from '../plan-session.js';

export type PlanFormat = 'text' | 'markdown' | 'json';

export interface PlanArgs {
  readonly file?: string;
  readonly sync?: readonly string[];
  readonly format: PlanFormat;
  readonly detailedExitcode: boolean;
  readonly samples?: number;
}

export async function planCommand(args: PlanArgs, io: CliIo): Promise<number> {
  const config = await loadConfig(io, manifestPath(args.file, io.env, io.cwd));
  if (!config) return 1;
  const session = await planSession(io, config, args.sync, true);
  try {
    const { json, plan } = session;
    switch (args.format) {
      case 'json':
        io.out(`${JSON.stringify(json, null, 2)}\n`);
        break;
      case 'markdown':
        io.out(renderMarkdown(json, { samples: args.samples ?? 0 }));
        break;
      case 'text':
        io.out(renderText(json, io.stdoutStyle));
        break;
      default: {
        const never: never = args.format;
        throw new Error(`unknown format ${String(never)}`);
      }
    }
    if (planHasErrors(plan)) return 1;
    return args.detailedExitcode && json.changes ? 2 : 0;
  } finally {
    await session.destinations.close();
  }
}
