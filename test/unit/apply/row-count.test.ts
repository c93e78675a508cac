/** Judging a write statement's row count against the plan (pure). */
import { describe, expect, it } from 'vitest';
import { judgeWrite, parseInfo, rowCountError, RowTally } from '../../../src/apply/row-count.js';

const outcome = (affectedRows: number, info = '') => ({ affectedRows, info });

describe('parseInfo', () => {
  it('reads the numbers of INSERT and UPDATE info texts (MySQL and MariaDB spell them alike)', () => {
    expect(parseInfo('Records: 3  Duplicates: 1  Warnings: 0')).toEqual({ records: 3, duplicates: 1, warnings: 0 });
    expect(parseInfo('Rows matched: 2  Changed: 1  Warnings: 0')).toEqual({ matched: 2, changed: 1, warnings: 0 });
    expect(parseInfo('')).toEqual({});
  });
});

describe('judgeWrite', () => {
  it('insert: every row inserted, by affectedRows or by Records − Duplicates', () => {
    expect(judgeWrite({ op: 'insert', rows: 3 }, outcome(3, 'Records: 3  Duplicates: 0  Warnings: 0'), false)).toEqual({ ok: true, counts: { insert: 3 } });
    expect(judgeWrite({ op: 'insert', rows: 1 }, outcome(1), false)).toEqual({ ok: true, counts: { insert: 1 } });
    expect(judgeWrite({ op: 'insert', rows: 3 }, outcome(2, 'Records: 2  Duplicates: 0  Warnings: 0'), false)).toEqual({ ok: false, did: 2 });
  });

  it('update: the rows matched must be the planned ones; unchanged rows are counted apart', () => {
    expect(judgeWrite({ op: 'update', rows: 2 }, outcome(2, 'Rows matched: 2  Changed: 2  Warnings: 0'), false)).toEqual({ ok: true, counts: { update: 2, alreadyCurrent: 0 } });
    expect(judgeWrite({ op: 'update', rows: 2 }, outcome(2, 'Rows matched: 2  Changed: 1  Warnings: 0'), false)).toEqual({ ok: true, counts: { update: 1, alreadyCurrent: 1 } });
    expect(judgeWrite({ op: 'update', rows: 2 }, outcome(1, 'Rows matched: 1  Changed: 1  Warnings: 0'), false)).toEqual({ ok: false, did: 1 });
    // Without CLIENT_FOUND_ROWS affectedRows would be the changed rows: the info text decides.
    expect(judgeWrite({ op: 'update', rows: 2 }, outcome(1, 'Rows matched: 2  Changed: 1  Warnings: 0'), false)).toMatchObject({ ok: true });
  });

  it('after a lost COMMIT: an update that finds its rows already changed, a delete that finds them gone, count once', () => {
    expect(judgeWrite({ op: 'update', rows: 2 }, outcome(2, 'Rows matched: 2  Changed: 0  Warnings: 0'), true)).toEqual({ ok: true, counts: { update: 2, alreadyCurrent: 0 } });
    expect(judgeWrite({ op: 'delete', rows: 4 }, outcome(0), true)).toEqual({ ok: true, counts: { delete: 4 } });
    expect(judgeWrite({ op: 'delete', rows: 4 }, outcome(0), false)).toEqual({ ok: false, did: 0 });
    expect(judgeWrite({ op: 'delete', rows: 4 }, outcome(2), true)).toEqual({ ok: false, did: 2 });
  });

  it('staging loads are checked but not counted', () => {
    expect(judgeWrite({ op: 'stage', rows: 5 }, outcome(5, 'Records: 5  Duplicates: 0  Warnings: 0'), false)).toEqual({ ok: true, counts: {} });
    // Sent again after a lost COMMIT: the no-op ON DUPLICATE KEY UPDATE counts each row once (CLIENT_FOUND_ROWS).
    expect(judgeWrite({ op: 'stage', rows: 5 }, outcome(5, 'Records: 5  Duplicates: 5  Warnings: 0'), true)).toEqual({ ok: true, counts: {} });
  });
});

describe('RowTally and rowCountError', () => {
  it('adds what statements did; reports already-current updates only when there were any', () => {
    const tally = new RowTally();
    tally.add({ insert: 2 });
    tally.add({ update: 1, alreadyCurrent: 0 });
    expect(tally.report()).toEqual({ rows: { insert: 2, update: 1, delete: 0 } });
    tally.add({ alreadyCurrent: 3 });
    expect(tally.report().alreadyCurrent).toBe(3);
  });

  it('names the statement, the counts, a few keys and what to do', () => {
    const keys = Array.from({ length: 7 }, (_, index) => `id="${index}"`);
    const error = rowCountError('t', 'updating rows 1–9 of 9 in `t`', { op: 'update', rows: 9 }, 2, { keys, missing: true });
    expect(error.code).toBe('PSSYNC_E_ROW_COUNT');
    expect(error.message).toContain('updating rows 1–9 of 9 in `t`: the server found 2 rows where 9 rows were planned; not in the table now: id="0"; id="1"; id="2"; id="3"; id="4" and more. The statement was rolled back');
    expect(error.message).toContain('run apply again');
  });
});
