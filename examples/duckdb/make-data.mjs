// Regenerates the example's model export (run from the repository root; needs DuckDB,
// `@duckdb/node-api`, which `npm ci` installs as an optional dependency):
//   node examples/duckdb/make-data.mjs
// data/scores/part-0000N.parquet: three parts of a churn model's scores, as a warehouse export
// writes them (INT64 ids beyond 2^53, DOUBLE, DECIMAL(5,4), TIMESTAMP WITH TIME ZONE, a LIST and a STRUCT).
// data/users.csv (hand-written, committed as is) is the lookup the query joins in.
import { mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DuckDBInstance } from '@duckdb/node-api';

const here = dirname(fileURLToPath(import.meta.url));
const out = join(here, 'data', 'scores');
mkdirSync(out, { recursive: true });

const instance = await DuckDBInstance.create(':memory:');
const connection = await instance.connect();
await connection.run("SET TimeZone = 'UTC'");
// 30 users, 10 per part; user 9007199254740993 is in part 0, beyond a double's exact integers.
for (let part = 0; part < 3; part++) {
  const file = join(out, `part-0000${part}.parquet`).replaceAll("'", "''");
  await connection.run(`
    COPY (
      SELECT
        CASE WHEN i = 1 THEN 9007199254740993 ELSE i END::BIGINT AS user_id,
        round(((i * 37) % 100) / 100.0, 2)::DOUBLE AS churn_probability,
        (((i * 53) % 10000) / 10000.0)::DECIMAL(5,4) AS calibrated_score,
        TIMESTAMPTZ '2026-12-01 06:00:00+00' + to_microseconds(i * 1234567) AS scored_at,
        list_value('tenure', CASE WHEN i % 2 = 0 THEN 'support_tickets' ELSE 'usage_drop' END) AS top_features,
        struct_pack(name := 'churn-xgb', version := 7 + part) AS model
      FROM (SELECT unnest(range(${part * 10 + 1}, ${part * 10 + 11})) AS i, ${part} AS part)
      ORDER BY i
    ) TO '${file}' (FORMAT parquet, COMPRESSION zstd)`);
}
connection.closeSync();
instance.closeSync();
console.log(`wrote ${out}/part-00000..2.parquet`);
