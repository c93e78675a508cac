/** Character strings (CHAR, VARCHAR, TEXT): text checked against the column's length. */
import type { ColumnType } from '../../model/column-type.js';
import { dateToDateTimeText } from './calendar.js';
import { serializeJson } from './json.js';
import { fail, notA, ok, trimTrailingSpaces, type Coerced } from './shared.js';

const UTF8 = new TextDecoder('utf-8', { fatal: true });

/** Text of a non-null value for a string column. Booleans are 1/0, as MySQL stores TRUE/FALSE. */
export function toText(raw: unknown): string | Coerced {
  switch (typeof raw) {
    case 'string':
      return raw;
    case 'number':
    case 'bigint':
      return String(raw);
    case 'boolean':
      return raw ? '1' : '0';
    case 'object': {
      if (raw instanceof Date) {
        const text = dateToDateTimeText(raw);
        return text ?? notA(raw, 'a valid date');
      }
      if (raw instanceof Uint8Array) {
        try {
          return UTF8.decode(raw);
        } catch {
          return fail('binary value is not valid UTF-8 (pssync writes text)');
        }
      }
      const json = serializeJson(raw, false).text;
      return json ?? notA(raw, 'representable as JSON');
    }
    default:
      return notA(raw, 'a string');
  }
}

/** Code points, not UTF-16 units: MySQL counts characters. */
function codePoints(text: string): number {
  let count = text.length;
  for (let index = 0; index < text.length; index++) {
    const unit = text.charCodeAt(index);
    if (unit >= 0xdc00 && unit <= 0xdfff && index > 0) {
      const previous = text.charCodeAt(index - 1);
      if (previous >= 0xd800 && previous <= 0xdbff) count--;
    }
  }
  return count;
}

function utf8Bytes(text: string): number {
  return Buffer.byteLength(text, 'utf8');
}

/** A UTF-16 surrogate without its pair (from a JSON "\ud800" escape): no UTF-8 encoding exists. */
const LONE_SURROGATE = /\p{Cs}/u;

/** The text of a value, refused when it holds a lone surrogate (the driver would send U+FFFD instead: other text than the source's). */
export function unicodeText(raw: unknown): string | Coerced {
  const text = toText(raw);
  if (typeof text !== 'string') return text;
  if (LONE_SURROGATE.test(text)) return fail('text with a lone UTF-16 surrogate (e.g. a JSON "\\ud800" escape without its pair) is not valid Unicode');
  return text;
}

export function coerceString(raw: unknown, type: ColumnType): Coerced {
  const text = unicodeText(raw);
  if (typeof text !== 'string') return text;
  switch (type.family) {
    case 'char': {
      // CHAR is space-padded on disk and read back without trailing spaces (so excess trailing
      // spaces never count against the length).
      const trimmed = trimTrailingSpaces(text);
      const length = type.length ?? 1;
      if (trimmed.length > length) {
        const count = codePoints(trimmed);
        if (count > length) return fail(`${count} characters is longer than ${type.sql}`);
      }
      return ok(trimmed);
    }
    case 'varchar': {
      const length = type.length ?? 0;
      if (text.length <= length) return ok(text);
      const count = codePoints(text);
      if (count <= length) return ok(text);
      // MySQL truncates excess trailing spaces (with a note, even in strict mode).
      const trimmed = trimTrailingSpaces(text);
      const kept = codePoints(trimmed);
      if (kept <= length) return ok(trimmed + ' '.repeat(length - kept));
      return fail(`${count} characters is longer than ${type.sql}`);
    }
    case 'text': {
      const max = type.maxBytes ?? 65_535;
      if (text.length * 3 <= max) return ok(text); // a UTF-16 unit is at most 3 UTF-8 bytes
      const bytes = utf8Bytes(text);
      if (bytes <= max) return ok(text);
      const trimmed = trimTrailingSpaces(text);
      const kept = utf8Bytes(trimmed);
      if (kept <= max) return ok(trimmed + ' '.repeat(max - kept));
      return fail(`${bytes} bytes is longer than ${type.sql} (${max} bytes)`);
    }
    default:
      return ok(text);
  }
}
