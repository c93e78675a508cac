/** When a partition's filter may go into a source query (pure part of mapping/partition-pushdown.ts), and how the query is wrapped. */
import { describe, expect, it } from 'vitest';
import { integerSourceKey } from '../../../src/mapping/partition-pushdown.js';
import { filteredQuery } from '../../../src/source/query-shape.js';
import { column } from '../../helpers/plan-builders.js';

const integerColumns = [
  { name: 'user_id', integer: true },
  { name: 'org', integer: true },
  { name: 'email', integer: false },
  { name: 'code', integer: false },
];

describe('integerSourceKey', () => {
  it('names the source columns of an integer key mapped as is, in key order', () => {
    const columns = [column('org_id', 'int', { key: true, from: 'org' }), column('id', 'bigint', { key: true, from: 'user_id' }), column('email', 'varchar(64)')];
    expect(integerSourceKey(columns, integerColumns)).toEqual(['org', 'user_id']);
  });

  it('refuses a key the source cannot hash as the client does', () => {
    const cases = {
      'a text source column': [column('id', 'bigint', { key: true, from: 'code' })],
      'a transformed key': [column('id', 'bigint', { key: true, from: 'user_id', transforms: ['trim'] })],
      'a text key column': [column('email', 'varchar(64)', { key: true })],
      'a constant key part': [column('id', 'bigint', { key: true, from: 'user_id' }), column('tenant', 'int', { key: true, constant: '7' })],
      'a key field the query lacks': [column('id', 'bigint', { key: true, from: 'missing' })],
    };
    for (const [what, columns] of Object.entries(cases)) expect(integerSourceKey(columns, integerColumns), what).toBeUndefined();
  });
});

describe('filteredQuery', () => {
  it('wraps the query as a derived table: a trailing semicolon dropped, a closing comment kept closed', () => {
    expect(filteredQuery('SELECT id FROM t -- all;\n  ;  \n', 'x = 1')).toBe('SELECT * FROM (\nSELECT id FROM t -- all\n) AS pssync_source WHERE x = 1');
  });
});
