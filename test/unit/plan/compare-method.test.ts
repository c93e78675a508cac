/** Which way a plan compares rows (issue 13), and why it reads every row where it does. */
import { describe, expect, it } from 'vitest';
import { AUTO_MIN_ROWS, checksumBlocker, chooseMethod } from '../../../src/plan/compare-method.js';
import { column } from '../../helpers/plan-builders.js';

describe('compare method', () => {
  const columns = [column('id', 'int', { key: true }), column('score', 'double')];

  it('auto: checksums on a table of many rows, the full read on a small one', () => {
    expect(chooseMethod('auto', undefined, AUTO_MIN_ROWS)).toEqual({ method: 'checksum' });
    expect(chooseMethod('auto', undefined, undefined)).toEqual({ method: 'checksum' });
    expect(chooseMethod('auto', undefined, 10)).toEqual({ method: 'full', reason: 'the table is small (about 10 rows)' });
  });

  it('checksum and both are asked for; full is forced; a blocker wins over all but full', () => {
    expect(chooseMethod('checksum', undefined, 1)).toEqual({ method: 'checksum' });
    expect(chooseMethod('both', undefined, 1)).toEqual({ method: 'both' });
    expect(chooseMethod('full', undefined, 10 ** 9)).toEqual({ method: 'full', reason: 'compare: full' });
    expect(chooseMethod('checksum', 'why', 10 ** 9)).toEqual({ method: 'full', reason: 'why' });
  });

  it('blocks where a checksum could not be exact: approximated collations, FLOAT, columns to add or change', () => {
    expect(checksumBlocker(columns, true)).toBeUndefined();
    expect(checksumBlocker(columns, false)).toContain('approximated');
    expect(checksumBlocker([...columns, column('f', 'float')], true)).toContain('FLOAT column `f`');
    expect(checksumBlocker([...columns, column('new', 'int', { live: false })], true)).toContain('`new` is still to be added');
    const changing = { ...column('n', 'int'), type: column('n', 'varchar(10)').type };
    expect(checksumBlocker([changing], true)).toContain('changes type');
  });
});
