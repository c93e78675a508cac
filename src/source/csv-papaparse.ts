/**
 * CSV records through PapaParse (issue 12: it reads the benchmark's file in ~4 µs a record,
 * csv-parse in ~13 µs) for the common dialect: the escape is the quote (RFC 4180 `""`), lines end
 * in LF or CRLF, even mixed. Records, values, line numbers and errors are those of csv-parse (the
 * CSV tests and the bad-input corpus hold both readers to them): PapaParse splits the text, and
 * this module adds what it leaves out —
 * - strict quoting: PapaParse accepts spaces after a closing quote and a quote inside an unquoted
 *   field; csv-quoting.ts checks every record that holds a quote, and also tells which fields were
 *   quoted (for NULL);
 * - CRLF: PapaParse takes one line break, `\n`; the `\r` it leaves on an unquoted last field is cut;
 * - line numbers (the `\n`s of each record's text), blank lines skipped, a BOM skipped;
 * - streaming: the text is parsed a chunk at a time; a record cut off by the chunk's end is parsed
 *   again with the next one (waiting for as much new text as it holds, so a long record is not
 *   re-read over and over), and one that grows past 64 MiB is refused.
 */
import { StringDecoder } from 'node:string_decoder';
import Papa from 'papaparse';
import type { CsvSourceConfig } from '../manifest/types.js';
import { checkQuoting, orEnd, type QuotingProblem } from './csv-quoting.js';
import { CsvRows, MAX_RECORD_BYTES, type CsvBatch, quoteInUnquotedMessage, recordTooLargeMessage, textAfterQuoteMessage, unclosedQuoteMessage, type QuotedLookup } from './csv-rows.js';
import { inputError, type Input } from './input.js';
import { SourceError } from './source.js';

/** Whether PapaParse reads this source exactly: RFC 4180 quoting, LF or CRLF line breaks. */
export function papaParseReads(config: CsvSourceConfig, input: Input): boolean {
  return input.breaks === 'lf' && config.escape === config.quote && config.quote.length === 1 && !Papa.BAD_DELIMITERS.includes(config.delimiter) && config.delimiter !== config.quote;
}

/** PapaParse's result for one record (step mode): the record, its errors, where it ends. */
interface StepResult {
  readonly data: string[][];
  readonly errors: readonly Papa.ParseError[];
  readonly meta: { readonly cursor: number };
}

const NONE_QUOTED: readonly boolean[] = [];

export async function* readCsvPapaParse(config: CsvSourceConfig, input: Input, rows: CsvRows): AsyncGenerator<CsvBatch> {
  const records = new PapaRecords(config, rows);
  const decoder = new StringDecoder(config.encoding === 'latin1' ? 'latin1' : 'utf8');
  let first = true;
  let waiting: string[] = [];
  let waitingLength = 0;
  try {
    for await (const bytes of input.stream as AsyncIterable<Buffer>) {
      let text = decoder.write(bytes);
      if (first && text.length > 0) {
        first = false;
        if (config.encoding !== 'latin1' && text.charCodeAt(0) === 0xfeff) text = text.slice(1);
      }
      waiting.push(text);
      waitingLength += text.length;
      if (waitingLength < records.leftoverLength) continue;
      const batch = records.parse(waiting.join(''), false);
      waiting = [];
      waitingLength = 0;
      if (batch) yield batch;
      records.throwFailure();
    }
    const batch = records.parse(waiting.join('') + decoder.end(), true);
    if (batch) yield batch;
    records.throwFailure();
  } catch (error) {
    throw error instanceof SourceError ? error : inputError(config.path, error, input.lines() + 1);
  }
}

/** Feeds PapaParse the text a chunk at a time and hands what it splits to CsvRows. */
class PapaRecords implements QuotedLookup {
  private readonly parser: Papa.Parser;
  /** The text being parsed: what was left of the last chunk, then the new one. */
  private text = '';
  /** The offset of `text` in the whole input (PapaParse's cursors count from there). */
  private base = 0;
  /** Where the next record starts, in the whole input. */
  private recordStart = 0;
  /** The line the next record starts on. */
  private line = 1;
  /** The quoting of the current record: its flags, or none quoted. */
  private quoted: readonly boolean[] = NONE_QUOTED;
  /** The next quote in `text` at or after `recordStart` (or past the end), found again once passed. */
  private nextQuote = -1;
  private failure: SourceError | undefined;
  /** No NUL character in the text so far. */
  private nulFree = true;

