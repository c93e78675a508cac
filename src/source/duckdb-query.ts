/**
 * `kind: duckdb`: a query run by an embedded DuckDB, usually over local files
 * (`read_parquet('exports/*.parquet')`, `read_csv(…)`), optionally on a database file opened
 * read-only. Relative file paths in the query resolve against the manifest's folder
 * (DuckDB's `file_search_path`). The result is streamed a chunk (2,048 rows) at a time.
 *
 * DuckDB (@duckdb/node-api, with its own binaries from npm) is an optional dependency, loaded
 * only when a duckdb source is read: without it pssync runs, and this source says how to
 * install it. Only this file imports it.
 *
 * Values, exactly: BIGINT, HUGEINT and unsigned → exact integers; DECIMAL → the exact decimal;
 * DOUBLE, FLOAT, smaller integers → numbers; DATE → 'YYYY-MM-DD'; TIMESTAMP (s, ms, µs, ns) and
 * TIMESTAMPTZ → 'YYYY-MM-DD HH:MM:SS.fff…' in UTC, every digit of the unit; TIME → 'HH:MM:SS.ffffff';
 * BLOB → bytes; JSON → the parsed value; LIST, ARRAY → arrays; STRUCT, MAP → objects;
 * UUID, INTERVAL, BIT, TIMETZ and the rest → their text. Row numbers count from 1.
 */
import { errorText } from '../model/errors.js';
import type { DuckdbSourceConfig } from '../manifest/types.js';
import { ExactNumber, decimalText } from './exact-number.js';
import { JsonSyntaxError, parseJsonValue } from './json-value.js';
import { dateText, timeText, timestampText } from './parquet.js';
import { SourceError, type SourceRow } from './source.js';

type Duck = typeof import('@duckdb/node-api');

export const DUCKDB_PACKAGE = '@duckdb/node-api';

/** The DuckDB module, or a SourceError that says how to install it. */
export async function loadDuckdb(where: string, specifier: string = DUCKDB_PACKAGE): Promise<Duck> {
  try {
    return (await import(specifier)) as Duck;
  } catch (error) {
    const code = (error as { code?: string }).code;
    if (code === 'ERR_MODULE_NOT_FOUND' || code === 'MODULE_NOT_FOUND') {
      throw new SourceError(
        where,
        `kind: duckdb needs DuckDB, an optional dependency that is not installed: run \`npm install ${DUCKDB_PACKAGE}\` where pssync is installed (\`npm install -g ${DUCKDB_PACKAGE}\` for a global pssync) (${errorText(error)})`,
        undefined,
        { cause: error },
      );
    }
    throw new SourceError(where, `DuckDB (${DUCKDB_PACKAGE}) is installed but does not load: ${errorText(error)}`, undefined, { cause: error });
  }
}

export async function* readDuckdbQuery(config: DuckdbSourceConfig, specifier: string = DUCKDB_PACKAGE): AsyncGenerator<SourceRow> {
  const where = `source "${config.name}"`;
  const duck = await loadDuckdb(where, specifier);
  let instance: InstanceType<Duck['DuckDBInstance']>;
  try {
    instance = await duck.DuckDBInstance.create(config.database ?? ':memory:', {
      file_search_path: config.dir,
      ...(config.database !== undefined ? { access_mode: 'READ_ONLY' } : {}),
    });
  } catch (error) {
    const what = config.database !== undefined ? `the DuckDB database ${config.database}` : 'DuckDB';
    throw new SourceError(where, `cannot open ${what}: ${errorText(error)}`, undefined, { cause: error });
  }
  let connection: Awaited<ReturnType<typeof instance.connect>> | undefined;
  let rowNumber = 0;
  try {
    connection = await instance.connect();
    const result = await connection.stream(config.query);
    const names = checkNames(where, result.columnNames());
    const types = result.columnTypes();
    const convert = valueConverter(duck);
    const json = types.map((type) => type.alias === 'JSON');
    for (;;) {
      const chunk = await result.fetchChunk();
      if (!chunk || chunk.rowCount === 0) break;
      for (const values of chunk.getRows()) {
        rowNumber++;
        const fields: Record<string, unknown> = {};
        for (let index = 0; index < names.length; index++) {
          const value = values[index] ?? null;
          fields[names[index]!] = json[index] && typeof value === 'string' ? jsonValue(where, names[index]!, value, rowNumber) : convert(value);
        }
        yield { fields, line: rowNumber };
      }
    }
  } catch (error) {
    if (error instanceof SourceError) throw error;
    const what = rowNumber === 0 ? 'the query failed' : `the query failed after ${rowNumber} row(s)`;
    throw new SourceError(where, `${what}: ${errorText(error)}`, rowNumber === 0 ? undefined : rowNumber + 1, { cause: error });
  } finally {
    connection?.closeSync();
    instance.closeSync();
  }
}

