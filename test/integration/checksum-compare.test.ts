/**
 * The checksum-first comparison (issue 13) against the real server: for every column type pssync
 * writes, the server's checksum text is pssync's canonical text (a no-op plan reads no rows); a
 * change to any column is found, and the plan equals the full read's; `verify` reports under the
 * mode, keys only unless --samples; a saved plan made one way applies when re-made the other way;
 * and through a slow link (bench/lib/slow-link.js) a no-op plan reads a small fraction of the
 * bytes a full read does.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { startSlowLink } from '../../bench/lib/slow-link.js';
import { dialectOf, useTestDatabase } from '../helpers/database.js';
import { useWorkspace } from '../helpers/workspace.js';

const db = useTestDatabase();
const workspace = useWorkspace();

const ROWS = 6_000;

/** One column per type family, values with the corners of each (NULLs, emoji, bytes, fractions). */
const FIELDS = [
  ['id', 'int'],
  ['big', 'bigint unsigned'],
  ['price', 'decimal(12,3)'],
  ['ratio', 'double'],
  ['flags', 'bit(10)'],
  ['code', 'char(4)'],
  ['name', 'varchar(40)'],
  ['body', 'text'],
  ['raw', 'varbinary(8)'],
  ['fixed', 'binary(3)'],
  ['blobby', 'blob'],
  ['day', 'date'],
  ['at', 'datetime(6)'],
  ['stamp', 'timestamp'],
  ['span', 'time(2)'],
  // Named like the parts query's old alias: GROUP BY took the column, and every part went wrong.
  ['part', 'year'],
  ['meta', 'json'],
  ['tier', "enum('gold','silver','bronze')"],
  ['tags', "set('a','b','c')"],
] as const;

