/**
 * Every table mode end to end through the CLI: plan counts, apply, the database's contents read
 * back with plain SQL, and a second plan with no changes.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { dialectOf, useTestDatabase } from '../helpers/database.js';
import { useWorkspace } from '../helpers/workspace.js';

const db = useTestDatabase();
const workspace = useWorkspace();

// Desired state. Row 1 and 4 equal the destination once normalised (10 vs 10.00, ISO vs SQL
// datetime, true vs 1, JSON key order); row 2 changed; row 3 is only in the destination; row 5 is new.
const CSV = `id,name,score,seen_at,active,meta
1,alice,10,2024-01-01T00:00:00Z,true,"{""b"": 2, ""a"": 1}"
2,bob,25.5,2024-01-02 00:00:00,false,{}
4,dave,40.00,2024-01-04 00:00:00.000,1,
5,erin,50.25,2024-01-05 12:30:00,true,"[1,2]"
`;

function manifest(table: string, mode: string): string {
  return `version: 1
destinations:
  db:
    url: \${TEST_DATABASE_URL}
sources:
  scores:
    kind: csv
    path: scores.csv
syncs:
  s:
    source: scores
    destination: db
    table: ${table}
    mode: ${mode}
    primary_key: [id]
    fields:
      - { from: id, to: id, type: bigint }
      - { from: name, to: name, type: varchar(64) }
      - { from: score, to: score, type: decimal(10,2) }
      - { from: seen_at, to: seen_at, type: datetime }
      - { from: active, to: active, type: boolean }
      - { from: meta, to: meta, type: json }
`;
}

interface Expectation {
  readonly counts: { insert: number; update: number; delete: number; skip: number };
  readonly ids: number[];
  readonly bobScore: string;
}

const EXPECTED: Record<string, Expectation> = {
  insert: { counts: { insert: 1, update: 0, delete: 0, skip: 1 }, ids: [1, 2, 3, 4, 5], bobScore: '20.00' },
  update: { counts: { insert: 0, update: 1, delete: 0, skip: 1 }, ids: [1, 2, 3, 4], bobScore: '25.50' },
  upsert: { counts: { insert: 1, update: 1, delete: 0, skip: 0 }, ids: [1, 2, 3, 4, 5], bobScore: '25.50' },
  mirror: { counts: { insert: 1, update: 1, delete: 1, skip: 0 }, ids: [1, 2, 4, 5], bobScore: '25.50' },
};

describe(`table modes (${dialectOf(db.version)})`, () => {
  const env = () => ({ TEST_DATABASE_URL: db.url });

  beforeAll(() => {
    workspace.write('scores.csv', CSV);
  });

  for (const [mode, expected] of Object.entries(EXPECTED)) {
    it(`${mode}: plans exactly, applies, and plans no changes afterwards`, async () => {
      const table = `scores_${mode}`;
      await db.query(`CREATE TABLE ${table} (
        id BIGINT NOT NULL PRIMARY KEY, name VARCHAR(64), score DECIMAL(10,2), seen_at DATETIME,
        active TINYINT(1), meta JSON)`);
      await db.query(`INSERT INTO ${table} VALUES
        (1, 'alice', 10.00, '2024-01-01 00:00:00', 1, '{"a": 1, "b": 2}'),
        (2, 'bob', 20.00, '2024-01-02 00:00:00', 0, '{}'),
        (3, 'carol', 30.00, '2024-01-03 00:00:00', 1, NULL),
        (4, 'dave', 40.00, '2024-01-04 00:00:00', 1, NULL)`);
      workspace.write(`${mode}.yaml`, manifest(table, mode));

      const plan = await workspace.run(['plan', '-f', `${mode}.yaml`, '--format', 'json'], env());
      expect(plan.stderr).not.toContain('error');
      expect(plan.code).toBe(0);
      const json = JSON.parse(plan.stdout);
      expect(json.format_version).toBe('1');
      expect(json.syncs[0].ddl).toEqual([]);
      expect(json.syncs[0].rows).toEqual(expected.counts);
      expect(json.changes).toBe(true);

      const apply = await workspace.run(['apply', '-f', `${mode}.yaml`, '--auto-approve'], env());
      expect(apply.stderr).toContain('Apply complete');
      expect(apply.code).toBe(0);

      const rows = await db.query<{ id: string; name: string; score: string }>(`SELECT id, name, score FROM ${table} ORDER BY id`);
      expect(rows.map((row) => Number(row.id))).toEqual(expected.ids);
      expect(rows.find((row) => Number(row.id) === 2)?.score).toBe(expected.bobScore);
      if (expected.ids.includes(5)) {
        const [erin] = await db.query<Record<string, string | null>>(`SELECT * FROM ${table} WHERE id = 5`);
        expect(erin).toMatchObject({ name: 'erin', score: '50.25', seen_at: '2024-01-05 12:30:00', active: 1 });
        // mysql2 parses JSON columns itself on MySQL; MariaDB's JSON is LONGTEXT and arrives as text.
        const meta: unknown = erin!.meta;
        expect(typeof meta === 'string' ? JSON.parse(meta) : meta).toEqual([1, 2]);
      }
      const staging = await db.query(`SELECT TABLE_NAME FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME LIKE '\\_pssync%'`);
      expect(staging).toEqual([]);

      const again = await workspace.run(['plan', '-f', `${mode}.yaml`, '--format', 'json', '--detailed-exitcode'], env());
      const second = JSON.parse(again.stdout);
      expect(second.changes).toBe(false);
      expect(second.syncs[0].rows).toMatchObject({ insert: 0, update: 0, delete: 0 });
      expect(again.code).toBe(0);
    });
  }
});
