/**
 * Adversarial correctness sweep (issue 11): what a careful new user would try against a real
 * server. Each case builds a hand-made table and/or source, applies through the CLI, reads the
 * table back with SQL and checks the exact contents, then checks that a plan right after the
 * apply is empty (`--detailed-exitcode` exit 0), and where it matters applies a changed source.
 * Cases where pssync misbehaves are not here: see docs/sweep-findings.md.
 */
import { describe, expect, it } from 'vitest';
import { dialectOf, useTestDatabase } from '../helpers/database.js';
import { sweepSteps } from '../helpers/sweep.js';
import { useWorkspace } from '../helpers/workspace.js';

const db = useTestDatabase();
const workspace = useWorkspace();
const { project, rows, converged, applyAndConverge, planJson, refused } = sweepSteps(db, workspace);

describe(`adversarial sweep (${dialectOf(db.version)})`, () => {
  it('an unmapped NOT NULL column with a default: inserts get the default, existing values are kept', async () => {
    await db.query("CREATE TABLE with_default (id INT PRIMARY KEY, name VARCHAR(20), status VARCHAR(10) NOT NULL DEFAULT 'new')");
    await db.query("INSERT INTO with_default VALUES (1, 'one', 'vip')");
    workspace.write('with-default.csv', 'id,name\n1,ONE\n2,two\n');
    const file = project('with-default', 'with_default', '{ kind: csv, path: with-default.csv }', { mode: 'upsert' });
    await applyAndConverge(file);
    expect(await rows('SELECT id, name, status FROM with_default ORDER BY id')).toEqual([
      ['1', 'ONE', 'vip'],
      ['2', 'two', 'new'],
    ]);
  });

  it('an unmapped NOT NULL column without a default: mode update works', async () => {
    await db.query('CREATE TABLE no_default (id INT PRIMARY KEY, name VARCHAR(20), owner VARCHAR(10) NOT NULL)');
    await db.query("INSERT INTO no_default VALUES (1, 'one', 'ann'), (2, 'two', 'bob')");
    workspace.write('no-default.csv', 'id,name\n1,ONE\n3,three\n');
    const file = project('no-default-update', 'no_default', '{ kind: csv, path: no-default.csv }', { mode: 'update' });
    await applyAndConverge(file);
    expect(await rows('SELECT id, name, owner FROM no_default ORDER BY id')).toEqual([
      ['1', 'ONE', 'ann'],
      ['2', 'two', 'bob'],
    ]);
  });

  it('a generated STORED and a VIRTUAL column, unmapped: rows are written, the columns computed, no churn', async () => {
    await db.query(
      "CREATE TABLE generated_cols (id INT PRIMARY KEY, price DECIMAL(10,2), qty INT, total DECIMAL(12,2) AS (price * qty) STORED, label VARCHAR(30) AS (CONCAT('#', id, ' x', qty)) VIRTUAL)",
    );
    await db.query('INSERT INTO generated_cols (id, price, qty) VALUES (9, 1, 1)');
    workspace.write('generated.csv', 'id,price,qty\n1,2.50,4\n2,0.10,3\n');
    const file = project('generated', 'generated_cols', '{ kind: csv, path: generated.csv }');
    await applyAndConverge(file);
    expect(await rows('SELECT id, price, qty, total, label FROM generated_cols ORDER BY id')).toEqual([
      ['1', '2.50', '4', '10.00', '#1 x4'],
      ['2', '0.10', '3', '0.30', '#2 x3'],
    ]);
    workspace.write('generated.csv', 'id,price,qty\n1,2.50,5\n2,0.10,3\n');
    await applyAndConverge(file);
    expect(await rows('SELECT id, total, label FROM generated_cols WHERE id = 1')).toEqual([['1', '12.50', '#1 x5']]);
  });

  it('`Email` in the table, `email` in the manifest (and a CSV header `EMAIL`): one column, no new one', async () => {
    await db.query('CREATE TABLE email_case (id INT PRIMARY KEY, Email VARCHAR(100))');
    await db.query("INSERT INTO email_case VALUES (1, 'old@e.com')");
    workspace.write('email-case.csv', 'id,EMAIL\n1,a@e.com\n2,b@e.com\n');
    const file = project('email-case', 'email_case', '{ kind: csv, path: email-case.csv }', { fields: ['{ from: id, to: id }', '{ from: EMAIL, to: email }'] });
    await applyAndConverge(file);
    expect(await rows('SELECT id, Email FROM email_case ORDER BY id')).toEqual([
      ['1', 'a@e.com'],
      ['2', 'b@e.com'],
    ]);
    expect(await rows(`SELECT COLUMN_NAME FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = 'email_case' ORDER BY ORDINAL_POSITION`)).toEqual([['id'], ['Email']]);
    // Without fields, the header names are the columns: `EMAIL` is the table's `Email`.
    const bare = project('email-case-bare', 'email_case', '{ kind: csv, path: email-case.csv }');
    await converged(bare);
  });

  it('an UPPER-CASE table name (`Members`) in the manifest and in the database', async () => {
    await db.query('CREATE TABLE Members (id INT PRIMARY KEY, name VARCHAR(20))');
    await db.query("INSERT INTO Members VALUES (1, 'one'), (5, 'five')");
    workspace.write('members.csv', 'id,name\n1,uno\n2,dos\n');
    const file = project('members', 'Members', '{ kind: csv, path: members.csv }');
    await applyAndConverge(file);
    expect(await rows('SELECT id, name FROM Members ORDER BY id')).toEqual([
      ['1', 'uno'],
      ['2', 'dos'],
    ]);
  });

  it('an AUTO_INCREMENT surrogate primary key, the sync keyed on a UNIQUE column: refused (pssync matches by primary key)', async () => {
    await db.query('CREATE TABLE surrogate (id INT AUTO_INCREMENT PRIMARY KEY, email VARCHAR(100) NOT NULL UNIQUE, name VARCHAR(20))');
    await db.query("INSERT INTO surrogate (email, name) VALUES ('a@e.com', 'a')");
    workspace.write('surrogate.csv', 'email,name\na@e.com,A\nb@e.com,b\n');
    const file = project('surrogate', 'surrogate', '{ kind: csv, path: surrogate.csv }', { mode: 'upsert', key: ['email'] });
    await refused(file, 'PSSYNC_E_PRIMARY_KEY', /primary key \(email\).*has \(id\)/, 'surrogate');
  });

  it('an AUTO_INCREMENT primary key the source provides: written as given, the counter moves past it', async () => {
    await db.query('CREATE TABLE auto_ids (id INT AUTO_INCREMENT PRIMARY KEY, name VARCHAR(20))');
    await db.query("INSERT INTO auto_ids (name) VALUES ('first')");
    workspace.write('auto-ids.csv', 'id,name\n1,first\n100,hundred\n');
    const file = project('auto-ids', 'auto_ids', '{ kind: csv, path: auto-ids.csv }');
    await applyAndConverge(file);
    await db.query("INSERT INTO auto_ids (name) VALUES ('next')");
    expect(await rows('SELECT id, name FROM auto_ids ORDER BY id')).toEqual([
      ['1', 'first'],
      ['100', 'hundred'],
      ['101', 'next'],
    ]);
  });

  it('DECIMAL(65,30): the largest values, negatives and the tiniest fractions, digit for digit', async () => {
    await db.query('CREATE TABLE decimals (id INT PRIMARY KEY, d DECIMAL(65,30))');
    const max = `${'9'.repeat(35)}.${'9'.repeat(30)}`;
    const tiny = `0.${'0'.repeat(29)}1`;
    workspace.write(
      'decimals.csv',
      `id,d\n1,${max}\n2,-${max}\n3,${tiny}\n4,-${tiny}\n5,0\n6,-0.0\n7,12345678901234567890.123456789012345678901234567890\n8,1.${'0'.repeat(30)}4\n`,
    );
    const file = project('decimals', 'decimals', '{ kind: csv, path: decimals.csv }');
    await applyAndConverge(file);
    const zeros = '0'.repeat(30);
    expect(await rows('SELECT id, d FROM decimals ORDER BY id')).toEqual([
      ['1', max],
      ['2', `-${max}`],
      ['3', tiny],
      ['4', `-${tiny}`],
      ['5', `0.${zeros}`],
      ['6', `0.${zeros}`],
      ['7', '12345678901234567890.123456789012345678901234567890'],
      ['8', `1.${zeros}`],
    ]);
    // One digit at the 30th decimal place is a change.
    workspace.write('decimals.csv', `id,d\n1,${max}\n2,-${max}\n3,0.${'0'.repeat(29)}2\n4,-${tiny}\n5,0\n6,0\n7,12345678901234567890.123456789012345678901234567890\n8,1\n`);
    const { plan } = await planJson(file);
    expect(plan.syncs[0]!.rows).toMatchObject({ insert: 0, update: 1, delete: 0 });
    await applyAndConverge(file);
    expect(await rows('SELECT d FROM decimals WHERE id = 3')).toEqual([[`0.${'0'.repeat(29)}2`]]);
    // One more digit than the column holds is a row error, nothing written.
    workspace.write('decimals.csv', `id,d\n1,1${max}\n`);
    await refused(file, 'PSSYNC_E_ROW_VALUE', /decimal/i, 'decimals');
  });

  it('BIT(1), BIT(13), BIT(64) with every bit set', async () => {
    await db.query('CREATE TABLE bits (id INT PRIMARY KEY, b1 BIT(1), b13 BIT(13), b64 BIT(64))');
    workspace.write('bits.csv', 'id,b1,b13,b64\n1,1,8191,18446744073709551615\n2,0,0,0\n3,1,4096,9223372036854775808\n4,,,\n');
    const file = project('bits', 'bits', '{ kind: csv, path: bits.csv }');
    await applyAndConverge(file);
    expect(await rows('SELECT id, CAST(b1 AS UNSIGNED), CAST(b13 AS UNSIGNED), CAST(b64 AS UNSIGNED) FROM bits ORDER BY id')).toEqual([
      ['1', '1', '8191', '18446744073709551615'],
      ['2', '0', '0', '0'],
      ['3', '1', '4096', '9223372036854775808'],
      ['4', null, null, null],
    ]);
    workspace.write('bits.csv', 'id,b1,b13,b64\n1,2,8191,1\n');
    await refused(file, 'PSSYNC_E_ROW_VALUE', /bit/i, 'bits');
  });

  it('YEAR: 1901, 2155 and 0000; 1900 and two-digit years are row errors', async () => {
    await db.query('CREATE TABLE years (id INT PRIMARY KEY, y YEAR)');
    workspace.write('years.csv', 'id,y\n1,1901\n2,2155\n3,0000\n4,2024\n');
    const file = project('years', 'years', '{ kind: csv, path: years.csv }');
    await applyAndConverge(file);
    expect(await rows('SELECT id, CAST(y AS CHAR) FROM years ORDER BY id')).toEqual([
      ['1', '1901'],
      ['2', '2155'],
      ['3', '0000'],
      ['4', '2024'],
    ]);
    workspace.write('years.csv', 'id,y\n1,1900\n');
    await refused(file, 'PSSYNC_E_ROW_VALUE', /1900.*out of range/, 'years');
    workspace.write('years.csv', 'id,y\n1,24\n');
    await refused(file, 'PSSYNC_E_ROW_VALUE', /four-digit year/, 'years');
  });

  it("SET('a','b','c'): members in any order, duplicates, other case, the empty set; no churn", async () => {
    await db.query("CREATE TABLE sets (id INT PRIMARY KEY, s SET('a','b','c'))");
    workspace.write('sets.csv', 'id,s\n1,"c,a"\n2,"b,a,b,a"\n3,""\n4,C\n5,"a,b,c"\n6,\n');
    const file = project('sets', 'sets', '{ kind: csv, path: sets.csv }');
    await applyAndConverge(file);
    expect(await rows('SELECT id, s FROM sets ORDER BY id')).toEqual([
      ['1', 'a,c'],
      ['2', 'a,b'],
      ['3', ''],
      ['4', 'c'],
      ['5', 'a,b,c'],
      ['6', null],
    ]);
    workspace.write('sets.csv', 'id,s\n1,"a,d"\n');
    await refused(file, 'PSSYNC_E_ROW_VALUE', /'d' is not a member of set\('a','b','c'\)/, 'sets');
  });

  it('ENUM: members in another case are stored with the column spelling; a non-member is a row error', async () => {
    await db.query("CREATE TABLE enums (id INT PRIMARY KEY, tier ENUM('Gold','silver','bronze') NOT NULL)");
    workspace.write('enums.csv', 'id,tier\n1,gold\n2,SILVER\n3,bronze\n');
    const file = project('enums', 'enums', '{ kind: csv, path: enums.csv }');
    await applyAndConverge(file);
    expect(await rows('SELECT id, tier FROM enums ORDER BY id')).toEqual([
      ['1', 'Gold'],
      ['2', 'silver'],
      ['3', 'bronze'],
    ]);
    workspace.write('enums.csv', 'id,tier\n1,platinum\n');
    await refused(file, 'PSSYNC_E_ROW_VALUE', /platinum/, 'enums');
  });

  it("zero dates: an existing '0000-00-00' row is kept, updated or deleted; as a source value it is a row error", async () => {
    await db.query('CREATE TABLE zero_dates (id INT PRIMARY KEY, d DATE, dt DATETIME)');
    await db.query("SET SESSION sql_mode = ''");
    await db.query("INSERT INTO zero_dates VALUES (1, '0000-00-00', '0000-00-00 00:00:00'), (2, '0000-00-00', '0000-00-00 00:00:00'), (3, '0000-00-00', NULL)");
    await db.query('SET SESSION sql_mode = DEFAULT');
    // upsert leaves row 3 alone, updates row 1 to real dates, inserts row 4.
    workspace.write('zero-dates.csv', 'id,d,dt\n1,2024-01-02,2024-01-02 03:04:05\n4,2024-02-29,\n');
    const upsert = project('zero-dates-upsert', 'zero_dates', '{ kind: csv, path: zero-dates.csv }', { mode: 'upsert' });
    await applyAndConverge(upsert);
    expect(await rows('SELECT id, d, dt FROM zero_dates ORDER BY id')).toEqual([
      ['1', '2024-01-02', '2024-01-02 03:04:05'],
      ['2', '0000-00-00', '0000-00-00 00:00:00'],
      ['3', '0000-00-00', null],
      ['4', '2024-02-29', null],
    ]);
    // A zero date in the source is refused with its line.
    workspace.write('zero-dates-bad.csv', 'id,d,dt\n1,2024-01-02,2024-01-02 03:04:05\n2,0000-00-00,0000-00-00 00:00:00\n');
    const bad = project('zero-dates-bad', 'zero_dates', '{ kind: csv, path: zero-dates-bad.csv }', { mode: 'upsert' });
    await refused(bad, 'PSSYNC_E_ROW_VALUE', /zero date/, 'zero_dates');
    // A mirror deletes the zero-dated rows it does not have.
    workspace.write('zero-dates.csv', 'id,d,dt\n1,2024-01-02,2024-01-02 03:04:05\n4,2024-02-29,\n');
    const mirror = project('zero-dates-mirror', 'zero_dates', '{ kind: csv, path: zero-dates.csv }', { mode: 'mirror' });
    await applyAndConverge(mirror);
    expect(await rows('SELECT id FROM zero_dates ORDER BY id')).toEqual([['1'], ['4']]);
  });

  it('1 MB into MEDIUMTEXT and LONGTEXT (multi-byte characters); over 64 KB into TEXT is a row error', async () => {
    await db.query('CREATE TABLE big_texts (id INT PRIMARY KEY, m MEDIUMTEXT, l LONGTEXT)');
    const ascii = 'x'.repeat(1024 * 1024);
    const multi = 'é€😀中'.repeat(100_000); // 2+3+4+3 bytes: 1.2 MB, 400,000 characters
    workspace.write('big.ndjson', `${JSON.stringify({ id: 1, m: ascii, l: multi })}\n${JSON.stringify({ id: 2, m: multi, l: ascii })}\n`);
    const file = project('big', 'big_texts', '{ kind: ndjson, path: big.ndjson }');
    await applyAndConverge(file);
    expect(await rows('SELECT id, LENGTH(m), CHAR_LENGTH(m), LENGTH(l), CHAR_LENGTH(l), MD5(m) = MD5(?), MD5(l) = MD5(?) FROM big_texts WHERE id = 1', [ascii, multi])).toEqual([
      ['1', '1048576', '1048576', '1200000', '400000', '1', '1'],
    ]);
    expect(await rows(`SELECT LENGTH(m), CHAR_LENGTH(m), LENGTH(l) FROM big_texts WHERE id = 2`)).toEqual([['1200000', '400000', '1048576']]);
    // One character changed in the middle is one update.
    const changed = `${multi.slice(0, 600_000)}Z${multi.slice(600_001)}`;
    workspace.write('big.ndjson', `${JSON.stringify({ id: 1, m: ascii, l: changed })}\n${JSON.stringify({ id: 2, m: multi, l: ascii })}\n`);
    const { plan } = await planJson(file);
    expect(plan.syncs[0]!.rows).toMatchObject({ insert: 0, update: 1, delete: 0 });
    await db.query('CREATE TABLE small_text (id INT PRIMARY KEY, t TEXT)');
    workspace.write('too-big.ndjson', `${JSON.stringify({ id: 1, t: 'y'.repeat(65_536) })}\n`);
    await refused(project('too-big', 'small_text', '{ kind: ndjson, path: too-big.ndjson }'), 'PSSYNC_E_ROW_VALUE', /65536 bytes is longer than text/, 'small_text');
  });

  it('JSON: big integers kept digit for digit, key order and spacing are not changes', async () => {
    await db.query('CREATE TABLE docs (id INT PRIMARY KEY, doc JSON)');
    await db.query(`INSERT INTO docs VALUES (2, '{"z": 1, "a": [1, 2]}')`);
    workspace.write(
      'docs.ndjson',
      `{"id":1,"doc":{"b":12345678901234567890,"a":{"y":-9223372036854775808,"x":0.1}}}\n{"id":2,"doc":{"a":[1,2],"z":1}}\n{"id":3,"doc":"{\\"k\\": \\"v\\"}"}\n`,
    );
    const file = project('docs', 'docs', '{ kind: ndjson, path: docs.ndjson }');
    const { plan } = await planJson(file);
    expect(plan.syncs[0]!.rows).toMatchObject({ insert: 2, update: 0, delete: 0 });
    await applyAndConverge(file);
    // Stored in pssync's canonical form (sorted keys, no spaces), every digit kept.
    expect(await rows('SELECT id, CAST(doc AS CHAR) FROM docs ORDER BY id')).toEqual([
      ['1', '{"a":{"x":0.1,"y":-9223372036854775808},"b":12345678901234567890}'],
      ['2', '{"z": 1, "a": [1, 2]}'],
      ['3', '{"k":"v"}'],
    ]);
    expect(await rows(`SELECT CAST(JSON_EXTRACT(doc, '$.b') AS CHAR), CAST(JSON_EXTRACT(doc, '$.a.y') AS CHAR) FROM docs WHERE id = 1`)).toEqual([['12345678901234567890', '-9223372036854775808']]);
    // The same documents with keys in another order: no change.
    workspace.write('docs.ndjson', `{"id":1,"doc":{"a":{"x":0.1,"y":-9223372036854775808},"b":12345678901234567890}}\n{"id":2,"doc":{"z":1,"a":[1,2]}}\n{"id":3,"doc":{"k":"v"}}\n`);
    await converged(file);
  });

  it('a latin1 column: accented text is stored as latin1 bytes and converges', async () => {
    await db.query('CREATE TABLE latin (id INT PRIMARY KEY, name VARCHAR(20) CHARACTER SET latin1)');
    workspace.write('latin.csv', 'id,name\n1,café\n2,Ærø\n');
    const file = project('latin', 'latin', '{ kind: csv, path: latin.csv }');
    await applyAndConverge(file);
    expect(await rows('SELECT id, name, HEX(name) FROM latin ORDER BY id')).toEqual([
      ['1', 'café', '636166E9'],
      ['2', 'Ærø', 'C672F8'],
    ]);
  });

  it('DATETIME(6) and TIME(3): fractions kept, rounded like the server; offsets converted to UTC', async () => {
    await db.query('CREATE TABLE moments (id INT PRIMARY KEY, dt6 DATETIME(6), dt0 DATETIME, t3 TIME(3))');
    workspace.write(
      'moments.csv',
      'id,dt6,dt0,t3\n1,2024-01-02 03:04:05.123456,2024-01-02 03:04:05.5,12:34:56.7895\n2,2024-01-02T08:34:05.000001+05:30,2024-12-31 23:59:59.6,-838:59:59\n',
    );
    const file = project('moments', 'moments', '{ kind: csv, path: moments.csv }');
    await applyAndConverge(file);
    expect(await rows('SELECT id, dt6, dt0, t3 FROM moments ORDER BY id')).toEqual([
      ['1', '2024-01-02 03:04:05.123456', '2024-01-02 03:04:06', '12:34:56.790'],
      ['2', '2024-01-02 03:04:05.000001', '2025-01-01 00:00:00', '-838:59:59.000'],
    ]);
  });

  it('NULL and the empty string stay distinct; a quoted "NULL" is text', async () => {
    await db.query("CREATE TABLE nulls (id INT PRIMARY KEY, a VARCHAR(10), b VARCHAR(10) NOT NULL DEFAULT 'x')");
    workspace.write('nulls.csv', 'id,a,b\n1,,""\n2,"",y\n3,NULL,"NULL"\n');
    const file = project('nulls', 'nulls', '{ kind: csv, path: nulls.csv }');
    await applyAndConverge(file);
    expect(await rows('SELECT id, a, b FROM nulls ORDER BY id')).toEqual([
      ['1', null, ''],
      ['2', '', 'y'],
      ['3', 'NULL', 'NULL'],
    ]);
  });

  it("the server's global time_zone is '+05:30': DATETIME as given, TIMESTAMP in UTC, offsets converted, no churn, no shift", async () => {
    // pssync's sessions run in UTC whatever the server's default; the test's session too. Rows
    // written by a +05:30 session before the sync must compare as the instants they are.
    await db.query('CREATE TABLE moments_tz (id INT PRIMARY KEY, dt DATETIME, ts TIMESTAMP NULL)');
    await db.query("SET SESSION time_zone = '+05:30'");
    await db.query("INSERT INTO moments_tz VALUES (1, '2024-01-01 10:00:00', '2024-01-01 10:00:00')");
    await db.query('CREATE TABLE instants (id INT PRIMARY KEY, ts TIMESTAMP NULL, dt DATETIME)');
    await db.query("INSERT INTO instants VALUES (1, '2024-06-01 12:00:00', '2024-06-01 12:00:00')");
    await db.query("SET SESSION time_zone = '+00:00'");
    const zone = (await db.query<{ zone: string }>('SELECT @@GLOBAL.time_zone AS zone'))[0]!.zone;
    await db.query("SET GLOBAL time_zone = '+05:30'");
    try {
      workspace.write(
        'moments-tz.csv',
        'id,dt,ts\n1,2024-01-01 10:00:00,2024-01-01 04:30:00\n2,2024-01-02T08:34:05+05:30,2024-01-02T08:34:05+05:30\n3,2024-03-10 02:30:00,2024-03-10T02:30:00Z\n4,2038-01-19 03:14:07,2038-01-19 03:14:07\n',
      );
      const file = project('moments-tz', 'moments_tz', '{ kind: csv, path: moments-tz.csv }');
      const { plan } = await planJson(file);
      expect(plan.syncs[0]!.rows).toMatchObject({ insert: 3, update: 0, delete: 0 });
      await applyAndConverge(file);
      expect(await rows('SELECT id, dt, ts, UNIX_TIMESTAMP(ts) FROM moments_tz ORDER BY id')).toEqual([
        ['1', '2024-01-01 10:00:00', '2024-01-01 04:30:00', '1704083400'],
        ['2', '2024-01-02 03:04:05', '2024-01-02 03:04:05', '1704164645'],
        ['3', '2024-03-10 02:30:00', '2024-03-10 02:30:00', '1710037800'],
        ['4', '2038-01-19 03:14:07', '2038-01-19 03:14:07', '2147483647'],
      ]);
      // A TIMESTAMP read by a kind: mysql query arrives in UTC, a DATETIME as stored.
      const query = project('instants', 'instants_copy', '{ kind: mysql, url: "${TEST_DATABASE_URL}", query: "SELECT id, ts, dt FROM instants" }', {
        fields: ['{ from: id, to: id, type: int }', '{ from: ts, to: ts, type: timestamp }', '{ from: dt, to: dt, type: datetime }'],
      });
      await applyAndConverge(query);
      expect(await rows('SELECT id, ts, dt FROM instants_copy')).toEqual([['1', '2024-06-01 06:30:00', '2024-06-01 12:00:00']]);
      // Out of TIMESTAMP's range (in UTC) is a row error, not the server's zero value.
      workspace.write('moments-tz.csv', 'id,dt,ts\n1,2024-01-01 10:00:00,2038-01-19 03:14:08\n');
      await refused(file, 'PSSYNC_E_ROW_VALUE', /out of range for timestamp/, 'moments_tz');
    } finally {
      await db.query('SET GLOBAL time_zone = ?', [zone]);
    }
  });

  it('FLOAT, DOUBLE, TINYINT(1) booleans, CHAR padding, BINARY(4) padding and VARBINARY(10) filled from CSV text: no churn', async () => {
    await db.query('CREATE TABLE scalars (id INT PRIMARY KEY, f FLOAT, d DOUBLE, b TINYINT(1), c CHAR(5), bn BINARY(4), vb VARBINARY(10))');
    workspace.write('scalars.csv', 'id,f,d,b,c,bn,vb\n1,3.14159265,0.1,true,"ab  ",ab,éééé\n2,16777217,1e308,false,abcde,abcd,0123456789\n3,0.1,-0,1,"",,""\n');
    const file = project('scalars', 'scalars', '{ kind: csv, path: scalars.csv }');
    await applyAndConverge(file);
    expect(await rows('SELECT id, CAST(f AS CHAR), CAST(d AS CHAR), b, c, HEX(bn), HEX(vb) FROM scalars ORDER BY id')).toEqual([
      ['1', '3.14159', '0.1', '1', 'ab', '61620000', 'C3A9C3A9C3A9C3A9'],
      ['2', '16777200', '1e308', '0', 'abcde', '61626364', '30313233343536373839'],
      ['3', '0.1', '0', '1', '', null, ''],
    ]);
    workspace.write('scalars.csv', 'id,f,d,b,c,bn,vb\n1,1e39,1,1,a,a,a\n2,1,1,1,abcdef,a,a\n3,1,1,1,a,abcde,a\n4,1,1,1,a,a,01234567890\n');
    const { plan } = await planJson(file);
    expect(plan.syncs[0]!.errors.map((error) => [error.line, error.code, error.message])).toEqual([
      [2, 'PSSYNC_E_ROW_VALUE', expect.stringMatching(/`f`.*out of range for float/)],
      [3, 'PSSYNC_E_ROW_VALUE', expect.stringMatching(/`c`.*longer than char\(5\)/)],
      [4, 'PSSYNC_E_ROW_VALUE', expect.stringMatching(/`bn`.*5 bytes is longer than binary\(4\)/)],
      [5, 'PSSYNC_E_ROW_VALUE', expect.stringMatching(/`vb`.*11 bytes is longer than varbinary\(10\)/)],
      [undefined, 'PSSYNC_E_REJECTS_EXCEEDED', expect.any(String)],
    ]);
  });
});
