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

  /** The complete rows in the text so far; a row cut off by the chunk's end waits for the next. */
  rows(chunk: string): Row[] {
    const text = this.rest + chunk;
    const length = text.length;
    const rows: Row[] = [];
    let position = 0;
    // One pass, no object per value: `at` walks the text; a row cut off leaves `position` at its start.
    rows: for (;;) {
      let at = position;
      let count = 0;
      for (let code; ; at += 1) {
        if (at >= length) break rows;
        if ((code = text.charCodeAt(at)) === SEMICOLON) break;
        count = count * 10 + code - 48;
      }
      at += 1;
      const values = new Array<string | null>(count);
      for (let index = 0; index < count; index += 1) {
        if (at >= length) break rows;
        if (text.charCodeAt(at) === N) {
          values[index] = null;
          at += 1;
          continue;
        }
        let size = 0;
        for (let code; ; at += 1) {
          if (at >= length) break rows;
          if ((code = text.charCodeAt(at)) === COLON) break;
          size = size * 10 + code - 48;
        }
        at += 1;
        if (at + size > length) break rows;
        values[index] = text.slice(at, at + size);
        at += size;
      }
      rows.push(values);
      position = at;
    }
    this.rest = text.slice(position);
    return rows;
  }

  /** The file ended: a row cut off then means the file is damaged. */
  end(path: string): void {
    if (this.rest.length > 0) throw new Error(`the spill file ${path} ends inside a row`);
  }
}
