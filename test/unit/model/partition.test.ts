import { describe, expect, it } from 'vitest';
import { parsePartition, slotOfKey, slotOfRawKey, slotOfText } from '../../../src/model/partition.js';
import { stagingPrefixFor } from '../../../src/apply/staging-names.js';
import { lockName, partitionLockName } from '../../../src/apply/lock.js';

describe('partitions', () => {
  it('parses K/N and refuses what is not a partition', () => {
    expect(parsePartition('2/4')).toEqual({ index: 2, count: 4 });
    expect(parsePartition(' 1 / 1 ')).toEqual({ index: 1, count: 1 });
    for (const bad of ['0/4', '5/4', '2', '2/0', 'a/b', '1/65', '-1/2', '1.5/2']) expect(() => parsePartition(bad), bad).toThrow(/--partition takes K\/N/);
  });

  it('puts a key in one partition, the same one every time, and spreads keys evenly', () => {
    expect(slotOfText('42', 4)).toBe(Number.parseInt('a1d0c6e8', 16) % 4); // md5('42') = a1d0c6e8…
    expect(slotOfKey(42, 4)).toBe(slotOfKey('42', 4));
    const counts = [0, 0, 0, 0];
    for (let id = 1; id <= 40_000; id += 1) counts[slotOfKey(id, 4)]! += 1;
    for (const count of counts) expect(Math.abs(count - 10_000)).toBeLessThan(400);
    expect(slotOfKey('anything', 1)).toBe(0);
  });

  it('places a record whose key did not map by its raw key text, and a missing key part in the first partition', () => {
    expect(slotOfRawKey(['x42'], 8)).toBe(slotOfText('x42', 8));
    expect(slotOfRawKey(['1', '2'], 8)).toBe(slotOfText('["1","2"]', 8));
    expect(slotOfRawKey([null], 8)).toBe(0);
    expect(slotOfRawKey(['1', undefined], 8)).toBe(0);
  });

  it('names each partition its own lock and staging tables, inside the table\'s', () => {
    expect(partitionLockName('db', 'people', { index: 2, count: 4 })).toBe(`${lockName('db', 'people')}#2/4`);
    const long = partitionLockName('d'.repeat(40), 't'.repeat(30), { index: 64, count: 64 });
    expect(long.length).toBeLessThanOrEqual(64);
    expect(long.endsWith('#64/64')).toBe(true);
    const prefix = stagingPrefixFor('people');
    expect(stagingPrefixFor('people', { index: 2, count: 4 })).toBe(`${prefix}p2of4_`);
    expect(stagingPrefixFor('people', { index: 1, count: 1 })).toBe(prefix);
  });
});
