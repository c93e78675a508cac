/** Which names MySQL can store (anything else is quoted safely). */
import { describe, expect, it } from 'vitest';
import { identifierProblem, showName } from '../../../src/model/identifiers.js';

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
