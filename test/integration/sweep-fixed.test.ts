/**
 * Sweep findings (docs/sweep-findings.md), fixed, each as the sweep found it: F1 an insert that
 * leaves a NOT NULL column without a default unmapped, F2 a NULL for a NOT NULL column, F3 a view
 * with the table's name, F4 bytes from a query, F5 text a latin1/utf8mb3 column cannot hold, F6
 * JSON integers beyond 64 bits.
 */
import { describe, expect, it } from 'vitest';
import { dialectOf, useTestDatabase } from '../helpers/database.js';
import { sweepSteps } from '../helpers/sweep.js';
import { useWorkspace } from '../helpers/workspace.js';

const db = useTestDatabase();
const workspace = useWorkspace();
const { env, project, rows, applyAndConverge, planJson } = sweepSteps(db, workspace);

describe(`adversarial sweep, fixed findings (${dialectOf(db.version)})`, () => {
  it('F1: upsert into a table with an unmapped NOT NULL column without a default: refused at plan time, nothing written', async () => {
    await db.query('CREATE TABLE no_default (id INT PRIMARY KEY, name VARCHAR(20), owner VARCHAR(10) NOT NULL)');
    await db.query("INSERT INTO no_default VALUES (1, 'one', 'ann')");
    workspace.write('no-default.csv', 'id,name\n1,ONE\n2,two\n');
    const file = project('no-default-upsert', 'no_default', '{ kind: csv, path: no-default.csv }', { mode: 'upsert' });
    // Before the fix: the plan was clean (+1 ~1); apply failed at the INSERT with error 1364
    // "Field 'owner' doesn't have a default value".
    const { code, output } = await planJson(file);
    expect(code, output).toBe(1);
    expect(output).toMatch(/owner/);
    expect(output).toContain('PSSYNC_E_REQUIRED_COLUMN');
    expect(output).toMatch(/NOT NULL column\(s\) without a default that the sync does not map: `owner` varchar\(10\)/);
    const result = await workspace.run(['apply', '-f', file, '--auto-approve'], env());
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('Nothing was applied');
    expect(await rows('SELECT id, name, owner FROM no_default ORDER BY id')).toEqual([['1', 'one', 'ann']]);
    // An ENUM NOT NULL without a default is not one: the server gives it its first member.
    await db.query("CREATE TABLE enum_default (id INT PRIMARY KEY, name VARCHAR(20), state ENUM('new','old') NOT NULL)");
    const enumFile = project('enum-default', 'enum_default', '{ kind: csv, path: no-default.csv }', { mode: 'upsert' });
    await applyAndConverge(enumFile);
    expect(await rows('SELECT id, name, state FROM enum_default ORDER BY id')).toEqual([['1', 'ONE', 'new'], ['2', 'two', 'new']]);
  });

  it('F2: a NULL source value for a NOT NULL column is a row error at plan time', async () => {
    await db.query("CREATE TABLE not_null (id INT PRIMARY KEY, b VARCHAR(10) NOT NULL DEFAULT 'x')");
    await db.query("INSERT INTO not_null VALUES (1, 'kept')");
    workspace.write('not-null.csv', 'id,b\n1,\n2,fine\n');
    const file = project('not-null', 'not_null', '{ kind: csv, path: not-null.csv }');
    // Before the fix: the plan showed ~1 (b: "kept" → NULL) +1; apply inserts row 2, then the UPDATE fails
    // with error 1048 "Column 'b' cannot be null": a half-written table.
    const { code, plan, output } = await planJson(file);
    expect(code, output).toBe(1);
    const errors = plan.syncs[0]!.errors;
    expect(errors.find((error) => error.code === 'PSSYNC_E_ROW_VALUE')).toMatchObject({ line: 2, message: expect.stringMatching(/`b`.*NULL/i) });
    await workspace.run(['apply', '-f', file, '--auto-approve', '--allow-deletes'], env());
    expect(await rows('SELECT id, b FROM not_null ORDER BY id')).toEqual([['1', 'kept']]);
  });

  it('F3: a VIEW with the table name is a clear error ("is a view") in every mode, nothing written through it', async () => {
    await db.query('CREATE TABLE base_rows (id INT PRIMARY KEY, name VARCHAR(20))');
    await db.query("INSERT INTO base_rows VALUES (1, 'base')");
    await db.query('CREATE VIEW shown AS SELECT id, name FROM base_rows');
    workspace.write('view.csv', 'id,name\n1,x\n2,y\n');
    for (const mode of ['insert', 'upsert', 'mirror']) {
      // Before the fix: upsert and mirror said "table `shown` has no primary key" (true of any view, but it
      // did not say it is a view); insert wrote both rows THROUGH the view into base_rows.
      const file = project(`view-${mode}`, 'shown', '{ kind: csv, path: view.csv }', { mode });
      const { code, output } = await planJson(file);
      expect(code, `${mode}: ${output}`).toBe(1);
      expect(output, mode).toMatch(/`shown` is a view/i);
      const result = await workspace.run(['apply', '-f', file, '--auto-approve', '--allow-deletes'], env());
      expect(result.code, mode).toBe(1);
      expect(await rows('SELECT id, name FROM base_rows ORDER BY id'), mode).toEqual([['1', 'base']]);
    }
  });

  it('F5: text a latin1 (or utf8mb3) column cannot hold is a row error at plan time naming the row, nothing written', async () => {
    await db.query('CREATE TABLE latin (id INT PRIMARY KEY, name VARCHAR(20) CHARACTER SET latin1, mb3 VARCHAR(20) CHARACTER SET utf8mb3)');
    await db.query("INSERT INTO latin VALUES (1, 'old', 'old')");
    workspace.write('latin.csv', 'id,name,mb3\n1,smile 😀,ok\n2,new,ok\n3,Ωmega,ok\n4,ok,x😀\n');
    const file = project('latin', 'latin', '{ kind: csv, path: latin.csv }', { mode: 'upsert' });
    // Before the fix: the plan was clean (+3 ~1); apply's INSERT of rows 2-4 failed on 'Ωmega' (error 1366
    // "Incorrect string value"). With only the emoji update bad (source rows `1,smile 😀` and
    // `2,new`), row 2 was inserted and then the UPDATE of row 1 failed: a half-written table.
    const { code, plan, output } = await planJson(file);
    expect(code, output).toBe(1);
    const errors = plan.syncs[0]!.errors.filter((error) => error.code === 'PSSYNC_E_ROW_VALUE');
    expect(errors.map((error) => error.line)).toEqual([2, 4, 5]);
    expect(errors[0]!.message).toMatch(/`name`.*latin1/);
    expect(errors[2]!.message).toMatch(/`mb3`.*utf8mb3/);
    await workspace.run(['apply', '-f', file, '--auto-approve'], env());
    expect(await rows('SELECT id, name FROM latin ORDER BY id')).toEqual([['1', 'old']]);
  });

  it('F4: bytes from a kind: mysql query into VARBINARY(10) and BLOB arrive byte for byte; 10 bytes fit VARBINARY(10)', async () => {
    await db.query('CREATE TABLE raw_bytes (id INT PRIMARY KEY, b VARBINARY(10))');
    await db.query("INSERT INTO raw_bytes VALUES (1, UNHEX('FF00C3')), (2, UNHEX('00112233445566778899')), (3, 'abc')");
    await db.query('CREATE TABLE bytes_copy (id INT PRIMARY KEY, vb VARBINARY(10), bl BLOB)');
    const file = project('bytes', 'bytes_copy', '{ kind: mysql, url: "${TEST_DATABASE_URL}", query: "SELECT id, b AS vb, b AS bl FROM raw_bytes" }');
    // Before the fix: row 2 was refused ("column `vb`: 12 bytes is longer than varbinary(10)");
    // without it, row 1 was written as C3BF00C383 (each byte >= 0x80 re-encoded as UTF-8) and the
    // next plan was empty, so the corruption was never reported.
    await applyAndConverge(file);
    expect(await rows('SELECT id, HEX(vb), HEX(bl) FROM bytes_copy ORDER BY id')).toEqual([
      ['1', 'FF00C3', 'FF00C3'],
      ['2', '00112233445566778899', '00112233445566778899'],
      ['3', '616263', '616263'],
    ]);
    // A changed byte is a change, shown as hex; the update writes the bytes.
    await db.query("UPDATE raw_bytes SET b = UNHEX('FF00C4') WHERE id = 1");
    const { code, plan } = await planJson(file);
    expect(code).toBe(0);
    expect(plan.changes).toBe(true);
    expect(plan.syncs[0]!.samples.update).toEqual([{ key: { id: '1' }, changes: { vb: { before: '0xFF00C3', after: '0xFF00C4' }, bl: { before: '0xFF00C3', after: '0xFF00C4' } } }]);
    await applyAndConverge(file);
    expect(await rows('SELECT HEX(vb), HEX(bl) FROM bytes_copy WHERE id = 1')).toEqual([['FF00C4', 'FF00C4']]);
    // A scope constant on a binary column is its UTF-8 bytes, once: rows are written, found and kept under it.
    await db.query('CREATE TABLE bytes_scoped (tag VARBINARY(8) NOT NULL, id INT NOT NULL, val TEXT, PRIMARY KEY (tag, id))');
    await db.query("INSERT INTO bytes_scoped VALUES (UNHEX('C3A9'), 1, 'old'), ('zz', 1, 'other scope')");
    workspace.write('scoped.csv', 'id,val\n1,new\n2,two\n');
    const scoped = project('bytes-scoped', 'bytes_scoped', '{ kind: csv, path: scoped.csv }', { key: ['tag', 'id'], extra: '    scope: { tag: "é" }\n' });
    await applyAndConverge(scoped);
    expect(await rows('SELECT HEX(tag), id, val FROM bytes_scoped ORDER BY tag, id')).toEqual([['7A7A', '1', 'other scope'], ['C3A9', '1', 'new'], ['C3A9', '2', 'two']]);
  });

  it('F6: JSON integers beyond 64 bits keep every digit where the server keeps the text (MariaDB); on MySQL they are doubles, as it stores them', async () => {
    await db.query('CREATE TABLE big_json (id INT PRIMARY KEY, doc JSON)');
    workspace.write('big-json.ndjson', '{"id":1,"doc":{"n":-98765432109876543210,"p":123456789012345678901234,"x":18446744073709551616}}\n');
    const file = project('big-json', 'big_json', '{ kind: ndjson, path: big-json.ndjson }');
    // Before the fix, MariaDB too stored {"n":-98765432109876540000,"p":1.2345678901234569e+23,"x":18446744073709552000}.
    await applyAndConverge(file);
    const [[stored]] = (await rows('SELECT CAST(doc AS CHAR) FROM big_json')) as [[string]];
    if (dialectOf(db.version) === 'mariadb') expect(stored).toBe('{"n":-98765432109876543210,"p":123456789012345678901234,"x":18446744073709551616}');
    else expect(JSON.parse(stored)).toEqual({ n: -98765432109876543210, p: 123456789012345678901234, x: 18446744073709551616 });
    // A table pssync creates keeps them too, on its first apply.
    const created = project('big-json-new', 'big_json_new', '{ kind: ndjson, path: big-json.ndjson }', { fields: ['{ from: id, type: int }', '{ from: doc, type: json }'] });
    await applyAndConverge(created);
    expect(await rows('SELECT CAST(doc AS CHAR) FROM big_json_new')).toEqual([[stored]]);
  });
});
