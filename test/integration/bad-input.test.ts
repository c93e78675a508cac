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

/** Issue 11: the shape of the input — headers without rows, CR line endings, column names MySQL takes as one. */
describe(`input shapes (${dialectOf(db.version)})`, () => {
  const env = () => ({ TEST_DATABASE_URL: db.url });

  function shapeManifest(file: string, table: string, mode: string, fields: 'declared' | 'implicit', key = 'order_id'): string {
    const declared = `    fields:
      - { from: order_id, type: int }
      - { from: code, type: varchar(8) }
      - { from: amount, type: decimal(6,2) }
`;
    return `version: 1
destinations:
  db: { url: "\${TEST_DATABASE_URL}" }
sources:
  input: { kind: csv, path: ${file} }
syncs:
  shape:
    source: input
    destination: db
    table: ${table}
    mode: ${mode}
    primary_key: [${key}]
${fields === 'declared' ? declared : ''}`;
  }

  async function tables(): Promise<string[]> {
    return (await db.query<Record<string, string>>('SHOW TABLES')).map((row) => Object.values(row)[0]!);
  }

  beforeAll(async () => {
    await db.query('CREATE TABLE shape_orders (order_id INT NOT NULL PRIMARY KEY, code VARCHAR(8), amount DECIMAL(6,2))');
    await db.query("INSERT INTO shape_orders VALUES (1, 'A', 1.00), (2, 'B', 2.00)");
  });

  for (const mode of ['upsert', 'mirror']) {
    it(`a header-only CSV without a mapped field is an error on ${mode}, not an empty source; the table is untouched`, async () => {
      const before = await db.query('SELECT * FROM shape_orders ORDER BY order_id');
      workspace.write(`header-only-${mode}.csv`, 'order_id,code\n');
      workspace.write(`header-only-${mode}.yaml`, shapeManifest(`header-only-${mode}.csv`, 'shape_orders', mode, 'declared'));
      const plan = await workspace.run(['plan', '-f', `header-only-${mode}.yaml`], env());
      expect(plan.code, plan.stdout + plan.stderr).toBe(1);
      expect(plan.stdout + plan.stderr).toMatch(/PSSYNC_E_ROW_FIELD_MISSING.*field `amount` is not a column of header-only-\w+\.csv \(columns: order_id, code\)/);
      expect(plan.stdout + plan.stderr).not.toMatch(/No changes/);
      const apply = await workspace.run(['apply', '-f', `header-only-${mode}.yaml`, '--auto-approve', '--allow-deletes'], env());
      expect(apply.code).toBe(1);
      expect(apply.stderr).toContain('PSSYNC_E_ROW_FIELD_MISSING');
      expect(await db.query('SELECT * FROM shape_orders ORDER BY order_id')).toEqual(before);
    });
  }

  it('a CR-only (old Mac) CSV is read line by line: 3 rows applied, the next plan is empty', async () => {
    workspace.write('mac.csv', 'order_id,code,amount\r1,A,1.50\r2,"B\rb",2.00\r\r3,C,3.25\r');
    workspace.write('mac.yaml', shapeManifest('mac.csv', 'mac_orders', 'mirror', 'declared'));
    const apply = await workspace.run(['apply', '-f', 'mac.yaml', '--auto-approve'], env());
    expect(apply.code, apply.stderr).toBe(0);
    expect(await db.query('SELECT order_id, code, amount FROM mac_orders ORDER BY order_id')).toEqual([
      { order_id: 1, code: 'A', amount: '1.50' },
      { order_id: 2, code: 'B\rb', amount: '2.00' },
      { order_id: 3, code: 'C', amount: '3.25' },
    ]);
    const again = await workspace.run(['plan', '-f', 'mac.yaml'], env());
    expect(again.code, again.stdout + again.stderr).toBe(0);
    expect(again.stdout).toMatch(/No changes/);
  });

  it('a CR-only CSV names the right line in a row error', async () => {
    workspace.write('mac-bad.csv', 'order_id,code,amount\r1,A,1.50\r2,"B\rb",2.00\r\r3,C,oops\r');
    workspace.write('mac-bad.yaml', shapeManifest('mac-bad.csv', 'mac_orders', 'mirror', 'declared'));
    const plan = await workspace.run(['plan', '-f', 'mac-bad.yaml'], env());
    expect(plan.code).toBe(1);
    expect(plan.stdout).toMatch(/mac-bad\.csv:6: PSSYNC_E_ROW_VALUE.*amount/);
  });

  it('implicit fields with a header `id,Email,email`: a plan error naming the file, line and fields; nothing is created', async () => {
    workspace.write('emails.csv', 'id,Email,email\n1,a@x,b@x\n');
    workspace.write('emails.yaml', shapeManifest('emails.csv', 'dup_columns', 'upsert', 'implicit', 'id'));
    const plan = await workspace.run(['plan', '-f', 'emails.yaml'], env());
    expect(plan.code).toBe(1);
    expect(plan.stdout).toMatch(/emails\.csv:1: PSSYNC_E_SOURCE.*`Email` and `email`.*one column/);
    const apply = await workspace.run(['apply', '-f', 'emails.yaml', '--auto-approve'], env());
    expect(apply.code).toBe(1);
    expect(apply.stderr).toMatch(/emails\.csv:1: PSSYNC_E_SOURCE/);
    expect(apply.stderr).not.toMatch(/doesn't exist/);
    expect(await tables()).not.toContain('dup_columns');
  });

  it('a header `id,É,é` is one column to MySQL (case-insensitive): a plan error; `id,É,E` are two (accents count) and apply', async () => {
    workspace.write('accents-same.csv', 'id,É,é\n1,x,y\n');
    workspace.write('accents-same.yaml', shapeManifest('accents-same.csv', 'accents_same', 'upsert', 'implicit', 'id'));
    const refused = await workspace.run(['plan', '-f', 'accents-same.yaml'], env());
    expect(refused.code).toBe(1);
    expect(refused.stdout).toMatch(/accents-same\.csv:1: PSSYNC_E_SOURCE.*`É` and `é`/);
    expect(await tables()).not.toContain('accents_same');

    workspace.write('accents.csv', 'id,É,E\n1,x,y\n2,z,w\n');
    workspace.write('accents.yaml', shapeManifest('accents.csv', 'accents', 'mirror', 'implicit', 'id'));
    const apply = await workspace.run(['apply', '-f', 'accents.yaml', '--auto-approve'], env());
    expect(apply.code, apply.stderr).toBe(0);
    expect(await db.query('SELECT id, `É`, `E` FROM accents ORDER BY id')).toEqual([
      { id: '1', É: 'x', E: 'y' },
      { id: '2', É: 'z', E: 'w' },
    ]);
    const again = await workspace.run(['plan', '-f', 'accents.yaml'], env());
    expect(again.code, again.stdout).toBe(0);
    expect(again.stdout).toMatch(/No changes/);
  });
});
