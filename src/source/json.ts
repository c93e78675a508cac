/**
 * A JSON array of objects (`[{…}, {…}]`), streamed element by element: a small scanner finds
 * where each top-level object starts and ends (tracking strings and nesting only), and JSON.parse
 * reads the element (native speed, exact error positions, see json-value.ts for exact numbers).
 * So the file is never loaded whole, and every row and every error has its line number.
 * Between elements the scanner checks the array's own grammar: `[`, commas, `]`, nothing after.
 */
import { StringDecoder } from 'node:string_decoder';
import type { JsonSourceConfig } from '../manifest/types.js';
import { inputError, openInput, type InputOptions } from './input.js';
import { JsonSyntaxError, describeJson, parseJsonValue } from './json-value.js';
import { SourceError, type SourceRow } from './source.js';

/** An element larger than this is refused rather than buffered (rows are never this big). */
const MAX_ELEMENT_CHARS = 256 * 1024 * 1024;

export async function* readJson(config: JsonSourceConfig, options: Pick<InputOptions, 'stdin'> = {}): AsyncGenerator<SourceRow> {
  const file = config.path;
  const input = await openInput(file, { utf8: true, ...options });
  const decoder = new StringDecoder('utf8');
  const scanner = new JsonArrayScanner(file);
  try {
    for await (const chunk of input.stream as AsyncIterable<Buffer>) {
      const elements = scanner.push(decoder.write(chunk));
      for (const element of elements) yield element;
    }
    for (const element of scanner.push(decoder.end())) yield element;
    scanner.end();
  } catch (error) {
    throw inputError(file, error, scanner.line);
  } finally {
    input.stream.destroy();
  }
}

type State = 'start' | 'first' | 'element' | 'after' | 'next' | 'done';

