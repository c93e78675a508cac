/**
 * A large initial load and re-sync in bounded memory (issue 7): the rows to write are spilled to a
 * temporary file while planning and read back while applying, so the CLI loads a file several
 * times larger than its V8 heap. The database's own contents are checked, and the next plan is empty.
 */
import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { dialectOf, useTestDatabase } from '../helpers/database.js';
import { useWorkspace } from '../helpers/workspace.js';

const db = useTestDatabase();
const workspace = useWorkspace();

const ROWS = 100_000;
/** ~700 characters a row: 70 MB of text, held as rows it would need several times the heap. */
const HEAP_MB = 80;
const filler = (id: number) => `${'lorem ipsum dolor sit amet '.repeat(26)}#${id}`;

/** id, note ('' when id ≡ 3 mod 10, NULL when ≡ 7), version-dependent score. */
async function writeCsv(file: string, version: number): Promise<void> {
  const out = createWriteStream(join(workspace.dir, file));
  out.write('id,note,score\n');
  let chunk = '';
  for (let id = 1; id <= ROWS; id += 1) {
    const note = id % 10 === 3 ? '""' : id % 10 === 7 ? '' : `"${filler(id)}"`;
    const score = version > 0 && id % 100 === 1 ? id + 0.5 : id;
    chunk += `${id},${note},${score}\n`;
    if (chunk.length > 1 << 20) {
      if (!out.write(chunk)) await once(out, 'drain');
      chunk = '';
    }
  }
  out.end(chunk);
  await once(out, 'finish');
}

const manifest = (file: string) => `
version: 1
destinations:
  db: { url: "\${TEST_DATABASE_URL}" }
sources:
  big: { kind: csv, path: ${file} }
syncs:
  big:
    source: big
    destination: db
    table: big
    mode: mirror
    primary_key: [id]
    fields:
      - { from: id, type: bigint }
      - { from: note, type: text }
      - { from: score, type: decimal(12,1) }
`;

describe(`large initial load in a ${HEAP_MB} MB heap`, () => {
  const env = () => ({ TEST_DATABASE_URL: db.url, NODE_OPTIONS: `--max-old-space-size=${HEAP_MB}` });

  for (const strategy of ['direct', 'staging'] as const) {
    it(`${strategy}: ${ROWS.toLocaleString('en-US')} rows applied, then a 1% re-sync; the next plan is empty (${dialectOf(db.version)})`, async () => {
      await db.query('DROP TABLE IF EXISTS big');
      await writeCsv('big.csv', 0);
      workspace.write('pssync.yaml', manifest('big.csv').replace('mode: mirror', `mode: mirror\n    strategy: ${strategy}`));
      const apply = await workspace.run(['apply', '-f', 'pssync.yaml', '--auto-approve'], env());
      expect(apply.code, apply.stdout + apply.stderr).toBe(0);
      const [counts] = await db.query<{ n: number; nulls: number; empties: number; longest: number }>(
        "SELECT COUNT(*) AS n, SUM(note IS NULL) AS nulls, SUM(note = '') AS empties, MAX(LENGTH(note)) AS longest FROM big",
      );
      expect(Object.values(counts!).map(Number)).toEqual([ROWS, ROWS / 10, ROWS / 10, filler(ROWS).length]);
      const [last] = await db.query<{ note: string; score: string }>(`SELECT note, score FROM big WHERE id = ${ROWS - 1}`);
      expect(last).toEqual({ note: filler(ROWS - 1), score: `${ROWS - 1}.0` });

      await writeCsv('big.csv', 1);
      const resync = await workspace.run(['apply', '-f', 'pssync.yaml', '--auto-approve'], env());
      expect(resync.code, resync.stdout + resync.stderr).toBe(0);
      const [changed] = await db.query<{ n: number }>("SELECT COUNT(*) AS n FROM big WHERE score LIKE '%.5'");
      expect(Number(changed!.n)).toBe(ROWS / 100);

      const plan = await workspace.run(['plan', '-f', 'pssync.yaml', '--detailed-exitcode'], env());
      expect(plan.code, plan.stdout + plan.stderr).toBe(0);
    });
  }
});
