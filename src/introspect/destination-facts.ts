/** Database-wide facts a plan needs: the dialect, the default collation, how many tables exist. */
import type { Db } from '../db/connection.js';
import { detectDialect } from '../dialect/detect.js';
import type { Dialect } from '../dialect/dialect.js';
import { countTables } from './introspect.js';

export interface DestinationFacts {
  readonly dialect: Dialect;
  /** Collation new text columns get (decides key equality before the column exists). */
  readonly defaultCollation?: string;
  readonly tableCount: number;
}

export async function readDestinationFacts(db: Db): Promise<DestinationFacts> {
  const dialect = await detectDialect(db);
  const [row] = await db.query('SELECT @@collation_database');
  const defaultCollation = row?.[0] ?? undefined;
  return { dialect, ...(defaultCollation ? { defaultCollation } : {}), tableCount: await countTables(db) };
}
