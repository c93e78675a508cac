/**
 * Can a column's character set hold a text? A utf8mb4 source value into a latin1, utf8mb3 or ascii
 * column with a character the set lacks fails the INSERT mid-apply ("Incorrect string value");
 * checked per value at plan time instead (pure). Sets not listed here are left to the server.
 */

/**
 * MySQL's and MariaDB's latin1 is Windows-1252, plus the five bytes cp1252 leaves undefined
 * (0x81 0x8D 0x8F 0x90 0x9D), which map to the same code points. Checked against the server in
 * test/integration/charset.test.ts.
 */
const NOT_LATIN1 = /[^\u0000-\u007f\u00a0-\u00ff\u0081\u008d\u008f\u0090\u009d\u0152\u0153\u0160\u0161\u0178\u017d\u017e\u0192\u02c6\u02dc\u2013\u2014\u2018-\u201a\u201c-\u201e\u2020-\u2022\u2026\u2030\u2039\u203a\u20ac\u2122]/u;
/** utf8mb3 (MySQL's `utf8`) and ucs2 stop at the Basic Multilingual Plane: no emoji. */
const BEYOND_BMP = /[\u{10000}-\u{10ffff}]/u;
const NOT_ASCII = /[^\u0000-\u007f]/u;

const MISSING_CHARACTER: Readonly<Record<string, RegExp>> = {
  latin1: NOT_LATIN1,
  utf8mb3: BEYOND_BMP,
  utf8: BEYOND_BMP,
  ucs2: BEYOND_BMP,
  ascii: NOT_ASCII,
};

/** The character set a collation belongs to: the name up to the first `_` (`latin1_swedish_ci` → latin1). */
export function charsetOfCollation(collation: string): string {
  const end = collation.indexOf('_');
  return (end < 0 ? collation : collation.slice(0, end)).toLowerCase();
}

/**
 * A check for texts into a column of `collation`: the reason a text cannot be stored, or
 * undefined when it can. Undefined (no check) for character sets that hold every character.
 */
export function charsetCheck(collation: string | undefined): ((text: string) => string | undefined) | undefined {
  if (!collation) return undefined;
  const charset = charsetOfCollation(collation);
  const missing = MISSING_CHARACTER[charset];
  if (!missing) return undefined;
  const shown = charset === 'utf8' ? 'utf8mb3' : charset;
  return (text) => {
    const found = missing.exec(text);
    if (!found) return undefined;
    const character = found[0];
    const codePoint = `U+${character.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}`;
    return `'${character}' (${codePoint}) cannot be stored in ${shown}, the column's character set (collation ${collation})`;
  };
}
