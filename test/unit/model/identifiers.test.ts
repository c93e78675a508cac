/** Which names MySQL can store (anything else is quoted safely). */
import { describe, expect, it } from 'vitest';
import { columnNameKey, identifierProblem, sameColumnName, showName } from '../../../src/model/identifiers.js';

describe('identifierProblem', () => {
  it.each([
    "t`b'l\"; DROP TABLE victim; --",
    'c"ol /* x */',
    'semi;colon#hash',
    'x\\y',
    '\u0639\u202e\u0645\u0648\u062f',
    '\u05e9\u05dc\u05d5\u05dd',
    'é'.repeat(64),
    'new\nline',
    ' leading',
  ])('accepts %j (quoted, it is safe)', (name) => {
    expect(identifierProblem(name)).toBeUndefined();
  });

  it.each([
    ['', 'is empty'],
    ['a\0b', 'contains a NUL character'],
    ['emoji\u{1F600}', 'outside the Basic Multilingual Plane'],
    ['lone\uD800', 'lone surrogate'],
    ['x'.repeat(65), 'longer than 64 characters'],
    ['trailing ', 'ends with a space'],
  ])('refuses %j: %s', (name, reason) => {
    expect(identifierProblem(name)).toContain(reason);
  });
});

describe('showName', () => {
  it('makes NUL and bidi marks visible in messages', () => {
    expect(showName('a\0b')).toBe('"a\\u0000b"');
    expect(showName('rtl\u202Eabc')).toBe('"rtl\\u202eabc"');
  });
});

describe('column names as MySQL compares them (case-insensitive, accent-sensitive; checked against the server in test/integration/column-names.test.ts)', () => {
  it.each([
    ['Email', 'email', true],
    ['ID', 'id', true],
    ['É', 'é', true],
    ['Straße', 'STRAßE', true],
    ['İd', 'id', true],
    ['ΣΊΣΥΦΟΣ', 'σίσυφοσ', true],
    ['é', 'e', false],
    ['ß', 'ss', false],
    ['ẞ', 'ß', false],
    ['Ⴀ', 'ⴀ', false],
    ['a b', 'ab', false],
  ])('%j and %j: one column %s', (a, b, same) => {
    expect(sameColumnName(a, b)).toBe(same);
  });

  it('keys ASCII names by lower case, and leaves other characters the server does not fold', () => {
    expect(columnNameKey('Customer_ID')).toBe('customer_id');
    expect(columnNameKey('Ꭰx')).toBe('Ꭰx');
    expect(columnNameKey('İ')).toBe('i');
  });
});
