/**
 * Key equality as the server defines it, tested against the server's own `=` (issue 11): for each
 * collation, a corpus of tricky texts (case, accents, ligatures, expansions, trailing spaces,
 * ignorable characters, emoji) is compared pairwise by the server and by pssync's keys from the
 * probed collation (introspect/collation-probe.ts). They must agree, or the collation must be
 * refused for key columns (PSSYNC_E_COLLATION) — never a silent disagreement.
 *
 * By default every character set is covered through a spread of its collations (default, _bin,
 * nopad, uca, language-specific); PSSYNC_TEST_ALL_COLLATIONS=1 runs every collation the server
 * has (1,242 on MariaDB 10.11: ~10 minutes).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../../src/db/connection.js';
import { openDestination } from '../../src/db/connection.js';
import { ServerCollations } from '../../src/introspect/collation-probe.js';
import { dialectOf, useTestDatabase } from '../helpers/database.js';

const db = useTestDatabase();

const CORPUS = [
  'abc', 'ABC', 'Abc ', 'abc  ', 'a', 'A', 'á', 'Á', 'ä', 'Å', 'Asa', 'Åsa', 'åsa', 'ss', 'ß', 'SS', 'e\u0301', 'é', 'ﬁ', 'fi', 'Ａ',
  'a😀', 'a🙂', 'a\0', 'a \0', 'a\t', ' a', 'ı', 'i', 'İ', 'σ', 'ς', 'ch', 'c', 'h', 'cz', 'aa', 'å', 'll', 'l', 'ø', 'o', 'œ', 'oe',
  'æ', 'ae', 'ŋ', 'n', 'ñ', '€', '$', '', ' ', '  ', 'Ch', 'CH', 'dz', 'dž', 'lj', 'Lj', 'ij', 'ÿ', 'y', 'ü', 'ue', 'u', 'a ',
  'x\u200b', 'x \u200b', 'ǆ', 'Ǆ', 'Ø', 'Ö', 'ö', 'Ü', 'þ', 'th', 'ð', 'd', 'ł', 'ą', 'č', 'š', 'ž', 'ő', 'ű', 'ğ', 'ş', 'ț', 'ș',
];

/** Which collations to check: all, or a spread over every character set. */
function chosen(collations: readonly (readonly [string, string])[]): (readonly [string, string])[] {
  if (process.env.PSSYNC_TEST_ALL_COLLATIONS === '1') return [...collations];
  const picked = new Map<string, readonly [string, string]>();
  const byCharset = new Map<string, (readonly [string, string])[]>();
  for (const entry of collations) byCharset.set(entry[1], [...(byCharset.get(entry[1]) ?? []), entry]);
  for (const [charset, entries] of byCharset) {
    const want = [`${charset}_general_ci`, `${charset}_bin`, `${charset}_general_nopad_ci`, `${charset}_unicode_ci`, `${charset}_unicode_520_ci`, `${charset}_swedish_ci`, `${charset}_german2_ci`, `${charset}_spanish_ci`, `${charset}_turkish_ci`, `${charset}_uca1400_ai_ci`, `${charset}_uca1400_as_cs`, `${charset}_0900_ai_ci`, `${charset}_0900_as_cs`, `${charset}_danish_ci`];
    for (const entry of entries) if (want.includes(entry[0])) picked.set(entry[0], entry);
    picked.set(entries[0]![0], entries[0]!); // every charset at least once
  }
  return [...picked.values()];
}

describe(`pssync's keys agree with the server's = (${dialectOf(db.version)})`, () => {
  let pssyncDb: Db;
  let collations: (readonly [string, string])[] = [];

  beforeAll(async () => {
    pssyncDb = await openDestination({ name: 'test', host: db.host, port: db.port, database: db.name, username: db.user, ...(db.password ? { password: db.password } : {}), tls: 'disabled', createDatabase: false, position: { file: '', line: 0, column: 0, path: '' } });
    await db.query('CREATE TABLE corpus (i INT PRIMARY KEY, s VARCHAR(20) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin)');
    await db.query('INSERT INTO corpus VALUES ?', [CORPUS.map((text, index) => [index, text])]);
    // MariaDB lists its uca1400 collations for every charset here; MySQL has no FULL_COLLATION_NAME.
    const rows = await db
      .query<{ c: string; cs: string }>('SELECT FULL_COLLATION_NAME AS c, CHARACTER_SET_NAME AS cs FROM information_schema.COLLATION_CHARACTER_SET_APPLICABILITY ORDER BY 1')
      .catch(() => db.query<{ c: string; cs: string }>('SELECT COLLATION_NAME AS c, CHARACTER_SET_NAME AS cs FROM information_schema.COLLATIONS ORDER BY 1'));
    collations = chosen(rows.map((row) => [row.c, row.cs] as const));
  });

  afterAll(async () => {
    await pssyncDb?.close();
  });

  it('for a spread of collations over every character set (or all of them)', async () => {
    expect(collations.length).toBeGreaterThan(40);
    const server = new ServerCollations(pssyncDb);
    const disagreements: string[] = [];
    let refused = 0;
    for (const [collation, charset] of collations) {
      // Only the texts the charset can hold (a latin1 column cannot hold σ).
      const held = await db.query<{ i: number }>(`SELECT i FROM corpus WHERE CONVERT(CONVERT(s USING ${charset}) USING utf8mb4) = s`);
      const ids = held.map((row) => Number(row.i));
      if (ids.length < 2) continue;
      const list = ids.join(',');
      const equalPairs = await db.query<{ a: number; b: number }>(
        `SELECT x.i AS a, y.i AS b FROM corpus x JOIN corpus y ON x.i < y.i WHERE CONVERT(x.s USING ${charset}) COLLATE \`${collation}\` = CONVERT(y.s USING ${charset}) AND x.i IN (${list}) AND y.i IN (${list})`,
      );
      const serverEqual = new Set(equalPairs.map((pair) => `${pair.a},${pair.b}`));
      const rule = await server.rule(collation);
      if (rule.kind === 'unsupported') {
        refused += 1;
        continue;
      }
      const reader = server.reader();
      const texts = ids.map((id) => CORPUS[id]!);
      await reader.prepare(new Map([[collation, texts]]));
      for (const [x, a] of ids.entries()) {
        for (const b of ids.slice(x + 1)) {
          const oursEqual = reader.key(CORPUS[a]!, collation) === reader.key(CORPUS[b]!, collation);
          if (oursEqual !== serverEqual.has(`${a},${b}`)) disagreements.push(`${collation}: ${JSON.stringify(CORPUS[a])} ${serverEqual.has(`${a},${b}`) ? '=' : '≠'} ${JSON.stringify(CORPUS[b])} to the server`);
        }
      }
    }
    expect(disagreements.slice(0, 20)).toEqual([]);
    // Refusing is the safe answer, but most collations must be supported.
    expect(refused).toBeLessThan(collations.length / 2);
  }, 900_000);
});
