/**
 * The text of a spill file (pure): each row is its number of values and `;`, then each value as
 * `n` (NULL) or its length in UTF-16 units, `:` and its text. Nothing is escaped, so writing is
 * concatenation and reading is slicing; a row may hold any text (line breaks, NULs, quotes).
 */
import type { Row } from '../model/row.js';

const SEMICOLON = 59;
const COLON = 58;
const N = 110;

/** `text` with the row appended. */
export function appendRow(text: string, row: Row): string {
  text += `${row.length};`;
  for (const value of row) text += value === null ? 'n' : `${value.length}:${value}`;
  return text;
}

/** Reads rows back from the text of a file, a chunk at a time (a row may span chunks). */
export class SpillDecoder {
  private rest = '';
  /** Where reading is in the current text. */
  private at = 0;

  /** The complete rows in the text so far; a row cut off by the chunk's end waits for the next. */
  rows(chunk: string): Row[] {
    const text = this.rest + chunk;
    const rows: Row[] = [];
    // One pass, no object per value; a row cut off leaves `position` at its start.
    let position = 0;
    rows: for (;;) {
      this.at = position;
      const count = this.number(text, SEMICOLON);
      if (count < 0) break;
      const values = new Array<string | null>(count);
      for (let index = 0; index < count; index += 1) {
        if (this.at >= text.length) break rows;
        if (text.charCodeAt(this.at) === N) {
          values[index] = null;
          this.at += 1;
          continue;
        }
        const size = this.number(text, COLON);
        if (size < 0 || this.at + size > text.length) break rows;
        values[index] = text.slice(this.at, this.at + size);
        this.at += size;
      }
      rows.push(values);
      position = this.at;
    }
    this.rest = text.slice(position);
    return rows;
  }

  /** The file ended: a row cut off then means the file is damaged. */
  end(path: string): void {
    if (this.rest.length > 0) throw new Error(`the spill file ${path} ends inside a row`);
  }

  /** The decimal number at `at` up to `terminator`, `at` moved past it; -1 when the text ends first. */
  private number(text: string, terminator: number): number {
    let value = 0;
    for (let at = this.at; at < text.length; at += 1) {
      const code = text.charCodeAt(at);
      if (code === terminator) {
        this.at = at + 1;
        return value;
      }
      value = value * 10 + code - 48;
    }
    return -1;
  }
}
