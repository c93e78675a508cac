/**
 * The checksum-first diff (issue 13) makes the full read's plan — counts, rows, samples — for any
 * mix of unchanged, changed, missing and extra rows, in every mode, and however the server orders
 * keys: a server whose order disagrees with pssync's makes segments differ (more is read), never
 * a different plan. The server here is an in-memory model of the segment queries' semantics
 * (ranges, first-match parts, row hashes); the SQL itself runs against the real database in
 * test/integration/checksum-compare.test.ts.
 */
import { describe, expect, it } from 'vitest';
import { diffByChecksums, TOP_ROWS } from '../../../src/plan/segment-diff.js';
import { checksumColumns } from '../../../src/plan/compare-method.js';
import { diffSync, type SyncDiffResult } from '../../../src/plan/sync-diff.js';
import { rowHasher } from '../../../src/model/row-checksum.js';
import type { Row } from '../../../src/model/row.js';
import type { RowSpill } from '../../../src/model/row-spill.js';
import type { KeyValues, Segment, SegmentReader } from '../../../src/model/segment.js';
import type { TargetColumn } from '../../../src/mapping/target-columns.js';
import type { SourceRow } from '../../../src/source/source.js';
import type { Mode } from '../../../src/plan/mode-rules.js';
import { compareNumericText } from '../../../src/plan/key-order.js';
import { column } from '../../helpers/plan-builders.js';
import { rng } from '../../helpers/random.js';

const COLUMNS: readonly TargetColumn[] = [column('id', 'int', { key: true }), column('price', 'decimal(10,2)'), column('note', 'varchar(16)')];
const COMPOSITE: readonly TargetColumn[] = [column('tenant', 'varchar(8)', { key: true }), column('id', 'int', { key: true }), column('note', 'varchar(16)')];

type KeyCompare = (a: KeyValues, b: KeyValues) => number;

const numericOrder: KeyCompare = (a, b) => compareNumericText(a[0]!, b[0]!);
/** A server that sorts keys otherwise than pssync does (by their text reversed). */
const strangeOrder: KeyCompare = (a, b) => {
  const left = a.join('|').split('').reverse().join('');
  const right = b.join('|').split('').reverse().join('');
  return left < right ? -1 : left > right ? 1 : 0;
};
const tupleOrder: KeyCompare = (a, b) => (a[0]! < b[0]! ? -1 : a[0]! > b[0]! ? 1 : compareNumericText(a[1]!, b[1]!));

/** The segment queries' semantics over rows in memory, counting what they return. */
function memoryServer(columns: readonly TargetColumn[], rows: readonly Row[], compare: KeyCompare) {
  const keyIndexes = columns.flatMap((item, index) => (item.isKey ? [index] : []));
  const keyOf = (row: Row): KeyValues => keyIndexes.map((index) => row[index] ?? null);
  const hash = rowHasher(checksumColumns(columns), 'destination');
  const partOf = (key: KeyValues, cuts: readonly KeyValues[]) => {
    const index = cuts.findIndex((cut) => compare(key, cut) < 0);
    return index < 0 ? cuts.length : index;
  };
  const inSegment = (row: Row, segment: Segment) => {
    const key = keyOf(row);
    if (segment.range.from && compare(key, segment.range.from) < 0) return false;
    if (segment.range.to && compare(key, segment.range.to) >= 0) return false;
    return segment.filters.every((filter) => filter.parts.includes(partOf(key, filter.cuts)));
  };
  const sorted = (list: readonly Row[]) => [...list].sort((a, b) => compare(keyOf(a), keyOf(b)));
  const read = { queries: 0, rowHashes: 0, rows: 0 };
  const reader: SegmentReader = {
    async marks(from, count, step) {
      read.queries += 1;
      const after = sorted(rows).filter((row) => !from || compare(keyOf(row), from) >= 0).slice(0, count + 1);
      return after.filter((_, index) => index % step === 0).map((row) => keyOf(row) as Row);
    },
    async parts(segment, cuts) {
      read.queries += 1;
      const result = Array.from({ length: cuts.length + 1 }, () => ({ count: 0, sum: 0n }));
      for (const row of rows.filter((candidate) => inSegment(candidate, segment))) {
        const part = result[partOf(keyOf(row), cuts)]!;
        const { high, low } = hash(row);
        part.count += 1;
        part.sum += (BigInt(high) << 32n) + BigInt(low);
      }
      return result;
    },
    async *rowHashes(segment) {
      const inside = sorted(rows.filter((row) => inSegment(row, segment)));
      for (let start = 0; start < inside.length; start += 7) {
        const page = inside.slice(start, start + 7);
        read.rowHashes += page.length;
        yield page.map((row) => ({ key: keyOf(row) as Row, hash: hash(row) }));
      }
    },
    async *allRows() {
      const all = sorted(rows);
      for (let start = 0; start < all.length; start += 500) {
        read.rows += Math.min(500, all.length - start);
        yield all.slice(start, start + 500);
      }
    },
    async rowsByKeys(keys) {
      const wanted = new Set(keys.map((key) => JSON.stringify(key)));
      const found = sorted(rows.filter((row) => wanted.has(JSON.stringify(keyOf(row)))));
      read.rows += found.length;
      return found;
    },
  };
  return { reader, read };
}

