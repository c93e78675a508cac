/**
 * Parquet, read with hyparquet (pure JS; snappy, gzip, zstd, brotli and lz4 via
 * hyparquet-compressors) one row group at a time, so memory is bounded by the largest row group,
 * never the file. Rows are numbered from 1 in file order (the `line` of a row).
 *
 * Values, mapped faithfully:
 * - INT64 → bigint (exact); INT32, FLOAT, DOUBLE → number; BOOLEAN → boolean;
 * - DECIMAL → ExactNumber (digit for digit, whatever the precision);
 * - DATE → 'YYYY-MM-DD'; TIMESTAMP (millis, micros, nanos, INT96) → 'YYYY-MM-DD HH:MM:SS.fff…'
 *   in UTC, every digit of the unit kept; TIME → 'HH:MM:SS.fff…';
 * - strings → string (invalid UTF-8 is an error); un-annotated BYTE_ARRAY → bytes (written as
 *   text when they are UTF-8); JSON → parsed (numbers exact); structs → objects (a dotted
 *   `from: address.city` reaches into them); lists → arrays; maps → objects.
 * Decimals and times inside lists keep hyparquet's conversion (a JS number).
 */
import { randomBytes } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdtemp, open, rm, stat, type FileHandle } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import type { Readable } from 'node:stream';
import { parquetMetadataAsync, parquetRead, type FileMetaData, type SchemaElement } from 'hyparquet';
import { compressors } from 'hyparquet-compressors';
import { errorText } from '../model/errors.js';
import type { ParquetSourceConfig } from '../manifest/types.js';
import { ExactNumber, decimalText } from './exact-number.js';
import { parseJsonValue } from './json-value.js';
import { SourceError, type HeaderListener, type SourceRow } from './source.js';

interface AsyncBuffer {
  byteLength: number;
  slice(start: number, end?: number): Promise<ArrayBuffer>;
}

const STRICT_UTF8 = new TextDecoder('utf-8', { fatal: true });

export async function* readParquet(config: ParquetSourceConfig, options: { stdin?: Readable; onHeader?: HeaderListener } = {}): AsyncGenerator<SourceRow> {
  const name = config.path;
  let spooled: string | undefined;
  let path = config.path;
  if (path === '-') {
    spooled = await spoolStdin(options.stdin ?? process.stdin);
    path = join(spooled, 'stdin.parquet');
  }
  let handle: FileHandle;
  try {
    handle = await open(path, 'r');
  } catch (error) {
    await cleanup(spooled);
    throw new SourceError(name, `cannot open: ${(error as { code?: string }).code === 'ENOENT' ? 'no such file' : (error as Error).message}`, undefined, { cause: error });
  }
  try {
    const opened = await handle.stat();
    if (opened.isDirectory()) throw new SourceError(name, 'cannot open: it is a directory, not a file');
    const file = fileBuffer(name, handle, opened.size);
    if (opened.size < 12) {
      throw new SourceError(name, opened.size === 0 ? 'the file is empty, not Parquet' : `the file is ${opened.size} bytes, too short to be Parquet (truncated?)`);
    }
    let metadata: FileMetaData;
    try {
      metadata = await parquetMetadataAsync(file);
    } catch (error) {
      throw new SourceError(name, `not a readable Parquet file (truncated, corrupt, or not Parquet): ${errorText(error)}`, undefined, { cause: error });
    }
    const plan = planConversions(metadata.schema);
    // The schema names the fields, rows or not.
    options.onHeader?.({ names: plan.topLevel });
    const readable: FileMetaData = { ...metadata, schema: plan.schema };
    let rowNumber = 0;
    for (const [index, group] of metadata.row_groups.entries()) {
      const groupRows = Number(group.num_rows);
      const columns = new Map<string, { start: number; data: ArrayLike<unknown> }[]>();
      try {
        await parquetRead({
          file,
          metadata: readable,
          rowStart: rowNumber,
          rowEnd: rowNumber + groupRows,
          utf8: false,
          parsers: PARSERS,
          compressors,
          onChunk: ({ columnName, columnData, rowStart }) => {
            let chunks = columns.get(columnName);
            if (!chunks) columns.set(columnName, (chunks = []));
            chunks.push({ start: rowStart, data: columnData as ArrayLike<unknown> });
          },
        });
      } catch (error) {
        if (error instanceof SourceError) throw error;
        throw new SourceError(
          name,
          `corrupt Parquet data in row group ${index + 1} (rows ${rowNumber + 1}..${rowNumber + groupRows}): ${errorText(error)}`,
          rowNumber + 1,
          { cause: error },
        );
      }
      const readers = plan.topLevel.map((column) => columnReader(name, column, columns.get(column) ?? [], rowNumber + 1));
      columns.clear();
      for (let row = 0; row < groupRows; row++) {
        rowNumber++;
        const fields: Record<string, unknown> = {};
        for (let c = 0; c < readers.length; c++) {
          const reader = readers[c]!;
          fields[reader.name] = reader.at(rowNumber - 1);
        }
        for (const conversion of plan.conversions) applyConversion(fields, conversion.path, 0, conversion.convert);
        yield { fields, line: rowNumber };
      }
    }
    if (BigInt(rowNumber) !== BigInt(metadata.num_rows)) {
      throw new SourceError(name, `the file's footer says ${metadata.num_rows} rows but its row groups hold ${rowNumber}: the file is corrupt`, rowNumber);
    }
    const now = await stat(path).catch(() => undefined);
    if (!now) throw new SourceError(name, 'the file was removed while it was being read');
    if (now.ino !== opened.ino || now.size !== opened.size || now.mtimeMs !== opened.mtimeMs) {
      throw new SourceError(name, 'the file changed while it was being read; read it again when its producer has finished');
    }
  } finally {
    await handle.close().catch(() => undefined);
    await cleanup(spooled);
  }
}