function csvRow(index: number): string {
  const pick = <T>(values: readonly T[]) => values[index % values.length]!;
  const cells = [
    String(index),
    String(18446744073709551615n - BigInt(index)),
    pick(['0.001', '-12.5', '123456789.999', '7']),
    pick(['0.1', '-2.5e-7', '1e21', '3.141592653589793', '100']),
    String(index % 1024),
    pick(['ab', 'ABCD', '', 'x y']),
    pick(['Zoë', 'emoji 😀', 'quote "q"', 'comma, here', 'trailing ']),
    index % 7 === 0 ? '' : `text ${index}\nline two`,
    pick(['bytes', 'é€', '']),
    pick(['ab', 'xyz', '']),
    pick(['', 'blob é', 'b']),
    `2024-${String((index % 12) + 1).padStart(2, '0')}-15`,
    `2023-05-06 07:08:09.${String(index % 1_000_000).padStart(6, '0')}`,
    '2024-03-10 02:30:00',
    pick(['-838:59:59.00', '12:34:56.78', '00:00:00']),
    String(1901 + (index % 254)),
    pick(['{"b": [1, 2.5, "x"], "a": null}', '[]', '"text"', '{"nested": {"k": true}}']),
    pick(['gold', 'silver', 'bronze']),
    pick(['a,c', '', 'b']),
  ];
  // Every tenth row has NULLs (empty unquoted fields) where the column allows them.
  const row = index % 10 === 3 ? cells.map((cell, position) => (position === 0 || position > 16 ? cell : '')) : cells;
  return row.map((cell) => (/[",\n]/.test(cell) ? `"${cell.replace(/"/g, '""')}"` : cell)).join(',');
}

function manifest(url = '${TEST_DATABASE_URL}', compare?: string): string {
  return `version: 1
destinations:
  db:
    url: ${url}
sources:
  things:
    kind: csv
    path: things.csv
syncs:
  things:
    source: things
    destination: db
    table: things
    mode: mirror
    primary_key: [id]
${compare ? `    compare: ${compare}\n` : ''}    fields:
${FIELDS.map(([name, sql]) => `      - { from: ${name}, to: ${name}, type: "${sql}" }`).join('\n')}
`;
}

describe(`checksum-first comparison (${dialectOf(db.version)})`, () => {
  const env = () => ({ TEST_DATABASE_URL: db.url });
  const plan = async (compare: string, extra: string[] = []) => {
    const result = await workspace.run(['plan', '--compare', compare, '--format', 'json', ...extra], env());
    expect(result.stderr).not.toContain('PSSYNC_E');
    return JSON.parse(result.stdout) as { changes: boolean; syncs: { rows: Record<string, number>; unchanged: number; comparison: Record<string, number | string>; samples: unknown; fingerprints: Record<string, string> }[] };
  };

  beforeAll(async () => {
    const rows = Array.from({ length: ROWS }, (_, index) => csvRow(index + 1));
    workspace.write('things.csv', `${FIELDS.map(([name]) => name).join(',')}\n${rows.join('\n')}\n`);
    workspace.write('pssync.yaml', manifest());
    const apply = await workspace.run(['apply', '--auto-approve'], env());
    expect(apply.stderr).toContain('Apply complete');
  });

  it("every type's server text is pssync's canonical text: a no-op plan reads no row", async () => {
    const json = await plan('checksum');
    expect(json.changes).toBe(false);
    expect(json.syncs[0]!.unchanged).toBe(ROWS);
    expect(json.syncs[0]!.comparison).toMatchObject({ method: 'checksum', segments_read: 0, row_hashes_read: 0, rows_read: 0 });
    const full = await plan('full');
    expect(full.syncs[0]!.comparison).toMatchObject({ method: 'full', rows_read: ROWS });
    expect(Number(json.syncs[0]!.comparison.bytes_read)).toBeLessThan(Number(full.syncs[0]!.comparison.bytes_read) / 20);
  });

  it('finds a change in any column, as the full read does; verify reports it under the mode, keys only', async () => {
    const changes = [
      'UPDATE things SET big = big - 1 WHERE id = 11',
      'UPDATE things SET price = price + 0.001 WHERE id = 22',
      'UPDATE things SET ratio = ratio * 2 WHERE id = 33',
      'UPDATE things SET flags = flags ^ 1 WHERE id = 44',
      "UPDATE things SET code = 'zz' WHERE id = 55",
      "UPDATE things SET name = 'ZOË' WHERE id = 1",
      "UPDATE things SET body = CONCAT(body, ' ') WHERE id = 66",
      "UPDATE things SET raw = X'DEADBEEE' WHERE id = 1000",
      "UPDATE things SET blobby = X'00' WHERE id = 77",
      'UPDATE things SET at = at + INTERVAL 1 MICROSECOND WHERE id = 88',
      'UPDATE things SET stamp = stamp + INTERVAL 1 SECOND WHERE id = 99',
      "UPDATE things SET span = '12:34:56.79' WHERE id = 2",
      'UPDATE things SET part = part + 1 WHERE id = 111',
      "UPDATE things SET tier = 'gold' WHERE id = 2000 AND tier <> 'gold'",
      "UPDATE things SET tags = 'c' WHERE id = 3000",
      'DELETE FROM things WHERE id IN (5000, 5001)',
      "INSERT INTO things (id, name) VALUES (90000, 'extra')",
    ];
    for (const statement of changes) await db.query(statement);
    const checksum = await plan('checksum');
    const full = await plan('full');
    const sync = checksum.syncs[0]!;
    expect(sync.rows).toEqual(full.syncs[0]!.rows);
    expect(sync.samples).toEqual(full.syncs[0]!.samples);
    expect(sync.fingerprints.rows).toBe(full.syncs[0]!.fingerprints.rows);
    expect(sync.rows).toMatchObject({ insert: 2, delete: 1 });
    expect(sync.rows.update).toBeGreaterThanOrEqual(changes.length - 3);
    expect(Number(sync.comparison.rows_read)).toBeLessThan(40);

    const verify = await workspace.run(['verify'], env());
    expect(verify.code).toBe(2);
    expect(verify.stdout).toContain(`2 missing, ${sync.rows.update} differing, 1 extra`);
    expect(verify.stdout).toContain('id="5000"');
    expect(verify.stdout).not.toContain('ZOË'); // a value: shown only with --samples
    const withValues = await workspace.run(['verify', '--samples', '--format', 'json'], env());
    expect(withValues.code).toBe(2);
    expect(withValues.stdout).toContain('ZOË');

    const apply = await workspace.run(['apply', '--auto-approve', '--verify'], env());
    expect(apply.stderr).toContain('Apply complete');
    expect(apply.stdout).toContain('Verified: every sync matches its destination.');
    expect(apply.code).toBe(0);
    const after = await db.query<{ n: number }>('SELECT COUNT(*) AS n FROM things');
    expect(Number(after[0]!.n)).toBe(ROWS);
    expect((await plan('checksum')).changes).toBe(false);
  });

  it('a plan saved one way applies when apply compares the other way (the rows fingerprint is the same)', async () => {
    await db.query("UPDATE things SET name = 'saved' WHERE id = 12");
    const saved = await workspace.run(['plan', '--compare', 'checksum', '--out', 'saved.plan'], env());
    expect(saved.code).toBe(0);
    const apply = await workspace.run(['apply', 'saved.plan', '--compare', 'full'], env());
    expect(apply.stderr).toContain('Apply complete');
    expect(apply.code).toBe(0);
    const verify = await workspace.run(['verify', '--format', 'json'], env());
    expect(JSON.parse(verify.stdout)).toMatchObject({ matches: true, syncs: [{ missing: 0, differing: 0, extra: 0 }] });
    expect(verify.code).toBe(0);
  });

  it('verify exits 1 on an error, and says which sync', async () => {
    workspace.write('broken.yaml', manifest('mysql://root@127.0.0.1:1/nowhere'));
    const result = await workspace.run(['verify', '-f', 'broken.yaml'], env());
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('PSSYNC_E_CONNECT');
  });

  it('through a slow link (20 ms, 100 Mbit/s): a no-op plan reads under 5% of the bytes of a full read', async () => {
    const link = await startSlowLink({ host: db.host, port: db.port });
    try {
      const url = db.url.replace(`:${db.port}/`, `:${link.port}/`);
      workspace.write('slow.yaml', manifest(url));
      const bytesOf = async (compare: string) => {
        link.reset();
        const started = Date.now();
        const result = await workspace.run(['plan', '-f', 'slow.yaml', '--compare', compare, '--detailed-exitcode'], env());
        expect(result.code).toBe(0);
        return { bytes: link.bytes.fromServer, ms: Date.now() - started };
      };
      const full = await bytesOf('full');
      const checksum = await bytesOf('checksum');
      expect(full.bytes).toBeGreaterThan(ROWS * 100);
      expect(checksum.bytes).toBeLessThan(full.bytes * 0.05);
      // The link adds its round trip: connecting and planning cost several.
      expect(checksum.ms).toBeGreaterThan(5 * link.rttMs);
    } finally {
      await link.close();
    }
  });
});
