/**
 * Chunk sizing. Statements stay under the row limit and the packet size; merge chunks adapt to
 * measured latency so each autocommit transaction stays far below PlanetScale's 20 s.
 */
export interface ChunkLimits {
  /** Rows per statement, never above the dialect's limit (100,000 on PlanetScale). */
  readonly maxRows: number;
  /** Bytes of SQL text per statement, under max_allowed_packet. */
  readonly maxBytes: number;
  /** Aim for statements this long. */
  readonly targetMs: number;
}

/**
 * SQL text per statement: a quarter of max_allowed_packet (room for multi-byte characters and
 * protocol overhead), at most 4 MiB (bigger buys nothing). A single row may still exceed it: it
 * is then sent alone.
 */
export function statementBytes(maxAllowedPacket: number): number {
  return Math.max(256, Math.min(4 * 1024 * 1024, Math.floor(maxAllowedPacket / 4)));
}

/** Grows or shrinks the next chunk from the last one's duration, within [minRows, maxRows]. */
export class AdaptiveChunk {
  private rows: number;

  constructor(
    private readonly limits: ChunkLimits,
    initialRows = 5_000,
    private readonly minRows = 100,
  ) {
    this.rows = Math.min(initialRows, limits.maxRows);
  }

  get size(): number {
    return this.rows;
  }

  record(rows: number, elapsedMs: number): void {
    if (rows < this.rows) return; // a short last chunk says nothing about speed
    const perRow = Math.max(elapsedMs, 1) / rows;
    const ideal = Math.floor(this.limits.targetMs / perRow);
    // Move at most ×2 per step: one lucky fast chunk should not produce a huge slow one.
    const next = Math.min(ideal, this.rows * 2);
    this.rows = Math.max(Math.min(this.minRows, this.ceiling), Math.min(this.limits.maxRows, this.ceiling, next));
  }

  /** Below this size since a statement was refused as too large or too slow; never grows back past it. */
  private ceiling = Number.POSITIVE_INFINITY;

  /**
   * Shrink-and-retry: the server refused a statement of `failedRows` rows as too big or too slow.
   * The next one gets half as many (down to one row) and the size never grows back to what failed.
   * False when a single row already failed: nothing smaller can be sent.
   */
  halve(failedRows = this.rows): boolean {
    if (failedRows <= 1) return false;
    this.rows = Math.max(1, Math.floor(failedRows / 2));
    this.ceiling = Math.min(this.ceiling, failedRows - 1);
    return true;
  }
}