function memorySpill(): RowSpill {
  const rows: Row[] = [];
  return {
    append: (row) => void rows.push(row),
    close: () => ({
      async *batches(batchRows) {
        for (let start = 0; start < rows.length; start += batchRows) yield rows.slice(start, start + batchRows);
      },
    }),
  };
}

async function* records(rows: readonly Record<string, string | null>[]): AsyncGenerator<SourceRow> {
  let line = 1;
  for (const fields of rows) yield { fields, line: ++line };
}

async function* pages(rows: readonly Row[]): AsyncGenerator<Row[]> {
  for (let start = 0; start < rows.length; start += 100) yield rows.slice(start, start + 100);
}

/** What a plan shows and writes, for comparing two diffs. */
function shown(result: SyncDiffResult) {
  const { counts, samples, actualRows, ops } = result.diff;
  return { counts, samples, actualRows, inserts: ops.inserts.digest, updates: ops.updates.digest, deletes: ops.deletes, sourceRows: result.sourceRows, rejections: result.rejections.length };
}

interface Scenario {
  readonly columns: readonly TargetColumn[];
  readonly source: Record<string, string | null>[];
  /** Destination rows, sorted by the server's order. */
  readonly actual: Row[];
}

/** Mostly unchanged rows, some changed, missing, extra; shuffled source; optionally a clustered change. */
function scenario(random: () => number, size: number, clustered: boolean): Scenario {
  const source: Record<string, string | null>[] = [];
  const actual: Row[] = [];
  const ids = Array.from({ length: size }, (_, index) => index * 3 - 50).sort(() => random() - 0.5);
  for (const id of ids) {
    const roll = random();
    const note = roll < 0.05 ? null : `n${id}`;
    const inCluster = clustered && id > size && id < size + 60;
    if (roll < 0.97 || inCluster) source.push({ id: String(id), price: `${id}.5`, note });
    if (roll > 0.02 && !inCluster) actual.push([String(id), roll < 0.04 ? `${id}.25` : `${id}.50`, roll > 0.995 ? 'other' : note]);
    else if (inCluster && roll < 0.5) actual.push([String(id), `${id}.00`, note]);
  }
  return { columns: COLUMNS, source, actual };
}

async function bothWays(input: Scenario, mode: Mode, order: KeyCompare, maxRejectedRows = 0) {
  const server = memoryServer(input.columns, input.actual, order);
  const full = await diffSync({ source: records(input.source), columns: input.columns, mode, maxRejectedRows, actual: pages([...input.actual].sort((a, b) => order(keyOf(input.columns, a), keyOf(input.columns, b)))) });
  const checksum = await diffByChecksums({
    source: records(input.source),
    columns: input.columns,
    mode,
    maxRejectedRows,
    reader: server.reader,
    compared: checksumColumns(input.columns),
    openDesiredSpill: memorySpill,
  });
  return { full, checksum, read: server.read };
}

function keyOf(columns: readonly TargetColumn[], row: Row): KeyValues {
  return columns.flatMap((item, index) => (item.isKey ? [row[index] ?? null] : []));
}

