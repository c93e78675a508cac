/** Picks the dialect from what the server says about itself. */
import type { Db } from '../db/connection.js';
import type { Dialect } from './dialect.js';
import { mariadbDialect } from './mariadb.js';
import { mysqlDialect } from './mysql.js';
import { vitessDialect } from './vitess.js';

export function dialectFor(version: string, versionComment: string): Dialect {
  if (/mariadb/i.test(version) || /mariadb/i.test(versionComment)) return mariadbDialect(version);
  if (/vitess|planetscale/i.test(version) || /vitess|planetscale/i.test(versionComment)) return vitessDialect(version);
  return mysqlDialect(version);
}

export async function detectDialect(db: Db): Promise<Dialect> {
  const [row] = await db.query('SELECT VERSION(), @@version_comment');
  return dialectFor(row?.[0] ?? '', row?.[1] ?? '');
}
