/**
 * Baseline: the loader a user would write by hand — csv-parse, then `INSERT … VALUES ?` with
 * batches of 1,000 rows on one mysql2 connection (mysql2 escapes the values client-side).
 * Usage: node mysql2-loader.js <database-url> <table> <csv>
 */
import { createReadStream } from 'node:fs';
import { parse } from 'csv-parse';
import mysql from 'mysql2/promise';

const [url, table, csv] = process.argv.slice(2);
const connection = await mysql.createConnection(url);
let header;
let batch = [];
let rows = 0;
const parser = createReadStream(csv).pipe(parse());
for await (const record of parser) {
  if (!header) {
    header = record;
    continue;
  }
  const company = header.indexOf('company');
  if (record[company] === '') record[company] = null;
  batch.push(record);
  if (batch.length === 1000) {
    await connection.query(`INSERT INTO ${mysql.escapeId(table)} (${header.map((name) => mysql.escapeId(name)).join(', ')}) VALUES ?`, [batch]);
    rows += batch.length;
    batch = [];
  }
}
if (batch.length) {
  await connection.query(`INSERT INTO ${mysql.escapeId(table)} (${header.map((name) => mysql.escapeId(name)).join(', ')}) VALUES ?`, [batch]);
  rows += batch.length;
}
await connection.end();
process.stdout.write(`${rows}\n`);
