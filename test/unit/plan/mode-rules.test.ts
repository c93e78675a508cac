import { describe, expect, it } from 'vitest';
import { modeRule, type Mode } from '../../../src/plan/mode-rules.js';

// SPEC 4.2, both tables, row by row.
const TABLE_MODES: ReadonlyArray<readonly [Mode, string, string, string]> = [
  ['insert', 'insert', 'skip', 'keep'],
  ['update', 'skip', 'update', 'keep'],
  ['upsert', 'insert', 'update', 'keep'],
  ['mirror', 'insert', 'update', 'delete'],
];

const AUDIENCE_MODES: ReadonlyArray<readonly [Mode, string, string, string]> = [
  ['add', 'insert', 'skip', 'keep'],
  ['remove', 'skip', 'skip', 'delete'],
  ['upsert', 'insert', 'update', 'keep'],
  ['mirror', 'insert', 'update', 'delete'],
];

describe('modeRule', () => {
  it.each(TABLE_MODES)('table mode %s: added → %s, changed → %s, removed → %s', (mode, added, changed, removed) => {
    expect(modeRule(mode)).toEqual({ added, changed, removed });
  });

  it.each(AUDIENCE_MODES)('audience mode %s: added → %s, changed → %s, departed → %s', (mode, added, changed, removed) => {
    expect(modeRule(mode)).toEqual({ added, changed, removed });
  });

  it('only mirror and remove delete', () => {
    const modes: Mode[] = ['insert', 'update', 'upsert', 'mirror', 'add', 'remove'];
    expect(modes.filter((mode) => modeRule(mode).removed === 'delete')).toEqual(['mirror', 'remove']);
  });
});