function checkNames(where: string, names: readonly string[]): readonly string[] {
  if (names.length === 0) throw new SourceError(where, 'the query returns no columns: a duckdb source needs a SELECT (or another statement with a result set)');
  const seen = new Set<string>();
  for (const name of names) {
    if (seen.has(name)) throw new SourceError(where, `the query returns two columns named \`${name}\`; give one an alias (… AS other_name)`);
    seen.add(name);
  }
  return names;
}

function jsonValue(where: string, column: string, text: string, row: number): unknown {
  try {
    return parseJsonValue(text);
  } catch (error) {
    if (!(error instanceof JsonSyntaxError)) throw error;
    throw new SourceError(where, `column \`${column}\` is not valid JSON: ${error.message}`, row, { cause: error });
  }
}

/** Date's range (±8.64e15 ms): values beyond it (DuckDB's infinity) keep DuckDB's text. */
const MAX_MILLIS = 8_640_000_000_000_000n;
const MAX_DAYS = 100_000_000;

/** DuckDB values (node-api's classes) → source values, as the header describes. */
function valueConverter(duck: Duck): (value: unknown) => unknown {
  const stamp = (units: bigint, perMilli: bigint, digits: number, value: object): string =>
    units / perMilli > MAX_MILLIS || units / perMilli < -MAX_MILLIS ? String(value) : timestampText(units, digits);
  const convert = (value: unknown): unknown => {
    if (value === null || typeof value !== 'object') return value;
    if (value instanceof duck.DuckDBDecimalValue) return new ExactNumber(decimalText(value.value, value.scale));
    if (value instanceof duck.DuckDBTimestampValue || value instanceof duck.DuckDBTimestampTZValue) return stamp(value.micros, 1000n, 6, value);
    if (value instanceof duck.DuckDBTimestampMillisecondsValue) return stamp(value.millis, 1n, 3, value);
    if (value instanceof duck.DuckDBTimestampNanosecondsValue) return stamp(value.nanos, 1_000_000n, 9, value);
    if (value instanceof duck.DuckDBTimestampSecondsValue) return stamp(value.seconds * 1000n, 1n, 3, value).replace(/\.000$/, '');
    if (value instanceof duck.DuckDBDateValue) return Math.abs(value.days) > MAX_DAYS ? String(value) : dateText(value.days);
    if (value instanceof duck.DuckDBTimeValue) return timeText(value.micros, 6);
    if (value instanceof duck.DuckDBBlobValue) return Buffer.from(value.bytes);
    if (value instanceof duck.DuckDBListValue || value instanceof duck.DuckDBArrayValue) return value.items.map(convert);
    if (value instanceof duck.DuckDBStructValue) {
      const object: Record<string, unknown> = {};
      for (const [key, entry] of Object.entries(value.entries)) object[key] = convert(entry);
      return object;
    }
    if (value instanceof duck.DuckDBMapValue) {
      const object: Record<string, unknown> = {};
      for (const { key, value: entry } of value.entries) object[String(convert(key))] = convert(entry);
      return object;
    }
    if (value instanceof duck.DuckDBUnionValue) return convert(value.value);
    return String(value);
  };
  return convert;
}
