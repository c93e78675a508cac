/**
 * Baseline (fixed, issue 12): the source side read as fast as a well-kept library reads it —
 * PapaParse streaming the CSV file record by record, nothing else. With `SELECT *` streamed after
 * it, this is the "read both sides" floor a no-op plan is measured against.
 * Usage: node read-csv-papaparse.js <csv>
 */
import { createReadStream } from 'node:fs';
import Papa from 'papaparse';

const [path] = process.argv.slice(2);
let records = 0;
await new Promise((resolve, reject) => {
  Papa.parse(createReadStream(path, 'utf8'), { step: () => (records += 1), complete: resolve, error: reject });
});
// The header is a record to PapaParse.
process.stdout.write(`${records - 1}\n`);
