/**
 * What MySQL, MariaDB and Vitess accept as a table or column name (pure). Quoting (`quoteId`,
 * backticks doubled) makes any other character safe — quotes, backticks, semicolons, comments,
 * RTL marks — but these cannot be stored at all, so they are refused with a clear message
 * before anything is written:
 *   - U+0000 (NUL): not permitted in quoted identifiers;
 *   - characters outside the Basic Multilingual Plane (emoji and other U+10000+): not permitted;
 *   - a trailing space: "Database, table, and column names cannot end with space characters";
 *   - more than 64 characters.
 */
export const MAX_IDENTIFIER_LENGTH = 64;

/** Why `name` cannot be a MySQL table or column name, or undefined when it can. */
export function identifierProblem(name: string): string | undefined {
  if (name.length === 0) return 'is empty';
  if (name.includes('\0')) return 'contains a NUL character, which MySQL does not allow in names';
  if (/[\u{10000}-\u{10FFFF}]/u.test(name)) return 'contains a character outside the Basic Multilingual Plane (such as an emoji), which MySQL does not allow in names';
  if (/[\uD800-\uDFFF]/.test(name.replace(/[\u{10000}-\u{10FFFF}]/gu, ''))) return 'is not valid Unicode (a lone surrogate)';
  if ([...name].length > MAX_IDENTIFIER_LENGTH) return `is longer than ${MAX_IDENTIFIER_LENGTH} characters`;
  if (name.endsWith(' ')) return 'ends with a space, which MySQL does not allow in names';
  return undefined;
}

/** A readable rendering of a name in a message: JSON-quoted, so NUL and invisible marks show. */
export function showName(name: string): string {
  return JSON.stringify(name).replace(/[\u200e\u200f\u202a-\u202e\u2066-\u2069]/g, (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** A quoted identifier: backticks around the name, backticks inside doubled (no `a.b` qualification). */
export function quoteId(name: string): string {
  return `\`${name.replace(/`/g, '``')}\``;
}
