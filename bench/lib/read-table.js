/**
 * Baseline: a plain read of the destination side — stream `SELECT *` of the table through mysql2.
 * Usage: node read-table.js <database-url> <table>
 */
import mysql from 'mysql2';

const [url, table] = process.argv.slice(2);
const connection = mysql.createConnection(url);
let rows = 0;
await new Promise((resolve, reject) => {
  connection
    .query({ sql: `SELECT * FROM ${mysql.escapeId(table)}`, rowsAsArray: true })
    .stream({ highWaterMark: 1000 })
    .on('data', () => (rows += 1))
    .on('error', reject)
    .on('end', resolve);
});
connection.end();
process.stdout.write(`${rows}\n`);
