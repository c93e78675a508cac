/**
 * CSV, streamed. Two tokenizers read it the same way (csv-rows.ts turns their records into rows):
 * PapaParse for the common dialect — the escape is the quote, lines end in LF or CRLF — and
 * csv-parse for the rest (an escape other than the quote; old-Mac files, whose first line break is
 * a lone CR: then CR, CRLF and LF each end a line, in records and in line numbers alike).
 * PapaParse is three times as fast here (issue 12), csv-parse reads every dialect.
 *
 * NULL versus empty string follows PostgreSQL COPY: an unquoted empty field is NULL, a quoted
 * empty field ("") is the empty string; `null_values` adds markers that count only when unquoted.
 * Options: delimiter, quote, escape, header on/off (with `columns` naming the fields, or renaming
 * them when there is a header), encoding utf-8 (a BOM is skipped; bytes that are not UTF-8 are an
 * error naming the line) or latin1. Line endings: LF or CRLF, even mixed; or CR as above. The
 * header's names are told (`onHeader`) as soon as it is read, so a file with a header and no
 * record still has them.
 */
import type { CsvSourceConfig } from '../manifest/types.js';
import { papaParseReads, readCsvPapaParse } from './csv-papaparse.js';
import { readCsvParse } from './csv-parse-reader.js';
import { CsvRows, type CsvBatch } from './csv-rows.js';
import { openInput, type InputOptions } from './input.js';
import { batchedRecords, type BatchedRecords, type HeaderListener, type SourceRow } from './source.js';

export interface CsvReadOptions extends Pick<InputOptions, 'stdin'> {
  readonly onHeader?: HeaderListener;
  /** Read with csv-parse even where PapaParse would (tests compare the two). */
  readonly tokenizer?: 'csv-parse';
}

export async function* readCsv(config: CsvSourceConfig, options: CsvReadOptions = {}): AsyncGenerator<SourceRow> {
  for await (const batch of readCsvBatches(config, options)) yield* rowsOf(batch);
}

/** readCsv's records, also a batch at a time. */
export function readCsvRecords(config: CsvSourceConfig, options: CsvReadOptions = {}): BatchedRecords {
  return batchedRecords(async function* () {
    for await (const batch of readCsvBatches(config, options)) yield rowsOf(batch);
  });
}

/** The source's rows a batch at a time, flat (what the CSV thread posts). */
export async function* readCsvBatches(config: CsvSourceConfig, options: CsvReadOptions = {}): AsyncGenerator<CsvBatch> {
  const input = await openInput(config.path, { utf8: config.encoding !== 'latin1', detectCr: true, ...(options.stdin ? { stdin: options.stdin } : {}) });
  const rows = new CsvRows(config, options.onHeader);
  if (options.tokenizer !== 'csv-parse' && papaParseReads(config, input)) yield* readCsvPapaParse(config, input, rows);
  else yield* readCsvParse(config, input, rows);
}

/** A batch's rows as records: field name → value. */
export function rowsOf({ names, values, lines }: CsvBatch): SourceRow[] {
  const width = names.length;
  const rows: SourceRow[] = [];
  for (let row = 0, at = 0; row < lines.length; row += 1) {
    const fields: Record<string, string | null> = {};
    for (let column = 0; column < width; column += 1, at += 1) fields[names[column]!] = values[at]!;
    rows.push({ fields, line: lines[row]! });
  }
  return rows;
}