const SPACE = 0x20;
const TAB = 0x09;
const LF = 0x0a;
const CR = 0x0d;
const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;
const COMMA = 0x2c;
const BOM = 0xfeff;
const STRING_STOPS = /["\\\n]/g;
const STRUCTURE_STOPS = /["{}[\]\n]/g;

/** Splits JSON array text, pushed in chunks, into its object elements with their start lines. */
export class JsonArrayScanner {
  /** 1-based line the scanner is on. */
  line = 1;
  private state: State = 'start';
  /** Element text so far (earlier chunks), and where it starts in the current chunk. */
  private pieces: string[] = [];
  private piecesLength = 0;
  private elementLine = 0;
  private depth = 0;
  private inString = false;
  private escaped = false;
  private count = 0;
  private atFileStart = true;

  constructor(private readonly file: string) {}

  push(text: string): SourceRow[] {
    const rows: SourceRow[] = [];
    let elementStart = -1;
    if (this.state === 'element') elementStart = 0;
    for (let index = 0; index < text.length; index++) {
      if (this.state === 'element') {
        // Inside an element only quotes, backslashes (in strings), brackets and newlines matter:
        // jump between them with native regex searches.
        if (this.inString) {
          if (this.escaped) {
            this.escaped = false;
            if (text.charCodeAt(index) === LF) this.line++;
            continue;
          }
          STRING_STOPS.lastIndex = index;
          if (!STRING_STOPS.test(text)) break;
          index = STRING_STOPS.lastIndex - 1;
          const code = text.charCodeAt(index);
          if (code === BACKSLASH) this.escaped = true;
          else if (code === QUOTE) this.inString = false;
          else this.line++;
          continue;
        }
        STRUCTURE_STOPS.lastIndex = index;
        if (!STRUCTURE_STOPS.test(text)) break;
        index = STRUCTURE_STOPS.lastIndex - 1;
        const code = text.charCodeAt(index);
        if (code === QUOTE) this.inString = true;
        else if (code === LF) this.line++;
        else if (code === OPEN_BRACE || code === OPEN_BRACKET) this.depth++;
        else {
          this.depth--;
          if (this.depth === 0) {
            rows.push(this.finishElement(text.slice(elementStart, index + 1)));
            elementStart = -1;
            this.state = 'after';
          }
        }
        continue;
      }
      const code = text.charCodeAt(index);
      if (code === LF) {
        this.line++;
        continue;
      }
      if (code === SPACE || code === TAB || code === CR) continue;
      if (code === BOM && this.atFileStart) {
        this.atFileStart = false;
        continue;
      }
      this.atFileStart = false;
      switch (this.state) {
        case 'start':
          if (code !== OPEN_BRACKET) throw this.syntax(startProblem(code));
          this.state = 'first';
          break;
        case 'first':
        case 'next':
          if (code === CLOSE_BRACKET && this.state === 'first') {
            this.state = 'done';
          } else if (code === OPEN_BRACE) {
            this.state = 'element';
            this.depth = 1;
            this.elementLine = this.line;
            elementStart = index;
          } else if (code === CLOSE_BRACKET) {
            throw this.syntax('a comma before `]` (trailing commas are not JSON)');
          } else {
            throw this.syntax(`element ${this.count + 1} of the array is not an object (a row): it starts with ${quoteChar(code)}`);
          }
          break;
        case 'after':
          if (code === COMMA) this.state = 'next';
          else if (code === CLOSE_BRACKET) this.state = 'done';
          else throw this.syntax(`expected \`,\` or \`]\` after element ${this.count}, found ${quoteChar(code)}`);
          break;
        case 'done':
          throw this.syntax(`unexpected ${quoteChar(code)} after the end of the array`);
      }
    }
    if (elementStart !== -1) {
      const rest = text.slice(elementStart);
      this.pieces.push(rest);
      this.piecesLength += rest.length;
      if (this.piecesLength > MAX_ELEMENT_CHARS) {
        throw new SourceError(this.file, `element ${this.count + 1} is larger than ${MAX_ELEMENT_CHARS / 1024 / 1024} MiB of text; is the array's structure broken?`, this.elementLine);
      }
    }
    return rows;
  }

  /** At the end of the input: the array must be complete. */
  end(): void {
    switch (this.state) {
      case 'done':
        return;
      case 'start':
        throw new SourceError(this.file, 'the file is empty; a json source needs an array of objects (`[]` for no rows)', this.line);
      case 'element':
        throw new SourceError(this.file, `the file ends inside element ${this.count + 1} (which starts on line ${this.elementLine}): it is truncated`, this.line);
      default:
        throw new SourceError(this.file, 'the file ends before the array is closed with `]`: it is truncated', this.line);
    }
  }

  private finishElement(last: string): SourceRow {
    const text = this.pieces.length === 0 ? last : this.pieces.join('') + last;
    this.pieces = [];
    this.piecesLength = 0;
    this.count++;
    let value: unknown;
    try {
      value = parseJsonValue(text);
    } catch (error) {
      if (!(error instanceof JsonSyntaxError)) throw error;
      const line = error.offset === undefined ? this.elementLine : this.elementLine + countNewlines(text, error.offset);
      throw new SourceError(this.file, `invalid JSON in element ${this.count}: ${error.message}`, line, { cause: error });
    }
    if (value === null || typeof value !== 'object' || Array.isArray(value)) {
      throw new SourceError(this.file, `element ${this.count} is ${describeJson(value)}, not an object`, this.elementLine);
    }
    return { fields: value as Record<string, unknown>, line: this.elementLine };
  }

  private syntax(problem: string): SourceError {
    return new SourceError(this.file, `invalid JSON array: ${problem}`, this.line);
  }
}

function startProblem(code: number): string {
  if (code === OPEN_BRACE) return 'the file starts with `{`, not `[`: a json source is an array of objects (one object per line is kind: ndjson)';
  return `the file starts with ${quoteChar(code)}; a json source is an array of objects, \`[{…}, {…}]\``;
}

function quoteChar(code: number): string {
  return code < 0x20 ? `character U+${code.toString(16).padStart(4, '0')}` : `\`${String.fromCharCode(code)}\``;
}

function countNewlines(text: string, end: number): number {
  let count = 0;
  for (let index = text.indexOf('\n'); index !== -1 && index < end; index = text.indexOf('\n', index + 1)) count++;
  return count;
}