/** Random access over an open file; a short read means the file shrank under us. */
function fileBuffer(name: string, handle: FileHandle, size: number): AsyncBuffer {
  return {
    byteLength: size,
    async slice(start: number, end = size): Promise<ArrayBuffer> {
      const length = Math.max(0, Math.min(end, size) - start);
      const buffer = Buffer.allocUnsafe(length);
      let filled = 0;
      while (filled < length) {
        const { bytesRead } = await handle.read(buffer, filled, length - filled, start + filled);
        if (bytesRead === 0) throw new SourceError(name, 'the file became shorter while it was being read (truncated or replaced)');
        filled += bytesRead;
      }
      return buffer.buffer.slice(buffer.byteOffset, buffer.byteOffset + length) as ArrayBuffer;
    },
  };
}

/** Standard input spooled to a private temporary file: Parquet needs random access (its footer is at the end). */
async function spoolStdin(stdin: Readable): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), `pssync-stdin-${randomBytes(4).toString('hex')}-`));
  await pipeline(stdin, createWriteStream(join(dir, 'stdin.parquet'), { mode: 0o600 }));
  return dir;
}

async function cleanup(dir: string | undefined): Promise<void> {
  if (dir) await rm(dir, { recursive: true, force: true });
}

interface ColumnReader {
  readonly name: string;
  at(row: number): unknown;
}

/** Reads one top-level column's value by absolute row index from its chunks (in order). */
function columnReader(file: string, name: string, chunks: readonly { start: number; data: ArrayLike<unknown> }[], firstRow: number): ColumnReader {
  let current = 0;
  return {
    name,
    at(row) {
      while (current < chunks.length) {
        const chunk = chunks[current]!;
        if (row < chunk.start) break;
        if (row < chunk.start + chunk.data.length) {
          const value = chunk.data[row - chunk.start];
          return value === undefined ? null : value;
        }
        current++;
      }
      throw new SourceError(file, `column \`${name}\` has no value for row ${row + 1}: the file is corrupt`, Math.max(row + 1, firstRow));
    },
  };
}

// ---------------------------------------------------------------------------------------------
// Logical types hyparquet would make inexact: DECIMAL (to a double) and TIME (left as a number).
// Their annotations are taken off the schema for reading, and the raw values converted here.

type Convert = (value: unknown) => unknown;

interface ConversionPlan {
  readonly schema: SchemaElement[];
  readonly topLevel: readonly string[];
  readonly conversions: ReadonlyArray<{ readonly path: readonly string[]; readonly convert: Convert }>;
}

function planConversions(schema: readonly SchemaElement[]): ConversionPlan {
  const patched = schema.map((element) => ({ ...element }));
  const conversions: { path: string[]; convert: Convert }[] = [];
  const topLevel: string[] = [];
  let index = 1;
  // Walks the flattened schema tree; `plain` = reached through structs only (no lists, maps).
  const walk = (count: number, path: string[], plain: boolean): void => {
    for (let child = 0; child < count; child++) {
      const element = patched[index]!;
      index++;
      const here = [...path, element.name];
      if (path.length === 0) topLevel.push(element.name);
      if (element.num_children) {
        const isPlainStruct =
          plain && element.repetition_type !== 'REPEATED' && !element.converted_type && !element.logical_type;
        walk(element.num_children, here, isPlainStruct);
        continue;
      }
      if (!plain || element.repetition_type === 'REPEATED') continue;
      const convert = exactConversion(element);
      if (convert) {
        delete element.converted_type;
        delete element.logical_type;
        conversions.push({ path: here, convert });
      }
    }
  };
  walk(patched[0]?.num_children ?? 0, [], true);
  return { schema: patched, topLevel, conversions };
}

