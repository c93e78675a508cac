/**
 * A partition's filter pushed into the source query (issue 15): for `mysql` and `postgres` sources
 * whose key maps, untransformed, from integer columns onto integer columns, each worker's query
 * sends only its partition's rows. Checked: every worker receives exactly its partition (none read
 * and skipped), the partitions add up to the source, the plans match those of the same rows read
 * in full from a CSV, four concurrent workers leave the source's rows, and a full plan is empty
 * after. A key the source cannot hash the same way (a transformed or text key) is read in full.
 * And PostgreSQL's spelling of the hash agrees with pssync's.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { partitionTermPostgres, slotOfKey, slotOfRawKey } from '../../src/model/partition.js';
import { dialectOf, useTestDatabase } from '../helpers/database.js';
import { useTestPostgres } from '../helpers/postgres.js';
import { useWorkspace, type CliResult } from '../helpers/workspace.js';

const db = useTestDatabase();
const pgdb = useTestPostgres();
const workspace = useWorkspace();

const ROWS = 3000;
const env = (): Record<string, string> => ({ TEST_DATABASE_URL: db.url, PG_URL: pgdb.url });
const said = (result: CliResult): string => `${result.stdout}\n${result.stderr}`;

/** Source ids: negative, zero and large ones, not in key order. */
const ids = Array.from({ length: ROWS }, (_, index) => (index * 7919) % ROWS - 1000);
/** The composite key's second part. */
const partOf = (id: number) => ((id % 5) + 5) % 5;

const manifest = `version: 1
destinations:
  db: { url: "\${TEST_DATABASE_URL}" }
sources:
  from_mysql:
    kind: mysql
    url: \${TEST_DATABASE_URL}
    query: |
      SELECT id, name FROM source_people ORDER BY name -- a closing comment
  from_postgres:
    kind: postgres
    url: \${PG_URL}
    query: SELECT id, part, name FROM source_people;
  from_csv:
    kind: csv
    path: people.csv
syncs:
  mysql_people:
    source: from_mysql
    destination: db
    table: mysql_people
    mode: mirror
    primary_key: [id]
    fields:
      - { from: id, type: bigint }
      - { from: name, type: varchar(40) }
  postgres_people:
    source: from_postgres
    destination: db
    table: postgres_people
    mode: mirror
    primary_key: [id, part]
    fields:
      - { from: id, type: bigint }
      - { from: part, type: int }
      - { from: name, type: varchar(40) }
  csv_people:
    source: from_csv
    destination: db
    table: csv_people
    mode: mirror
    primary_key: [id]
    fields:
      - { from: id, type: bigint }
      - { from: name, type: varchar(40) }
  text_key_people:
    source: from_mysql
    destination: db
    table: text_key_people
    mode: mirror
    primary_key: [name]
    fields:
      - { from: id, type: bigint }
      - { from: name, type: varchar(40) }
`;

interface SyncJson {
  readonly name: string;
  readonly rows: { readonly insert: number; readonly update: number; readonly delete: number };
  readonly source_rows: number;
  readonly other_partition_rows?: number;
  readonly source_filtered?: boolean;
}

/** A table's rows as `a|b|c` texts, in key order. */
async function rowsOf(table: string, columns: string): Promise<string[]> {
  const rows = await db.query<{ row: string }>(`SELECT CONCAT_WS('|', ${columns}) AS \`row\` FROM \`${table}\` ORDER BY id`);
  return rows.map(({ row }) => row);
}

async function planPartition(index: number, count: number): Promise<Map<string, SyncJson>> {
  const plan = await workspace.run(['plan', '--format', 'json', '--partition', `${index}/${count}`], env());
  expect(plan.code, said(plan)).toBe(0);
  return new Map((JSON.parse(plan.stdout).syncs as SyncJson[]).map((sync) => [sync.name, sync]));
}

