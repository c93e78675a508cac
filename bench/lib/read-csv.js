/**
 * Baseline: a plain read of the source side — stream the CSV through the parser pssync uses
 * (its CSV reader from dist/, csv-parse with the same options), without mapping or coercion.
 * Usage: node read-csv.js <csv>
 */
import { readCsv } from '../../dist/source/csv.js';

const [path] = process.argv.slice(2);
let rows = 0;
const config = { kind: 'csv', name: 'bench', path, delimiter: ',', quote: '"', escape: '"', header: true, nullValues: [], encoding: 'utf-8' };
for await (const record of readCsv(config)) {
  if (record) rows += 1;
}
process.stdout.write(`${rows}\n`);
