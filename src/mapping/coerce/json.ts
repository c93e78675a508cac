/** JSON: a value or JSON text → its normal form, keys sorted recursively and no whitespace. */
import type { ColumnType } from '../../model/column-type.js';
import { ExactNumber } from '../../source/exact-number.js';
import { parseJsonExact } from '../../source/json-value.js';
import { fail, notA, ok, PLAIN_INTEGER, type Coerced } from './shared.js';

// MySQL re-serialises JSON with its own key order and spacing and MariaDB keeps the text, so only
// a normal form compares equal on both.

/**
 * `type.jsonText`: the server stores JSON as its text (MariaDB), so integers of any size keep every
 * digit; MySQL's binary JSON holds integers beyond 64 bits as doubles, and so does the normal form.
 */
export function coerceJson(raw: unknown, type: ColumnType): Coerced {
  const result = canonicalJson(raw, type.jsonText === true);
  // JSON.stringify writes a lone surrogate as a \udXXX escape (never a pair): the database refuses it.
  if (result.ok && result.value !== null && result.value.includes('\\u') && LONE_SURROGATE_ESCAPE.test(result.value)) {
    return fail('JSON with a lone UTF-16 surrogate (a "\\ud800" escape without its pair) is not valid Unicode; the database refuses it');
  }
  return result;
}

/** An unescaped backslash followed by a surrogate escape. */
const LONE_SURROGATE_ESCAPE = /(?<!\\)(?:\\\\)*\\u[dD][89a-fA-F][0-9a-fA-F]{2}/;

/**
 * How deep the exact re-read of JSON text nests: the top value and 512 levels below it (deeper
 * is refused as a number out of range; MySQL allows 100).
 */
const MAX_EXACT_READ_DEPTH = 513;

function canonicalJson(raw: unknown, exactIntegers: boolean): Coerced {
  if (typeof raw !== 'string') {
    const { text } = serializeJson(raw, true, exactIntegers);
    return text === undefined ? notA(raw, 'representable as JSON') : ok(text);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch (error) {
    return fail(`not valid JSON: ${error instanceof Error ? error.message : String(error)}`);
  }
  const { text, hasUnsafeInteger } = serializeJson(parsed, true, exactIntegers);
  if (text === undefined) return fail('not valid JSON: too deeply nested or a number out of range');
  if (!hasUnsafeInteger) return ok(text);
  // An integer beyond 2^53 lost digits in JSON.parse: re-read the text keeping number literals.
  let exact: unknown;
  try {
    exact = parseJsonExact(raw, MAX_EXACT_READ_DEPTH);
  } catch {
    return fail('not valid JSON: number out of range');
  }
  const exactText = serializeJson(exact, true, exactIntegers).text;
  return exactText === undefined ? fail('not valid JSON: number out of range') : ok(exactText);
}

const INT64_MIN = -(1n << 63n);
const UINT64_MAX = (1n << 64n) - 1n;

/**
 * Canonical text of a JSON number literal, as MySQL stores it: integers that fit int64/uint64
 * stay exact, anything else is a double (so 1.0 → 1, 1e2 → 100). With `exactIntegers` (MariaDB
 * keeps the text) every integer stays exact.
 */
function canonicalNumberLiteral(text: string, exactIntegers: boolean): string | undefined {
  if (PLAIN_INTEGER.test(text)) {
    const value = BigInt(text);
    if (exactIntegers || (value >= INT64_MIN && value <= UINT64_MAX)) return value.toString();
  }
  const value = Number(text);
  return Number.isFinite(value) ? JSON.stringify(value) : undefined;
}

/** What JSON.stringify leaves out of objects (and writes as null in arrays). */
function isSkipped(value: unknown): boolean {
  return value === undefined || typeof value === 'function' || typeof value === 'symbol';
}

/** Deeper than this is refused (MySQL allows 100) rather than overflowing the stack. */
const MAX_JSON_DEPTH = 1000;

export interface SerializedJson {
  /** The JSON text; undefined when the value is not representable. */
  readonly text: string | undefined;
  /** Whether a JS number in the value was an integer beyond 2^53: JSON.parse may have lost its digits. */
  readonly hasUnsafeInteger: boolean;
}

/** JSON text of a value; `sortKeys` for the canonical form (`exactIntegers`: see canonicalNumberLiteral). */
export function serializeJson(value: unknown, sortKeys: boolean, exactIntegers = false): SerializedJson {
  const found = { unsafeInteger: false, exactIntegers };
  const text = writeJson(value, sortKeys, 0, found);
  return { text, hasUnsafeInteger: found.unsafeInteger };
}

function writeJson(value: unknown, sortKeys: boolean, depth: number, found: { unsafeInteger: boolean; readonly exactIntegers: boolean }): string | undefined {
  switch (typeof value) {
    case 'string':
      return JSON.stringify(value);
    case 'number':
      if (!Number.isFinite(value)) return undefined;
      if (Number.isInteger(value) && !Number.isSafeInteger(value)) found.unsafeInteger = true;
      return JSON.stringify(value);
    case 'boolean':
      return value ? 'true' : 'false';
    case 'bigint':
      // MySQL's JSON columns hold integers beyond 64 bits as doubles; text keeps every digit.
      return sortKeys ? canonicalNumberLiteral(value.toString(), found.exactIntegers) : value.toString();
    case 'object': {
      if (value === null) return 'null';
      if (depth > MAX_JSON_DEPTH) return undefined;
      if (value instanceof ExactNumber) return sortKeys ? canonicalNumberLiteral(value.text, found.exactIntegers) : value.text;
      if (value instanceof Date) return Number.isNaN(value.getTime()) ? 'null' : JSON.stringify(value.toISOString());
      if (Array.isArray(value)) {
        const items: string[] = [];
        for (const item of value) {
          const text = isSkipped(item) ? 'null' : writeJson(item, sortKeys, depth + 1, found);
          if (text === undefined) return undefined;
          items.push(text);
        }
        return `[${items.join(',')}]`;
      }
      const keys = Object.keys(value);
      if (sortKeys) keys.sort();
      const members: string[] = [];
      for (const key of keys) {
        const item = (value as Record<string, unknown>)[key];
        if (isSkipped(item)) continue;
        const text = writeJson(item, sortKeys, depth + 1, found);
        if (text === undefined) return undefined;
        members.push(`${JSON.stringify(key)}:${text}`);
      }
      return `{${members.join(',')}}`;
    }
    default:
      return undefined;
  }
}
