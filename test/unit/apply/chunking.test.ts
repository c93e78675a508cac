import { describe, expect, it } from 'vitest';
import { AdaptiveChunk, statementBytes, type ChunkLimits } from '../../../src/apply/chunking.js';

const KiB = 1024;
const MiB = 1024 * KiB;
const LIMITS: ChunkLimits = { maxRows: 100_000, maxBytes: 4 * MiB, targetMs: 2_000 };

describe('AdaptiveChunk', () => {
  it('starts at the initial size, capped by maxRows', () => {
    expect(new AdaptiveChunk(LIMITS).size).toBe(5_000);
    expect(new AdaptiveChunk(LIMITS, 20_000).size).toBe(20_000);
    expect(new AdaptiveChunk({ ...LIMITS, maxRows: 1_000 }).size).toBe(1_000);
  });

  it('grows at most ×2 per chunk however fast the last one was', () => {
    const chunk = new AdaptiveChunk(LIMITS);
    chunk.record(5_000, 1); // ideal would be 10,000,000 rows
    expect(chunk.size).toBe(10_000);
    chunk.record(10_000, 1);
    expect(chunk.size).toBe(20_000);
  });

  it('treats a 0 ms chunk as 1 ms (no division by zero, still at most ×2)', () => {
    const chunk = new AdaptiveChunk(LIMITS);
    chunk.record(5_000, 0);
    expect(chunk.size).toBe(10_000);
  });

  it('never grows above maxRows', () => {
    const chunk = new AdaptiveChunk(LIMITS);
    const sizes: number[] = [];
    for (let step = 0; step < 8; step += 1) {
      chunk.record(chunk.size, 10);
      sizes.push(chunk.size);
    }
    expect(sizes).toEqual([10_000, 20_000, 40_000, 80_000, 100_000, 100_000, 100_000, 100_000]);
    const small = new AdaptiveChunk({ ...LIMITS, maxRows: 7_500 });
    small.record(5_000, 1);
    expect(small.size).toBe(7_500);
  });

  it('grows less than ×2 when the measured rate says so (toward targetMs)', () => {
    const chunk = new AdaptiveChunk(LIMITS);
    chunk.record(5_000, 1_250); // 0.25 ms/row → 2,000 ms is 8,000 rows
    expect(chunk.size).toBe(8_000);
  });

  it('shrinks to what fits targetMs after a slow chunk, but not below minRows', () => {
    const chunk = new AdaptiveChunk(LIMITS);
    chunk.record(5_000, 10_000); // 2 ms/row → 1,000 rows
    expect(chunk.size).toBe(1_000);
    chunk.record(1_000, 1_000_000); // 1,000 ms/row → 2 rows, floored at minRows
    expect(chunk.size).toBe(100);
    const custom = new AdaptiveChunk(LIMITS, 5_000, 10);
    custom.record(5_000, 1_000_000);
    expect(custom.size).toBe(10);
  });

  it('ignores a short (last) chunk: it says nothing about speed', () => {
    const chunk = new AdaptiveChunk(LIMITS);
    chunk.record(1_234, 1);
    expect(chunk.size).toBe(5_000);
    chunk.record(4_999, 1_000_000);
    expect(chunk.size).toBe(5_000);
  });
});

describe('statementBytes', () => {
  it.each([
    [64 * MiB, 4 * MiB], // MySQL 8 default: capped at 4 MiB
    [1024 * MiB, 4 * MiB], // the maximum packet
    [16 * MiB, 4 * MiB], // MariaDB default
    [4 * MiB, 1 * MiB], // a quarter
    [1 * MiB, 256 * KiB],
    [256 * KiB, 64 * KiB],
    [200 * KiB, 50 * KiB], // a quarter of the packet
  ])('max_allowed_packet %i → %i bytes per statement', (packet, bytes) => {
    expect(statementBytes(packet)).toBe(bytes);
  });

  it('leaves room for UTF-8 expansion (≤ a quarter of the packet) whenever the packet is ≥ 256 KiB', () => {
    for (const packet of [256 * KiB, 300 * KiB, 1 * MiB, 4 * MiB + 3, 16 * MiB, 64 * MiB, 1024 * MiB]) {
      expect(statementBytes(packet)).toBeLessThanOrEqual(packet / 4);
    }
  });

  it('stays under max_allowed_packet even when the server allows small packets (minimum 1024 bytes)', () => {
    // SPEC 4.4: statements under max_allowed_packet. A 64 KiB statement fails with a 16 KiB packet.
    for (const packet of [1024, 16 * KiB, 32 * KiB, 64 * KiB, 128 * KiB]) {
      expect(statementBytes(packet), `max_allowed_packet ${packet}`).toBeLessThan(packet);
    }
  });
});