describe(`a partition's filter in the source query (${dialectOf(db.version)}, PostgreSQL source)`, () => {
  beforeAll(async () => {
    workspace.write('pssync.yaml', manifest);
    await db.query('CREATE TABLE source_people (id INT PRIMARY KEY, name VARCHAR(40) NOT NULL)');
    await db.query('INSERT INTO source_people VALUES ?', [ids.map((id) => [id, `person ${id}`])]);
    await pgdb.query('CREATE TABLE source_people (id int8, part int2, name text)');
    await pgdb.query(`INSERT INTO source_people SELECT id, ((id % 5) + 5) % 5, 'person ' || id FROM unnest($1::int8[]) AS id`, [ids]);
    writeFileSync(join(workspace.dir, 'people.csv'), `id,name\n${ids.map((id) => `${id},person ${id}`).join('\n')}\n`);
  });

  it('each worker receives exactly its partition from mysql and postgres queries, as many rows as a full read keeps', async () => {
    const plans = await Promise.all([1, 2, 3, 4].map((index) => planPartition(index, 4)));
    for (const [slot, plan] of plans.entries()) {
      const expected = ids.filter((id) => slotOfKey(id, 4) === slot).length;
      const expectedComposite = ids.filter((id) => slotOfRawKey([id, partOf(id)], 4) === slot).length;
      for (const [name, rows] of [['mysql_people', expected], ['postgres_people', expectedComposite]] as const) {
        const sync = plan.get(name)!;
        expect(sync.source_filtered, name).toBe(true);
        // The collector received no row of another partition: the query sent only this one.
        expect(sync.other_partition_rows, name).toBe(0);
        expect(sync.source_rows, name).toBe(rows);
        expect(sync.rows.insert, name).toBe(rows);
      }
      // The same rows from a file are read in full and split by the client: the same partition.
      const csv = plan.get('csv_people')!;
      expect(csv.source_filtered).toBeUndefined();
      expect(csv.source_rows).toBe(expected);
      expect(csv.other_partition_rows).toBe(ROWS - expected);
      // A text key is hashed by its collation key, which the source cannot compute: read in full.
      const text = plan.get('text_key_people')!;
      expect(text.source_filtered).toBeUndefined();
      expect(text.source_rows + text.other_partition_rows!).toBe(ROWS);
    }
    expect(plans.reduce((sum, plan) => sum + plan.get('postgres_people')!.source_rows, 0)).toBe(ROWS);
  });

  it('four concurrent workers load exactly the source, and a full plan afterwards is empty', async () => {
    const applies = await Promise.all([1, 2, 3, 4].map((index) => workspace.run(['apply', '--auto-approve', '--partition', `${index}/4`], env())));
    for (const apply of applies) expect(apply.code, said(apply)).toBe(0);
    const sorted = [...ids].sort((a, b) => a - b);
    expect(await rowsOf('mysql_people', 'id, name')).toEqual(sorted.map((id) => `${id}|person ${id}`));
    expect(await rowsOf('postgres_people', 'id, part, name')).toEqual(sorted.map((id) => `${id}|${partOf(id)}|person ${id}`));
    const plan = await workspace.run(['plan', '--detailed-exitcode'], env());
    expect(plan.code, said(plan)).toBe(0);

    // Deletes and updates stay inside the partition when the query filters too.
    await db.query('DELETE FROM source_people WHERE id % 10 = 0');
    await db.query("UPDATE source_people SET name = CONCAT(name, ' (moved)') WHERE id % 10 = 3");
    const again = await Promise.all([1, 2].map((index) => workspace.run(['apply', '--auto-approve', '--partition', `${index}/2`, '--sync', 'mysql_people'], env())));
    for (const apply of again) expect(apply.code, said(apply)).toBe(0);
    // MySQL's % keeps the sign, as JavaScript's does.
    const changed = sorted.filter((id) => id % 10 !== 0).map((id) => `${id}|person ${id}${id % 10 === 3 ? ' (moved)' : ''}`);
    expect(await rowsOf('mysql_people', 'id, name')).toEqual(changed);
    const after = await workspace.run(['plan', '--detailed-exitcode', '--sync', 'mysql_people'], env());
    expect(after.code, said(after)).toBe(0);
  });

  it("PostgreSQL's spelling of the hash agrees with pssync's, and a NULL key part goes to the first partition", async () => {
    const keys: [string, string | null][] = [['-9223372036854775808', '1'], ['0', '0'], ['42', '7'], ['9223372036854775807', '-3'], ['5', null]];
    for (const count of [2, 3, 7, 64]) {
      for (const [id, part] of keys) {
        const single = await pgdb.query<{ slot: boolean }>(`SELECT ${partitionTermPostgres(['id'], { index: slotOfKey(id, count) + 1, count })} AS slot FROM (SELECT $1::int8 AS id) AS t`, [id]);
        expect(single[0]!.slot, `${id} of ${count}`).toBe(true);
        const slot = slotOfRawKey([id, part], count);
        const composite = await pgdb.query<{ slot: boolean }>(`SELECT ${partitionTermPostgres(['id', 'part'], { index: slot + 1, count })} AS slot FROM (SELECT $1::int8 AS id, $2::int4 AS part) AS t`, [id, part]);
        expect(composite[0]!.slot, `${id}, ${part} of ${count}`).toBe(true);
      }
    }
  });
});
