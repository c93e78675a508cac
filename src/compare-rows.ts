/**
 * One sync's rows compared with its destination rows, one way or the other (plan/compare-method.ts):
 * by segment checksums, by reading every row, or both (a self-check that refuses when they disagree).
 * Reports how it compared and the bytes it read from the destination. Wires introspect's readers
 * into the pure diffs (plan/).
 */
import { createHash } from 'node:crypto';
import type { Db } from './db/connection.js';
import { estimateRows } from './introspect/introspect.js';
import { segmentReader } from './introspect/segment-checksums.js';
import type { SegmentReader } from './model/segment.js';
import type { CompareMethod } from './manifest/types.js';
import type { CollationKeys, KeyCollations } from './mapping/collation.js';
import { integerKeyColumns, keyRequests, makeKeyOf } from './mapping/row-key.js';
import type { TargetColumn } from './mapping/target-columns.js';
import { describePartition, slotOfKey, type Partition } from './model/partition.js';
import { errorMessage, PssyncError } from './model/errors.js';
import { HashSum, rowHasher } from './model/row-checksum.js';
import type { Row } from './model/row.js';
import type { RowSpill } from './model/row-spill.js';
import type { TableSpec } from './model/table.js';
import { diffByChecksums, type Comparison } from './plan/segment-diff.js';
import { checksumBlocker, checksumColumns, chooseMethod } from './plan/compare-method.js';
import { diffSync, type SyncDiffInput, type SyncDiffResult } from './plan/sync-diff.js';
import type { SourceRow } from './source/source.js';

export interface RowComparison {
  readonly result: SyncDiffResult;
  readonly comparison: Comparison & { readonly bytesRead?: number };
  /** The rows fingerprint: of every destination row in scope, the same whichever way they were compared. */
  readonly rowsFingerprint: string;
}

export interface CompareRowsInput extends Omit<SyncDiffInput, 'actual' | 'onActualPage' | 'collations'> {
  readonly db: Db;
  readonly live: TableSpec | undefined;
  readonly collations: KeyCollations;
  readonly compare: CompareMethod;
  /** The rows fingerprint is wanted (a saved plan): the full read then hashes every row it reads. */
  readonly fingerprinting: boolean;
  /** The source read again from its start (`both` reads it twice). */
  readonly reread: () => Promise<AsyncIterable<SourceRow>>;
  readonly openDesiredSpill: () => RowSpill;
}

export async function compareRows(input: CompareRowsInput): Promise<RowComparison> {
  const { db, live, columns } = input;
  const compared = checksumColumns(columns);
  const startBytes = db.bytesRead?.();
  const withBytes = (comparison: Comparison, more = 0) => (startBytes === undefined ? comparison : { ...comparison, bytesRead: db.bytesRead!() - startBytes + more });
  if (!live) {
    // A table to create: nothing to read, every row is an insert.
    const result = await diffSync(input);
    return { result, comparison: withBytes(fullComparison('the table does not exist yet')), rowsFingerprint: fingerprintOf(new HashSum()) };
  }
  const { partition } = input;
  const partitioned = partition !== undefined && partition.count > 1;
  // The server chooses a partition's rows for integer keys; for other keys the client does, from every row.
  const clientPartition = partitioned && !integerKeyColumns(columns);
  const blocker = checksumBlocker(columns, input.collations.exact) ?? (clientPartition ? `${describePartition(partition)} of a key that is not an integer: its rows are chosen as they are read` : undefined);
  const estimate = input.compare === 'auto' && !blocker ? await estimateRows(db, live.name) : undefined;
  const chosen = chooseMethod(input.compare, blocker, estimate === undefined ? undefined : Math.round(estimate / (partition?.count ?? 1)));
  const serverReader = segmentReader(db, live.name, columns, compared, partition);
  const reader = clientPartition ? { ...serverReader, allRows: () => partitionRows(serverReader.allRows(), columns, input.collations.reader(), partition) } : serverReader;
  // A server that cannot run the segment queries (a window function: not routable in a sharded
  // Vitess keyspace) is found out before the source is read, and read in full instead.
  const refused = chosen.method === 'full' ? undefined : await segmentQueriesRefused(reader);
  if (chosen.method === 'full' || refused) {
    const reason = chosen.method === 'full' ? chosen.reason : `the server refused the segment queries (${refused})`;
    const { result, actualSum } = await fullRead(input, reader, compared, input.source, input.fingerprinting);
    return { result, comparison: withBytes(fullComparison(reason, result.diff.actualRows)), rowsFingerprint: fingerprintOf(actualSum) };
  }
  // Row hashes of differing segments are read over up to three connections side by side.
  const forks = db.fork ? await Promise.all(Array.from({ length: EXTRA_READERS }, () => db.fork!())) : [];
  const moreReaders = forks.map((fork) => segmentReader(fork, live.name, columns, compared, partition));
  const forkBytes = () => forks.reduce((sum, fork) => sum + (fork.bytesRead?.() ?? 0), 0);
  try {
    if (chosen.method === 'checksum') {
      const result = await diffByChecksums({ ...input, reader, moreReaders, compared });
      return { result, comparison: withBytes(result.comparison, forkBytes()), rowsFingerprint: fingerprintOf(result.actualSum) };
    }
    // both: the full read first, then the checksums over the source read again; they must agree.
    const full = await fullRead(input, reader, compared, input.source, true);
    const source = await input.reread();
    // The source's rows were fingerprinted on the first pass.
    const { onDesiredRow: _fingerprinted, ...again } = input;
    const result = await diffByChecksums({ ...again, source, reader, moreReaders, compared });
    const disagreement = disagreementOf(full.result, result, fingerprintOf(full.actualSum), fingerprintOf(result.actualSum));
    if (disagreement) throw new PssyncError('PSSYNC_E_COMPARE', `the checksum comparison of table \`${live.name}\` disagrees with the full read (${disagreement}); please report this`);
    return { result, comparison: withBytes(result.comparison, forkBytes()), rowsFingerprint: fingerprintOf(result.actualSum) };
  } finally {
    await Promise.all(forks.map((fork) => fork.close()));
  }
}