function exactConversion(element: SchemaElement): Convert | undefined {
  const logical = element.logical_type as { type?: string; scale?: number; unit?: string } | undefined;
  if (element.converted_type === 'DECIMAL' || logical?.type === 'DECIMAL') {
    const scale = element.scale ?? logical?.scale ?? 0;
    return (value) => new ExactNumber(decimalText(unscaledDecimal(value), scale));
  }
  if (element.converted_type === 'TIME_MILLIS' || (logical?.type === 'TIME' && logical.unit === 'MILLIS')) {
    return (value) => timeText(BigInt(value as number), 3);
  }
  if (element.converted_type === 'TIME_MICROS' || (logical?.type === 'TIME' && logical.unit === 'MICROS')) {
    return (value) => timeText(BigInt(value as bigint), 6);
  }
  if (logical?.type === 'TIME' && logical.unit === 'NANOS') {
    return (value) => timeText(BigInt(value as bigint), 9);
  }
  return undefined;
}

function unscaledDecimal(value: unknown): bigint {
  if (typeof value === 'bigint') return value;
  if (typeof value === 'number') return BigInt(value);
  const bytes = value as Uint8Array;
  if (bytes.length === 0) return 0n;
  let result = 0n;
  for (const byte of bytes) result = (result << 8n) | BigInt(byte);
  if ((bytes[0]! & 0x80) !== 0) result -= 1n << BigInt(bytes.length * 8); // two's complement
  return result;
}

function applyConversion(target: Record<string, unknown>, path: readonly string[], depth: number, convert: Convert): void {
  const key = path[depth]!;
  const value = target[key];
  if (value === null || value === undefined) return;
  if (depth === path.length - 1) {
    target[key] = convert(value);
  } else if (typeof value === 'object') {
    applyConversion(value as Record<string, unknown>, path, depth + 1, convert);
  }
}

// ---------------------------------------------------------------------------------------------
// Dates and times as MySQL-style text, every digit of the unit kept.

const UNITS: Readonly<Record<number, bigint>> = { 3: 1_000n, 6: 1_000_000n, 9: 1_000_000_000n };

function floorDiv(value: bigint, divisor: bigint): bigint {
  const quotient = value / divisor;
  return value % divisor !== 0n && value < 0n ? quotient - 1n : quotient;
}

/** 'YYYY-MM-DD HH:MM:SS.fff…' (UTC) for a count of units since 1970. */
export function timestampText(units: bigint, digits: number): string {
  const perSecond = UNITS[digits]!;
  const seconds = floorDiv(units, perSecond);
  const fraction = units - seconds * perSecond;
  const iso = new Date(Number(seconds) * 1000).toISOString();
  const civil = iso.replace(/^([+-])0*/, (_match, sign: string) => (sign === '-' ? '-' : ''));
  return `${civil.slice(0, civil.indexOf('T'))} ${civil.slice(civil.indexOf('T') + 1, civil.indexOf('T') + 9)}.${fraction.toString().padStart(digits, '0')}`;
}

export function dateText(days: number): string {
  const iso = new Date(days * 86_400_000).toISOString();
  return iso.slice(0, iso.indexOf('T'));
}

export function timeText(units: bigint, digits: number): string {
  const perSecond = UNITS[digits]!;
  const negative = units < 0n;
  const magnitude = negative ? -units : units;
  const seconds = magnitude / perSecond;
  const fraction = magnitude % perSecond;
  const pad = (value: bigint): string => value.toString().padStart(2, '0');
  return `${negative ? '-' : ''}${pad(seconds / 3600n)}:${pad((seconds / 60n) % 60n)}:${pad(seconds % 60n)}.${fraction.toString().padStart(digits, '0')}`;
}

const PARSERS = {
  timestampFromMilliseconds: (millis: bigint) => timestampText(BigInt(millis), 3),
  timestampFromMicroseconds: (micros: bigint) => timestampText(BigInt(micros), 6),
  timestampFromNanoseconds: (nanos: bigint) => timestampText(BigInt(nanos), 9),
  dateFromDays: (days: number) => dateText(days),
  stringFromBytes: (bytes: Uint8Array) => (bytes === undefined || bytes === null ? bytes : STRICT_UTF8.decode(bytes)),
  jsonFromBytes: (bytes: Uint8Array) => (bytes === undefined || bytes === null ? bytes : parseJsonValue(STRICT_UTF8.decode(bytes))),
};
