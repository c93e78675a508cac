/**
 * Byte strings (BINARY, VARBINARY, BLOB; model/byte-string.ts): bytes (a Buffer from a query, a
 * Parquet BYTE_ARRAY) as they are, text as its UTF-8 bytes, checked against the column's length.
 */
import { byteStringOf } from '../../model/byte-string.js';
import type { ColumnType } from '../../model/column-type.js';
import { unicodeText } from './string.js';
import { fail, ok, type Coerced } from './shared.js';

/** ASCII text is its own byte string (one byte per character): no encoding needed. */
const ASCII = /^[\x00-\x7f]*$/;

export function coerceBytes(raw: unknown, type: ColumnType): Coerced {
  let bytes: string;
  if (raw instanceof Uint8Array) {
    bytes = byteStringOf(raw);
  } else {
    const text = unicodeText(raw);
    if (typeof text !== 'string') return text;
    bytes = ASCII.test(text) ? text : byteStringOf(Buffer.from(text, 'utf8'));
  }
  const max = type.family === 'blob' ? (type.maxBytes ?? 65_535) : (type.length ?? 1);
  if (bytes.length > max) return fail(`${bytes.length} bytes is longer than ${type.sql}`);
  // BINARY(n) is right-padded with 0x00 on disk and read back padded: the canonical form carries the padding.
  return ok(type.name === 'binary' && bytes.length < max ? bytes + '\0'.repeat(max - bytes.length) : bytes);
}