  constructor(
    private readonly config: CsvSourceConfig,
    private readonly rows: CsvRows,
  ) {
    this.parser = new Papa.Parser({ delimiter: config.delimiter, newline: '\n', quoteChar: config.quote, escapeChar: config.quote, step: (result: StepResult) => this.onRecord(result) });
  }

  /** The length of the record cut off by the last chunk's end. */
  get leftoverLength(): number {
    return this.text.length - (this.recordStart - this.base);
  }

  /** The rows of the complete records in `chunk` (after what was left of the last one); `final`: the input's end. */
  parse(chunk: string, final: boolean): CsvBatch | undefined {
    this.text = this.text.slice(this.recordStart - this.base) + chunk;
    this.base = this.recordStart;
    this.nulFree &&= !chunk.includes('\u0000');
    this.nextQuote = -1;
    try {
      const result = this.parser.parse(this.text, this.base, !final) as StepResult;
      if (!final) this.checkLeftover(result.errors);
    } catch (error) {
      // The rows before a bad record are delivered before its error, as csv-parse delivers them.
      if (!(error instanceof SourceError)) throw error;
      this.failure = error;
    }
    return this.rows.take(this.nulFree);
  }

  throwFailure(): void {
    if (this.failure) throw this.failure;
  }

  quotedFields(): readonly boolean[] {
    return this.quoted;
  }

  private onRecord(result: StepResult): void {
    const start = this.recordStart - this.base;
    const end = result.meta.cursor - this.base;
    this.recordStart = result.meta.cursor;
    const line = this.line;
    const text = this.text;
    this.line += lineBreaks(text, start, end);
    let to = end;
    if (to > start && text.charCodeAt(to - 1) === 10) to -= text.charCodeAt(to - 2) === 13 && to - 2 >= start ? 2 : 1;
    const values = result.data[0]!;
    // A blank line: csv-parse's skip_empty_lines.
    if (to === start && values.length === 1) return;
    if (this.nextQuote < start) this.nextQuote = orEnd(text.indexOf(this.config.quote, start));
    this.quoted = NONE_QUOTED;
    if (this.nextQuote < end) {
      const checked = checkQuoting(text, start, to, this.config.delimiter, this.config.quote);
      if (!Array.isArray(checked)) throw this.quotingError(checked, line, start);
      this.quoted = checked;
    }
    if (result.errors.some((error) => error.code === 'MissingQuotes')) throw new SourceError(this.config.path, unclosedQuoteMessage(line), line);
    // PapaParse ends the record at `\n`: an unquoted last field keeps the `\r` of a CRLF.
    if (to < end - 1 && this.quoted[values.length - 1] !== true) {
      const last = values.length - 1;
      values[last] = values[last]!.slice(0, -1);
    }
    this.rows.add(values, line, this);
  }

  /** The record cut off by the chunk's end: refused when PapaParse already found its quoting broken, or when too large. */
  private checkLeftover(errors: readonly Papa.ParseError[]): void {
    const start = this.recordStart - this.base;
    if (errors.some((error) => error.code === 'InvalidQuotes')) {
      const checked = checkQuoting(this.text, start, this.text.length, this.config.delimiter, this.config.quote);
      if (!Array.isArray(checked) && checked.kind !== 'unclosed') throw this.quotingError(checked, this.line, start);
    }
    if (this.text.length - start > MAX_RECORD_BYTES) throw new SourceError(this.config.path, recordTooLargeMessage(this.line), this.line);
  }

  private quotingError(problem: QuotingProblem, line: number, start: number): SourceError {
    const at = line + lineBreaks(this.text, start, problem.at);
    switch (problem.kind) {
      case 'unclosed':
        return new SourceError(this.config.path, unclosedQuoteMessage(line), line);
      case 'text-after-quote':
        return new SourceError(this.config.path, textAfterQuoteMessage(`got ${JSON.stringify(problem.got)}`), at);
      case 'quote-in-unquoted':
        return new SourceError(this.config.path, quoteInUnquotedMessage(`field ${problem.field + 1}`), at);
    }
  }
}

/** The `\n`s in text[from, to). */
function lineBreaks(text: string, from: number, to: number): number {
  let count = 0;
  for (let index = text.indexOf('\n', from); index !== -1 && index < to; index = text.indexOf('\n', index + 1)) count++;
  return count;
}
