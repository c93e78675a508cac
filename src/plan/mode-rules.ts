/** SPEC 4.2 as data: what each mode does with added, changed and removed rows. */
import type { AudienceMode, TableMode } from '../manifest/types.js';

export type Mode = TableMode | AudienceMode;

export interface ModeRule {
  /** Rows in the source only. */
  readonly added: 'insert' | 'skip';
  /** Rows in both that differ. */
  readonly changed: 'update' | 'skip';
  /** Rows in the destination (scope) only. */
  readonly removed: 'delete' | 'keep';
}

const RULES: Readonly<Record<Mode, ModeRule>> = {
  insert: { added: 'insert', changed: 'skip', removed: 'keep' },
  update: { added: 'skip', changed: 'update', removed: 'keep' },
  upsert: { added: 'insert', changed: 'update', removed: 'keep' },
  mirror: { added: 'insert', changed: 'update', removed: 'delete' },
  add: { added: 'insert', changed: 'skip', removed: 'keep' },
  remove: { added: 'skip', changed: 'skip', removed: 'delete' },
};

export function modeRule(mode: Mode): ModeRule {
  return RULES[mode];
}
