/** A server that cannot run the segment queries is read in full (compare-rows.ts), found out before the source is read. */
import { describe, expect, it } from 'vitest';
import { segmentQueriesRefused } from '../../src/compare-rows.js';

describe('segmentQueriesRefused', () => {
  it('is the server\'s SQL error when it refuses the marks query, undefined when it runs it', async () => {
    const refusing = { marks: () => Promise.reject(Object.assign(new Error('VT12001: unsupported: window functions in a sharded keyspace'), { sqlMessage: 'VT12001: unsupported', errno: 1235 })) };
    expect(await segmentQueriesRefused(refusing)).toContain('VT12001');
    expect(await segmentQueriesRefused({ marks: () => Promise.resolve([]) })).toBeUndefined();
  });

  it('a lost connection is no refusal: it surfaces', async () => {
    const lost = { marks: () => Promise.reject(Object.assign(new Error('Connection lost: The server closed the connection.'), { code: 'PROTOCOL_CONNECTION_LOST' })) };
    await expect(segmentQueriesRefused(lost)).rejects.toThrow('Connection lost');
  });
});
