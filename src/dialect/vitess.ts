/** Vitess / PlanetScale: MySQL 8 behind vtgate, with its limits. */
import type { Dialect } from './dialect.js';
import { mysqlDialect } from './mysql.js';

export function vitessDialect(version: string): Dialect {
  return { ...mysqlDialect(version), name: 'vitess' };
}
