/** LargeMap behaves as a Map across its shards (V8 Maps stop at 2^24 entries). */
import { describe, expect, it } from 'vitest';
import { LargeMap } from '../../../src/mapping/large-map.js';

describe('LargeMap', () => {
  it('gets, sets, updates, deletes and iterates in insertion order across shards', () => {
    const map = new LargeMap<string, number>(4);
    const model = new Map<string, number>();
    const both = (action: (target: LargeMap<string, number> | Map<string, number>) => unknown) => expect(action(map)).toEqual(action(model));
    for (let index = 0; index < 30; index += 1) {
      both((target) => target.set(`k${index}`, index) && undefined);
      if (index % 7 === 3) both((target) => target.set(`k${index - 2}`, -index) && undefined); // an update in an earlier shard
      if (index % 5 === 4) both((target) => target.delete(`k${index - 3}`));
    }
    both((target) => target.delete('absent'));
    both((target) => target.size);
    both((target) => [...target]);
    both((target) => [...target.values()]);
    for (let index = -1; index < 31; index += 1) {
      both((target) => target.get(`k${index}`));
      both((target) => target.has(`k${index}`));
    }
    map.clear();
    expect([map.size, [...map], map.get('k1')]).toEqual([0, [], undefined]);
    map.set('again', 1);
    expect([...map]).toEqual([['again', 1]]);
  });
});
