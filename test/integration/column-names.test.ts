/**
 * columnNameKey (model/identifiers.ts) against the server: for every BMP character, the key is what
 * the server's utf8mb3_general_ci lower-casing makes of it (the table its column-name comparison
 * uses), and CREATE TABLE refuses as duplicates exactly the pairs sameColumnName calls one column.
 */
import { describe, expect, it } from 'vitest';
import { columnNameKey, sameColumnName } from '../../src/model/identifiers.js';
import { dialectOf, useTestDatabase } from '../helpers/database.js';

const db = useTestDatabase();

describe(`column names as the server compares them (${dialectOf(db.version)})`, () => {
  it('every BMP character is lower-cased as the server lower-cases it', async () => {
    const wrong: string[] = [];
    for (let start = 0; start < 0x10000; start += 4096) {
      const codes: number[] = [];
      for (let code = Math.max(start, 1); code < start + 4096; code += 1) if (code < 0xd800 || code > 0xdfff) codes.push(code);
      const sql = `SELECT ${codes.map((code) => `HEX(LOWER(CONVERT(_utf16 0x${code.toString(16).padStart(4, '0')} USING utf8mb3)))`).join(', ')}`;
      const [row] = await db.query<Record<string, string>>(sql);
      Object.values(row!).forEach((hex, index) => {
        const char = String.fromCharCode(codes[index]!);
        const server = Buffer.from(hex, 'hex').toString('utf8');
        if (columnNameKey(char) !== server) wrong.push(`U+${codes[index]!.toString(16).toUpperCase()}: server ${JSON.stringify(server)}, pssync ${JSON.stringify(columnNameKey(char))}`);
      });
    }
    expect(wrong).toEqual([]);
  });

  it.each([
    ['Email', 'email'],
    ['É', 'é'],
    ['é', 'e'],
    ['É', 'E'],
    ['ß', 's'],
    ['ẞ', 'ß'],
    ['İ', 'i'],
    ['Ω', 'ω'],
    ['\u212a', 'k'], // KELVIN SIGN
    ['Ａ', 'ａ'],
    ['ǅ', 'ǆ'],
    ['Ⴀ', 'ⴀ'],
    ['Ꭰ', 'ꭰ'],
    ['Ⓐ', 'ⓐ'],
  ])('CREATE TABLE with columns %j and %j agrees with sameColumnName', async (a, b) => {
    const table = `names_${Buffer.from(a + b).toString('hex')}`;
    const refused = await db.query(`CREATE TABLE \`${table}\` (\`${a}\` INT, \`${b}\` INT)`).then(
      () => false,
      (error: { errno?: number }) => {
        expect(error.errno).toBe(1060);
        return true;
      },
    );
    expect(refused).toBe(sameColumnName(a, b));
  });
});
