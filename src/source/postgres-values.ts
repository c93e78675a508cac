/**
 * PostgreSQL's text output → source values, exactly (pure; postgres-query.ts sets the session
 * so the text is predictable: TimeZone UTC, DateStyle ISO, bytea_output hex).
 * - numeric, bigint and the other numbers: their text, digit for digit, as the mysql source;
 * - timestamptz: UTC text without the `+00` (it maps onto DATETIME / TIMESTAMP unshifted);
 *   timestamp, date, time: their ISO text;
 * - boolean: true / false; json, jsonb: the parsed value (numbers exact); bytea: bytes (a Buffer);
 * - arrays: JSON arrays, their elements as JSON values (numbers as exact numbers, bytea as its
 *   `\x…` text); domains as their base type; uuid, enums and every other type: the text.
 */
import { numberFromLiteral, parseJsonValue } from './json-value.js';

export type PgParse = (text: string) => unknown;

/** What the catalog says of a type that is not built in: an array (of `element`) or a domain (over `base`). */
export interface PgTypeInfo {
  readonly element?: number;
  readonly delimiter?: string;
  readonly base?: number;
}

const OID = {
  bool: 16,
  bytea: 17,
  int8: 20,
  int2: 21,
  int4: 23,
  oid: 26,
  json: 114,
  float4: 700,
  float8: 701,
  timestamptz: 1184,
  numeric: 1700,
  jsonb: 3802,
} as const;

const NUMBER_TYPES = new Set<number>([OID.int8, OID.int2, OID.int4, OID.oid, OID.float4, OID.float8, OID.numeric]);
const NUMBER_LITERAL = /^-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?$/;

const text: PgParse = (value) => value;

/** A parser per type oid: `catalog` holds the arrays and domains (see postgres-query.ts). */
export function pgParsers(catalog: ReadonlyMap<number, PgTypeInfo>): (oid: number) => PgParse {
  const resolve = (oid: number, element: boolean, depth = 0): PgParse => {
    const info = catalog.get(oid);
    if (info?.base !== undefined && depth < 32) return resolve(info.base, element, depth + 1);
    if (info?.element !== undefined && info.element !== 0 && depth < 32) {
      const parseElement = resolve(info.element, true, depth + 1);
      const delimiter = info.delimiter ?? ',';
      return (value) => parsePgArray(value, delimiter, parseElement);
    }
    return scalarParser(oid, element);
  };
  const cache = new Map<number, PgParse>();
  return (oid) => {
    let parser = cache.get(oid);
    if (!parser) cache.set(oid, (parser = resolve(oid, false)));
    return parser;
  };
}

function scalarParser(oid: number, element: boolean): PgParse {
  switch (oid) {
    case OID.bool:
      return (value) => value === 't' || value === 'true';
    case OID.bytea:
      return element ? text : byteaBytes;
    case OID.json:
    case OID.jsonb:
      return parseJsonValue;
    case OID.timestamptz:
      return (value) => (value.endsWith('+00') ? value.slice(0, -3) : value);
    default:
      // Inside a JSON array a number is a JSON number (exact); NaN and Infinity stay text.
      if (element && NUMBER_TYPES.has(oid)) return (value) => (NUMBER_LITERAL.test(value) ? numberFromLiteral(value) : value);
      return text;
  }
}

/** bytea in hex output (`\x0a1b…`). */
export function byteaBytes(value: string): Buffer {
  if (!value.startsWith('\\x')) throw new Error('bytea is not in hex output (bytea_output = hex is set for the session)');
  return Buffer.from(value.slice(2), 'hex');
}

/**
 * An array literal (`{1,2,NULL}`, `{"a b","c\"d"}`, `{{1,2},{3,4}}`, `[0:1]={…}`) → nested JS
 * arrays, each element through `parse` (an unquoted NULL is null; a quoted "NULL" is text).
 */
export function parsePgArray(literal: string, delimiter: string, parse: PgParse): unknown[] {
  let position = 0;
  if (literal.startsWith('[')) {
    const equals = literal.indexOf('=');
    if (equals < 0) throw new Error('malformed array literal');
    position = equals + 1;
  }
  const fail = (): never => {
    throw new Error(`malformed array literal at character ${position + 1}`);
  };
  const readArray = (): unknown[] => {
    if (literal[position] !== '{') fail();
    position++;
    const items: unknown[] = [];
    if (literal[position] === '}') {
      position++;
      return items;
    }
    for (;;) {
      const char = literal[position];
      if (char === '{') {
        items.push(readArray());
      } else if (char === '"') {
        position++;
        let value = '';
        for (;;) {
          const next = literal[position];
          if (next === undefined) fail();
          if (next === '"') break;
          if (next === '\\') position++;
          value += literal[position] ?? fail();
          position++;
        }
        position++;
        items.push(parse(value));
      } else {
        const start = position;
        while (position < literal.length && literal[position] !== delimiter && literal[position] !== '}') position++;
        const value = literal.slice(start, position).trim();
        items.push(value.toUpperCase() === 'NULL' ? null : parse(value));
      }
      const after = literal[position];
      position++;
      if (after === '}') return items;
      if (after !== delimiter) fail();
    }
  };
  const result = readArray();
  if (position !== literal.length) fail();
  return result;
}
