/**
 * pssync's idea of which characters a column's character set holds (mapping/charset.ts) against
 * the server's own conversion: a character a set lacks converts to '?' (or is refused), so a
 * round trip through CONVERT(… USING charset) tells. Every BMP code point up to U+2FFF, plus
 * astral ones, for each character set pssync checks.
 */
import { describe, expect, it } from 'vitest';
import { charsetCheck } from '../../src/mapping/charset.js';
import { dialectOf, useTestDatabase } from '../helpers/database.js';

const db = useTestDatabase();

const CODE_POINTS = [
  ...Array.from({ length: 0x3000 }, (_, index) => index).filter((cp) => cp !== 0x3f), // '?' is what a lost character becomes
  0xfffd, 0xffef, 0x10000, 0x1f600, 0x1f9d1, 0x10ffff,
];

/** The code points the server keeps through CONVERT(CONVERT(x USING charset) USING utf8mb4). */
async function keptByServer(charset: string): Promise<Set<number>> {
  const kept = new Set<number>();
  for (let start = 0; start < CODE_POINTS.length; start += 500) {
    const batch = CODE_POINTS.slice(start, start + 500);
    const sql = `SELECT ${batch.map(() => `CONVERT(CONVERT(? USING ${charset}) USING utf8mb4) = ? COLLATE utf8mb4_bin`).join(', ')}`;
    const [row] = await db.query<Record<string, unknown>>(sql, batch.flatMap((cp) => [String.fromCodePoint(cp), String.fromCodePoint(cp)]));
    Object.values(row!).forEach((same, index) => {
      if (String(same) === '1') kept.add(batch[index]!);
    });
  }
  return kept;
}

describe(`character sets pssync checks agree with the server (${dialectOf(db.version)})`, () => {
  for (const [charset, collation] of [['latin1', 'latin1_swedish_ci'], ['utf8mb3', 'utf8mb3_general_ci'], ['ascii', 'ascii_general_ci'], ['ucs2', 'ucs2_general_ci']] as const) {
    it(charset, async () => {
      const kept = await keptByServer(charset);
      const check = charsetCheck(collation)!;
      const disagreements = CODE_POINTS.filter((cp) => (check(String.fromCodePoint(cp)) === undefined) !== kept.has(cp)).map((cp) => `U+${cp.toString(16)}`);
      expect(disagreements).toEqual([]);
      expect(kept.size).toBeGreaterThan(100); // the server did answer
    });
  }
});
