// Regenerates the binary example files from readable values (run from the repository root):
//   node examples/sources/make-data.mjs
// data/orders.parquet: INT64 ids, DECIMAL(12,2), TIMESTAMP(MICROS), DATE, a nested struct, a list.
// data/page_views.csv.gz: a gzip-compressed, semicolon-delimited CSV with \N for NULL.
import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { parquetWriteBuffer } from 'hyparquet-writer';

const here = dirname(fileURLToPath(import.meta.url));

const orders = [
  { id: 9007199254740993n, customer_id: 1001n, total: '1249.99', placed_at: '2026-03-01T09:15:30.123456Z', ship_by: '2026-03-04', shipping: { country: 'NO', postcode: '0150' }, items: ['keyboard', 'mouse'] },
  { id: 9007199254740994n, customer_id: 1002n, total: '18.50', placed_at: '2026-03-01T10:02:00.000001Z', ship_by: '2026-03-03', shipping: { country: 'SE', postcode: null }, items: ['cable'] },
  { id: 9007199254740995n, customer_id: 1001n, total: '0.99', placed_at: '2026-03-02T23:59:59.999999Z', ship_by: null, shipping: null, items: [] },
  { id: 9007199254740996n, customer_id: 1003n, total: '123456789.01', placed_at: '2026-03-03T00:00:00Z', ship_by: '2026-03-10', shipping: { country: 'DK', postcode: '1050' }, items: ['server', 'rack', 'ups'] },
];

/** Microseconds since 1970 of an ISO instant with up to 6 fractional digits. */
const micros = (iso) => BigInt(Date.parse(iso.replace(/\.\d+Z$/, 'Z'))) * 1000n + BigInt((/\.(\d+)Z$/.exec(iso)?.[1] ?? '').padEnd(6, '0'));
const days = (date) => (date === null ? null : Date.parse(`${date}T00:00:00Z`) / 86_400_000);
const cents = (text) => BigInt(text.replace('.', ''));

const columnData = [
  { name: 'id', data: orders.map((order) => order.id) },
  { name: 'customer_id', data: orders.map((order) => order.customer_id) },
  { name: 'total', data: orders.map((order) => cents(order.total)) },
  { name: 'placed_at', data: orders.map((order) => micros(order.placed_at)) },
  { name: 'ship_by', data: orders.map((order) => days(order.ship_by)) },
  { name: 'shipping', data: orders.map((order) => order.shipping) },
  { name: 'items', data: orders.map((order) => order.items) },
];
const schema = [
  { name: 'root', num_children: columnData.length },
  { name: 'id', type: 'INT64', repetition_type: 'REQUIRED' },
  { name: 'customer_id', type: 'INT64', repetition_type: 'REQUIRED' },
  { name: 'total', type: 'INT64', converted_type: 'DECIMAL', scale: 2, precision: 12, repetition_type: 'REQUIRED' },
  { name: 'placed_at', type: 'INT64', logical_type: { type: 'TIMESTAMP', isAdjustedToUTC: true, unit: 'MICROS' }, repetition_type: 'REQUIRED' },
  { name: 'ship_by', type: 'INT32', converted_type: 'DATE', repetition_type: 'OPTIONAL' },
  { name: 'shipping', repetition_type: 'OPTIONAL', num_children: 2 },
  { name: 'country', type: 'BYTE_ARRAY', converted_type: 'UTF8', repetition_type: 'REQUIRED' },
  { name: 'postcode', type: 'BYTE_ARRAY', converted_type: 'UTF8', repetition_type: 'OPTIONAL' },
  { name: 'items', repetition_type: 'OPTIONAL', converted_type: 'LIST', num_children: 1 },
  { name: 'list', repetition_type: 'REPEATED', num_children: 1 },
  { name: 'element', type: 'BYTE_ARRAY', converted_type: 'UTF8', repetition_type: 'REQUIRED' },
];
writeFileSync(join(here, 'data/orders.parquet'), Buffer.from(parquetWriteBuffer({ columnData, schema, createdBy: 'pssync examples/sources/make-data.mjs' })));

const pageViews = [
  'url;viewed_on;views;avg_seconds;referrer',
  '/pricing;2026-03-01;1520;41.5;\\N',
  '/docs/getting-started;2026-03-01;987;183.25;"news.example.com"',
  '/pricing;2026-03-02;1704;39.75;"search; paid"',
  '/blog/launch;2026-03-02;12;\\N;""',
].join('\n');
writeFileSync(join(here, 'data/page_views.csv.gz'), gzipSync(`${pageViews}\n`, { level: 9 }));