describe('diffByChecksums makes the full read\'s plan', () => {
  for (const mode of ['insert', 'update', 'upsert', 'mirror', 'add', 'remove'] as const) {
    it(`${mode}: random differences, in the server's order and in a strange one`, async () => {
      for (let round = 0; round < 6; round += 1) {
        const random = rng(mode.length * 131 + round);
        const input = scenario(random, 40 + Math.floor(random() * 3_000), round % 2 === 0);
        for (const order of [numericOrder, strangeOrder]) {
          const { full, checksum } = await bothWays(input, mode, order);
          expect(shown(checksum)).toEqual(shown(full));
        }
      }
    });
  }

  it('reads nothing but checksums when nothing differs, and few rows when little does', async () => {
    const source = Array.from({ length: 20_000 }, (_, index) => ({ id: String(index), price: '1.00', note: `n${index}` }));
    const actual: Row[] = source.map((row) => [row.id, row.price, row.note]);
    const same = await bothWays({ columns: COLUMNS, source, actual }, 'mirror', numericOrder);
    expect(shown(same.checksum)).toEqual(shown(same.full));
    expect(same.read).toEqual({ queries: 2, rowHashes: 0, rows: 0 });
    expect(same.checksum.comparison).toMatchObject({ method: 'checksum', segmentsRead: 0, rowsRead: 0 });

    // 30 neighbouring rows changed: the parts around them are cut again, the rest is not read.
    const changed = actual.map((row, index) => (index >= 12_000 && index < 12_030 ? [row[0]!, '2.00', row[2]!] : row));
    const few = await bothWays({ columns: COLUMNS, source, actual: changed }, 'mirror', numericOrder);
    expect(shown(few.checksum)).toEqual(shown(few.full));
    expect(few.checksum.diff.counts.update).toBe(30);
    expect(few.read.rows).toBe(30);
    expect(few.read.rowHashes).toBeLessThan(2_000);
  });

  it('segments of many rows: two queries per TOP_ROWS destination rows', async () => {
    const source = Array.from({ length: TOP_ROWS * 2 + 10 }, (_, index) => ({ id: String(index), price: '1.00', note: null }));
    const actual: Row[] = source.map((row) => [row.id, row.price, null]);
    const { full, checksum, read } = await bothWays({ columns: COLUMNS, source, actual }, 'mirror', numericOrder);
    expect(shown(checksum)).toEqual(shown(full));
    expect(read.queries).toBe(6);
  });

  it('composite keys, an empty source, an empty destination', async () => {
    const random = rng(7);
    const source = Array.from({ length: 500 }, (_, index) => ({ tenant: `t${index % 3}`, id: String(index), note: random() < 0.1 ? null : `n${index}` }));
    const actual: Row[] = source.filter(() => random() < 0.9).map((row) => [row.tenant, row.id, random() < 0.05 ? 'changed' : row.note]);
    actual.push(['t9', '1', 'extra']);
    for (const [rows, destination] of [[source, actual], [[], actual], [source, []]] as const) {
      for (const order of [tupleOrder, strangeOrder]) {
        const { full, checksum } = await bothWays({ columns: COMPOSITE, source: [...rows], actual: [...destination] }, 'mirror', order);
        expect(shown(checksum)).toEqual(shown(full));
      }
    }
  });

  it('most rows differ (a full refresh): both sides streamed in full, the same plan', async () => {
    const source = Array.from({ length: 6_000 }, (_, index) => ({ id: String(index), price: '2.00', note: `n${index}` }));
    const actual: Row[] = source.map((row, index) => [row.id, index % 10 === 0 ? '2.00' : '1.00', row.note]);
    for (const order of [numericOrder, strangeOrder]) {
      const { full, checksum, read } = await bothWays({ columns: COLUMNS, source, actual }, 'mirror', order);
      expect(shown(checksum)).toEqual(shown(full));
      expect(checksum.comparison).toMatchObject({ method: 'checksum', reason: 'most rows differ: both sides read in full', rowsRead: 6_000 });
      expect(read.rows).toBe(6_000);
    }
  });

  it('keeps the destination rows of source rows rejected under max_rejected_rows', async () => {
    const source = [{ id: '1', price: 'not a number', note: 'a' }, { id: '2', price: '2', note: 'b' }];
    const actual: Row[] = [['1', '1.00', 'a'], ['2', '2.00', 'b'], ['3', '3.00', 'c']];
    const { full, checksum } = await bothWays({ columns: COLUMNS, source, actual }, 'mirror', numericOrder, 1);
    expect(shown(checksum)).toEqual(shown(full));
    expect(checksum.diff.ops.deletes).toEqual([['3', '3.00', 'c']]);
  });
});
