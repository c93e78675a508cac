// Regenerates the example's warehouse export (run from the repository root):
//   node examples/multi-file-csv/make-data.mjs
// data/export/revenue-00000000000N.csv.gz: what BigQuery's `EXPORT DATA … uri='…/revenue-*.csv.gz'`
// (or Snowflake's COPY INTO) leaves behind: gzip parts, each with the header row, split at
// arbitrary rows, plus a _SUCCESS marker that the glob does not match.
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';

const here = dirname(fileURLToPath(import.meta.url));
const out = join(here, 'data', 'export');
rmSync(out, { recursive: true, force: true });
mkdirSync(out, { recursive: true });

const regions = ['emea', 'amer', 'apac'];
const rows = [];
for (let day = 1; day <= 30; day++) {
  for (const [index, region] of regions.entries()) {
    const orders = 40 + ((day * 17 + index * 29) % 60);
    const cents = orders * (2500 + ((day * 131 + index * 977) % 4000));
    const refunds = day % 7 === index ? '' : String((day + index) % 4); // "" = not reported yet: NULL
    rows.push(`2026-11-${String(day).padStart(2, '0')},${region},${orders},${(cents / 100).toFixed(2)},${refunds}`);
  }
}
const header = 'day,region,orders,revenue,refunds';
const parts = [rows.slice(0, 31), rows.slice(31, 62), rows.slice(62)];
parts.forEach((part, n) => {
  const name = `revenue-${String(n).padStart(12, '0')}.csv.gz`;
  // mtime 0 in the gzip header, so regenerating writes the same bytes.
  writeFileSync(join(out, name), gzipSync(`${header}\n${part.join('\n')}\n`, { level: 9 }));
});
writeFileSync(join(out, '_SUCCESS'), '');
console.log(`wrote ${parts.length} parts, ${rows.length} rows, to ${out}`);