/** Destination pages cut to a partition's rows, by the same row key the differ matches them by. */
async function* partitionRows(pages: AsyncIterable<Row[]>, columns: readonly TargetColumn[], keys: CollationKeys, partition: Partition): AsyncGenerator<Row[]> {
  const keyOf = makeKeyOf(columns, keys);
  const slot = partition.index - 1;
  for await (const page of pages) {
    const requests = keyRequests(columns, page);
    if (requests.size > 0) await keys.prepare(requests);
    yield page.filter((row) => slotOfKey(keyOf(row), partition.count) === slot);
  }
}

/** Connections besides the plan's own that read row hashes (segment-compare.ts). */
const EXTRA_READERS = 2;

/** Why the server cannot run the segment queries (its error), or undefined when it can. */
export async function segmentQueriesRefused(reader: Pick<SegmentReader, 'marks'>): Promise<string | undefined> {
  try {
    await reader.marks(undefined, 1, 1);
    return undefined;
  } catch (error) {
    // The server answered with an SQL error; anything else (a lost connection) is no refusal.
    if (typeof (error as { sqlMessage?: unknown }).sqlMessage !== 'string') throw error;
    return errorMessage(error);
  }
}

function fullComparison(reason: string, rowsRead = 0): Comparison {
  return { method: 'full', reason, segments: 0, segmentsRead: 0, rowHashesRead: 0, rowsRead };
}

/** The full read; with `hashing`, each destination row hashed as the server would (the rows fingerprint). */
async function fullRead(input: CompareRowsInput, reader: SegmentReader, compared: ReturnType<typeof checksumColumns>, source: AsyncIterable<SourceRow>, hashing: boolean) {
  const actualSum = new HashSum();
  const hashRow = rowHasher(compared, 'destination');
  const onActualPage = (page: readonly Row[]) => {
    for (const row of page) actualSum.add(hashRow(row));
  };
  const result = await diffSync({ ...input, source, actual: reader.allRows(), ...(hashing ? { onActualPage } : {}) });
  return { result, actualSum };
}

function fingerprintOf(sum: HashSum): string {
  return createHash('sha256').update(`${sum.count}:${sum.value}`).digest('hex');
}

/** What differs between two diffs of the same rows (undefined: nothing). */
function disagreementOf(full: SyncDiffResult, checksum: SyncDiffResult, fullFingerprint: string, checksumFingerprint: string): string | undefined {
  const summary = (result: SyncDiffResult) =>
    JSON.stringify({
      counts: result.diff.counts,
      destinationRows: result.diff.actualRows,
      samples: result.diff.samples,
      inserts: result.diff.ops.inserts.digest,
      updates: result.diff.ops.updates.digest,
      deletes: result.diff.ops.deletes,
      sourceRows: result.sourceRows,
      rejections: result.rejections.length,
    });
  const a = summary(full);
  const b = summary(checksum);
  if (a !== b) return `full read ${a.slice(0, 400)}, checksums ${b.slice(0, 400)}`;
  if (fullFingerprint !== checksumFingerprint) return 'the destination rows fingerprints differ';
  return undefined;
}
