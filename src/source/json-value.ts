/**
 * JSON text → a source value, exactly. JSON.parse does the work (fast, native, precise error
 * positions); when the text holds a number literal long enough to lose digits in a double, it is
 * read again keeping those numbers exact: integers beyond 2^53 as bigint, other long literals as
 * ExactNumber. So a 20-digit id or a DECIMAL(38,10) in a JSON file arrives digit for digit.
 * The exact reader also serves JSON columns (mapping/coerce/json.ts), with a depth limit of theirs.
 */
import { ExactNumber } from './exact-number.js';

/** A run of 16+ digits (with an optional point): the only literals a double may not hold exactly. */
const LONG_NUMBER = /\d[\d.]{15}/;

export class JsonSyntaxError extends Error {
  /** 0-based character offset of the problem in the text, when known. */
  readonly offset?: number;

  constructor(message: string, offset?: number) {
    super(message);
    this.name = 'JsonSyntaxError';
    if (offset !== undefined) this.offset = offset;
  }
}

/** Parses JSON text; throws JsonSyntaxError with a character offset. */
export function parseJsonValue(text: string): unknown {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    const message = (error as Error).message;
    throw new JsonSyntaxError(cleanMessage(message), errorOffset(message, text) ?? locateError(text));
  }
  if (!LONG_NUMBER.test(text)) return value;
  return parseJsonExact(text, MAX_SOURCE_DEPTH);
}

/** How deep a source's JSON may nest (counting the top value) before the exact reader refuses it. */
const MAX_SOURCE_DEPTH = 5000;

/** V8's messages: "... in JSON at position 12" or "... is not valid JSON" (with a quoted excerpt). */
function errorOffset(message: string, text: string): number | undefined {
  const position = /at position (\d+)/.exec(message);
  if (position) return Number(position[1]);
  if (/Unexpected end of JSON input/.test(message)) return text.length;
  return undefined;
}

function cleanMessage(message: string): string {
  return message
    .replace(/ in JSON at position \d+(?: \(line \d+ column \d+\))?/, '')
    .replace(/, "(?:[^"\\]|\\.)*"(?:\.\.\.)? is not valid JSON$/, '')
    .replace(/^Unexpected end of JSON input$/, 'unexpected end of JSON (the value is cut off)');
}

const NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;
const STRING = /"(?:[^"\\\u0000-\u001f]|\\(?:["\\/bfnrt]|u[0-9a-fA-F]{4}))*"/y;
const SPACE = /[ \t\n\r]*/y;
const INTEGER = /^-?\d+$/;

/** A number literal as the most faithful JS value: number when exact, else bigint or ExactNumber. */
export function numberFromLiteral(literal: string): number | bigint | ExactNumber {
  if (INTEGER.test(literal)) {
    const value = Number(literal);
    return Number.isSafeInteger(value) ? value : BigInt(literal);
  }
  const mantissa = literal.replace(/[eE].*$/, '').replace(/[-.]/g, '').replace(/^0+/, '').replace(/0+$/, '');
  return mantissa.length <= 15 ? Number(literal) : new ExactNumber(literal);
}

/** Where a validating read of the text fails (for JSON.parse messages that carry no position). */
function locateError(text: string): number | undefined {
  try {
    parseJsonExact(text, MAX_SOURCE_DEPTH);
  } catch (error) {
    if (error instanceof JsonSyntaxError) return error.offset;
  }
  return undefined;
}

/**
 * A validating reader that keeps long number literals exact (see numberFromLiteral). Values nest
 * at most `maxDepth` deep, the top value counting as 1. Throws JsonSyntaxError with an offset.
 */
export function parseJsonExact(text: string, maxDepth: number): unknown {
  let position = 0;
  const skip = (): void => {
    SPACE.lastIndex = position;
    SPACE.exec(text);
    position = SPACE.lastIndex;
  };
  const token = (pattern: RegExp): string => {
    pattern.lastIndex = position;
    const match = pattern.exec(text);
    if (match === null) throw new JsonSyntaxError('unexpected character', position);
    position = pattern.lastIndex;
    return match[0];
  };
  const expect = (code: number): void => {
    if (text.charCodeAt(position) !== code) throw new JsonSyntaxError(`expected '${String.fromCharCode(code)}'`, position);
    position++;
  };
  let depth = 0;
  const value = (): unknown => {
    if (++depth > maxDepth) throw new JsonSyntaxError('nested too deeply', position);
    try {
      return readValue();
    } finally {
      depth--;
    }
  };
  const readValue = (): unknown => {
    skip();
    const char = text.charCodeAt(position);
    if (char === 0x7b /* { */) {
      position++;
      const object: Record<string, unknown> = {};
      skip();
      if (text.charCodeAt(position) === 0x7d) {
        position++;
        return object;
      }
      for (;;) {
        skip();
        const key = JSON.parse(token(STRING)) as string;
        skip();
        expect(0x3a); // :
        Object.defineProperty(object, key, { value: value(), enumerable: true, writable: true, configurable: true });
        skip();
        if (text.charCodeAt(position) === 0x7d) {
          position++;
          return object;
        }
        expect(0x2c); // ,
      }
    }
    if (char === 0x5b /* [ */) {
      position++;
      const array: unknown[] = [];
      skip();
      if (text.charCodeAt(position) === 0x5d) {
        position++;
        return array;
      }
      for (;;) {
        array.push(value());
        skip();
        if (text.charCodeAt(position) === 0x5d) {
          position++;
          return array;
        }
        expect(0x2c); // ,
      }
    }
    if (char === 0x22 /* " */) return JSON.parse(token(STRING)) as string;
    for (const [word, result] of [['true', true], ['false', false], ['null', null]] as const) {
      if (text.startsWith(word, position)) {
        position += word.length;
        return result;
      }
    }
    return numberFromLiteral(token(NUMBER));
  };
  const result = value();
  skip();
  if (position !== text.length) throw new JsonSyntaxError('unexpected text after the value', position);
  return result;
}

/** What a JSON value is, for messages: `an array`, `a string`, … */
export function describeJson(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  switch (typeof value) {
    case 'string':
      return 'a string';
    case 'number':
    case 'bigint':
      return 'a number';
    case 'boolean':
      return `\`${String(value)}\``;
    default:
      return 'a number';
  }
}
