/** Bad source rows: a clear error naming the line, and the destination untouched; or skipped within max_rejected_rows. */
import { existsSync, readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { dialectOf, useTestDatabase } from '../helpers/database.js';
import { useWorkspace } from '../helpers/workspace.js';

const db = useTestDatabase();
const workspace = useWorkspace();

function manifest(file: string, extra = ''): string {
  return `version: 1
destinations:
  db: { url: "\${TEST_DATABASE_URL}" }
sources:
  orders: { kind: csv, path: ${file} }
syncs:
  orders:
    source: orders
    destination: db
    table: orders
    mode: mirror
    primary_key: [order_id]
    fields:
      - { from: order_id, to: order_id, type: int }
      - { from: code, to: code, type: varchar(8) }
      - { from: amount, to: amount, type: decimal(6,2) }
      - { from: placed_on, to: placed_on, type: date }
${extra}`;
}

async function tableContents(): Promise<unknown[]> {
  return db.query('SELECT * FROM orders ORDER BY order_id');
}

describe(`bad input never half-writes (${dialectOf(db.version)})`, () => {
  const env = () => ({ TEST_DATABASE_URL: db.url });

  beforeAll(async () => {
    await db.query('CREATE TABLE orders (order_id INT NOT NULL PRIMARY KEY, code VARCHAR(8), amount DECIMAL(6,2), placed_on DATE)');
    await db.query("INSERT INTO orders VALUES (1, 'A', 1.00, '2024-01-01'), (2, 'B', 2.00, '2024-01-02')");
  });

  const cases: ReadonlyArray<{ name: string; csv: string; code: string; line: number; words: RegExp }> = [
    { name: 'a value that is not a decimal', csv: 'order_id,code,amount,placed_on\n1,A,1.00,2024-01-01\n3,C,abc,2024-01-03\n', code: 'PSSYNC_E_ROW_VALUE', line: 3, words: /amount/ },
    { name: 'a decimal with too many digits', csv: 'order_id,code,amount,placed_on\n1,A,12345.6,2024-01-01\n', code: 'PSSYNC_E_ROW_VALUE', line: 2, words: /amount/ },
    { name: 'text too long for VARCHAR(8)', csv: 'order_id,code,amount,placed_on\n1,ABCDEFGHIJ,1,2024-01-01\n', code: 'PSSYNC_E_ROW_VALUE', line: 2, words: /code/ },
    { name: 'an invalid date', csv: 'order_id,code,amount,placed_on\n1,A,1,2024-02-30\n', code: 'PSSYNC_E_ROW_VALUE', line: 2, words: /placed_on/ },
    { name: 'a missing key', csv: 'order_id,code,amount,placed_on\n1,A,1,2024-01-01\n,B,2,2024-01-02\n', code: 'PSSYNC_E_ROW_KEY_MISSING', line: 3, words: /order_id/ },
    { name: 'a duplicate key', csv: 'order_id,code,amount,placed_on\n1,A,1,2024-01-01\n5,E,5,2024-01-05\n1,Z,9,2024-01-09\n', code: 'PSSYNC_E_ROW_KEY_DUPLICATE', line: 4, words: /line 2/ },
    { name: 'an out-of-range integer', csv: 'order_id,code,amount,placed_on\n99999999999,A,1,2024-01-01\n', code: 'PSSYNC_E_ROW_VALUE', line: 2, words: /range/ },
    { name: 'a ragged CSV row', csv: 'order_id,code,amount,placed_on\n1,A,1,2024-01-01\n2,B\n', code: 'PSSYNC_E_SOURCE', line: 3, words: /malformed CSV/ },
    { name: 'an unclosed quote', csv: 'order_id,code,amount,placed_on\n1,"A,1,2024-01-01\n', code: 'PSSYNC_E_SOURCE', line: 2, words: /malformed CSV/ },
  ];

  for (const [index, testCase] of cases.entries()) {
    it(`${testCase.name}: error with file and line, nothing written`, async () => {
      const before = await tableContents();
      const file = `bad-${index}.csv`;
      workspace.write(file, testCase.csv);
      workspace.write(`bad-${index}.yaml`, manifest(file));
      const plan = await workspace.run(['plan', '-f', `bad-${index}.yaml`], env());
      expect(plan.code).toBe(1);
      expect(plan.stdout).toContain(testCase.code);
      expect(plan.stdout).toMatch(new RegExp(`${file}:${testCase.line}\\b`));
      expect(plan.stdout).toMatch(testCase.words);

      const apply = await workspace.run(['apply', '-f', `bad-${index}.yaml`, '--auto-approve'], env());
      expect(apply.code).toBe(1);
      expect(apply.stderr).toContain(testCase.code);
      expect(await tableContents()).toEqual(before);
    });
  }

  it('max_rejected_rows skips bad rows, writes them with reasons to a rejects file, and applies the rest', async () => {
    workspace.write('some-bad.csv', 'order_id,code,amount,placed_on\n1,A,1.00,2024-01-01\n2,B,2.00,2024-01-02\n3,C,oops,2024-01-03\n4,D,4.00,2024-01-04\n');
    workspace.write('some-bad.yaml', manifest('some-bad.csv', '    max_rejected_rows: 1\n'));
    const apply = await workspace.run(['apply', '-f', 'some-bad.yaml', '--auto-approve'], env());
    expect(apply.code, apply.stderr).toBe(0);
    const rejectsFile = /rejected rows written to (\S+)/.exec(apply.stderr)?.[1];
    expect(rejectsFile).toBeDefined();
    expect(existsSync(rejectsFile!)).toBe(true);
    const [rejected] = readFileSync(rejectsFile!, 'utf8').trim().split('\n').map((line) => JSON.parse(line));
    expect(rejected).toMatchObject({ line: 4, code: 'PSSYNC_E_ROW_VALUE', row: { order_id: '3', amount: 'oops' } });
    const ids = (await db.query<{ order_id: number }>('SELECT order_id FROM orders ORDER BY order_id')).map((row) => row.order_id);
    expect(ids).toEqual([1, 2, 4]);

    workspace.write('too-bad.csv', 'order_id,code,amount,placed_on\n1,A,x,2024-01-01\n2,B,y,2024-01-02\n');
    workspace.write('too-bad.yaml', manifest('too-bad.csv', '    max_rejected_rows: 1\n'));
    const refused = await workspace.run(['apply', '-f', 'too-bad.yaml', '--auto-approve'], env());
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('PSSYNC_E_REJECTS_EXCEEDED');
    expect((await db.query('SELECT order_id FROM orders')).length).toBe(3);
  });
});
