/** Reading and writing plan files (`plan --out`, `apply PLANFILE`, `show PLANFILE`). */
import { readFile, writeFile } from 'node:fs/promises';
import { PssyncError, errorMessage } from '../model/errors.js';
import { planFileEdit, planFileProblem, type PlanFile } from '../plan/plan-file.js';

export async function readPlanFile(path: string): Promise<PlanFile> {
  let value: unknown;
  try {
    value = JSON.parse(await readFile(path, 'utf8'));
  } catch (error) {
    throw new PssyncError('PSSYNC_E_PLAN_FILE', `cannot read plan file ${path}: ${errorMessage(error)}`);
  }
  const problem = planFileProblem(value);
  if (problem) throw new PssyncError('PSSYNC_E_PLAN_FILE', `${path} is not a pssync plan file: ${problem}`);
  // Shown and applied only as pssync wrote it: a reviewer must see what apply would do.
  const edit = planFileEdit(value as PlanFile);
  if (edit) throw new PssyncError('PSSYNC_E_PLAN_EDITED', `${path} is refused: ${edit}. A saved plan is shown and applied only as written; run pssync plan --out again`);
  return value as PlanFile;
}

export async function writePlanFile(path: string, plan: PlanFile): Promise<void> {
  try {
    // Owner-only: plan files hold sample rows, which may be personal data.
    await writeFile(path, `${JSON.stringify(plan, null, 2)}\n`, { mode: 0o600 });
  } catch (error) {
    throw new PssyncError('PSSYNC_E_IO', `cannot write plan file ${path}: ${errorMessage(error)}`);
  }
}
