import { describe, expect, it } from 'vitest';
import { lockName } from '../../../src/apply/lock.js';
import { stagingPrefixFor, stagingTableName } from '../../../src/apply/staging-names.js';
import { STAGING_PREFIX } from '../../../src/introspect/introspect.js';

/** MySQL's identifier limit, and the longest table name there can be. */
const MAX_IDENTIFIER = 64;
const LONGEST_TABLE = 't'.repeat(MAX_IDENTIFIER);
/** What the executor uses: randomBytes(4).toString('hex'). */
const RUN_ID = 'deadbeef';

describe('staging table names', () => {
  it('start with _pssync_stage_ and fit 64 characters for a 64-character table name', () => {
    const name = stagingTableName(LONGEST_TABLE, RUN_ID);
    expect(STAGING_PREFIX).toBe('_pssync_stage_');
    expect(name.startsWith(STAGING_PREFIX)).toBe(true);
    expect(name.length).toBeLessThanOrEqual(MAX_IDENTIFIER);
    expect(name).toMatch(/^_pssync_stage_[0-9a-f]{12}_deadbeef$/);
  });

  it('are plain identifiers (no quoting needed) whatever the table is called', () => {
    for (const table of ['customer ltv', 'ünïcödé', 'we`ird', LONGEST_TABLE]) {
      expect(stagingTableName(table, RUN_ID)).toMatch(/^[A-Za-z0-9_]+$/);
    }
  });

  it('runs of one table share the prefix and differ by run id', () => {
    const first = stagingTableName('customer_ltv', 'aaaaaaaa');
    const second = stagingTableName('customer_ltv', 'bbbbbbbb');
    const prefix = stagingPrefixFor('customer_ltv');
    expect(first).not.toBe(second);
    expect(first.startsWith(prefix)).toBe(true);
    expect(second.startsWith(prefix)).toBe(true);
    expect(prefix.startsWith(STAGING_PREFIX)).toBe(true);
  });

  it('different tables have different prefixes, also long names that differ only at the end', () => {
    expect(stagingPrefixFor('customer_ltv')).not.toBe(stagingPrefixFor('audience_members'));
    expect(stagingPrefixFor(`${'x'.repeat(63)}a`)).not.toBe(stagingPrefixFor(`${'x'.repeat(63)}b`));
    // Neither prefix is a prefix of the other: a leftover of one table is never taken for another's.
    const a = stagingPrefixFor('orders');
    const b = stagingPrefixFor('orders_archive');
    expect(a.startsWith(b) || b.startsWith(a)).toBe(false);
  });

  it('is deterministic (a later plan recognises an earlier run’s leftovers)', () => {
    expect(stagingPrefixFor('customer_ltv')).toBe(stagingPrefixFor('customer_ltv'));
  });
});

describe('lockName', () => {
  it('is readable for short names', () => {
    expect(lockName('analytics', 'customer_ltv')).toBe('pssync:analytics.customer_ltv');
  });

  it('fits 64 characters for a 64-character database and a 64-character table', () => {
    const name = lockName('d'.repeat(MAX_IDENTIFIER), LONGEST_TABLE);
    expect(name.length).toBeLessThanOrEqual(MAX_IDENTIFIER);
    expect(name.startsWith('pssync:')).toBe(true);
  });

  it('a name of exactly 64 characters stays readable; one more is hashed', () => {
    const table = 't'.repeat(64 - 'pssync:db.'.length);
    expect(lockName('db', table)).toBe(`pssync:db.${table}`);
    expect(lockName('db', `${table}x`)).toMatch(/^pssync:[0-9a-f]{40}$/);
  });

  it('different long tables (or databases) get different locks; the same table the same lock', () => {
    const database = 'd'.repeat(40);
    expect(lockName(database, `${'t'.repeat(63)}a`)).not.toBe(lockName(database, `${'t'.repeat(63)}b`));
    expect(lockName(`${database}1`, LONGEST_TABLE)).not.toBe(lockName(`${database}2`, LONGEST_TABLE));
    expect(lockName(database, LONGEST_TABLE)).toBe(lockName(database, LONGEST_TABLE));
  });
});
