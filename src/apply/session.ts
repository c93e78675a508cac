import type { Db } from '../db/connection.js';
import type { Dialect } from '../dialect/dialect.js';

/** One destination as apply sees it: its write connection, its dialect, its database name. */
export interface DestinationSession {
  readonly db: Db;
  readonly dialect: Dialect;
  readonly database: string;
}
