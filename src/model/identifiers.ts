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

/**
 * Code point ranges whose letters the server lower-cases in column names, exactly as JavaScript
 * does; outside them (and U+0130) it leaves them alone. MySQL and MariaDB compare column names
 * with my_strcasecmp on utf8mb3_general_ci: each character through that charset's own lower-case
 * table, a Unicode of the MySQL 5 era. Accents count (`é` ≠ `e`), case does not (`É` = `é`),
 * and letters cased since then (Georgian Mtavruli, Cherokee, Latin Extended-D…) stay distinct.
 * Probed on MariaDB 10.11 for every BMP character (test/integration/column-names.test.ts).
 */
const SERVER_LOWERS: ReadonlyArray<readonly [number, number]> = [
  [0x41, 0x21e], [0x222, 0x232], [0x386, 0x3ab], [0x3da, 0x3ee], [0x400, 0x480], [0x48c, 0x4be],
  [0x4c1, 0x4c3], [0x4c7, 0x4c7], [0x4cb, 0x4cb], [0x4d0, 0x4f4], [0x4f8, 0x4f8], [0x531, 0x556],
  [0x1e00, 0x1e94], [0x1ea0, 0x1ef8], [0x1f08, 0x212b], [0x2160, 0x216f], [0x24b6, 0x24cf], [0xff21, 0xff3a],
];

const ASCII_ONLY = /^[\x00-\x7f]*$/;

/** `name` as the server compares column names: two names are one column exactly when these are equal. */
export function columnNameKey(name: string): string {
  if (ASCII_ONLY.test(name)) return name.toLowerCase();
  let key = '';
  for (let index = 0; index < name.length; index += 1) {
    const code = name.charCodeAt(index);
    // U+0130 (İ) is lower-cased to a plain `i` by the server, to `i̇` (two characters) by JavaScript.
    key += code === 0x130 ? 'i' : serverLowers(code) ? name[index]!.toLowerCase() : name[index]!;
  }
  return key;
}

/** Whether two column names are one column to MySQL. */
export function sameColumnName(a: string, b: string): boolean {
  return a === b || columnNameKey(a) === columnNameKey(b);
}

function serverLowers(code: number): boolean {
  if (code > 0xff3a) return false;
  for (const [first, last] of SERVER_LOWERS) {
    if (code < first) return false;
    if (code <= last) return true;
  }
  return false;
}
