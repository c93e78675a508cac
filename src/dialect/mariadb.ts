/** MariaDB 10.x/11.x: JSON is an alias of LONGTEXT with a json_valid check. */
import type { Dialect } from './dialect.js';
import { mysqlDialect } from './mysql.js';

export function mariadbDialect(version: string): Dialect {
  const base = mysqlDialect(version);
  return {
    ...base,
    name: 'mariadb',
    caps: { ...base.caps, jsonIsLongtext: true },
    sameType: (declared, live) =>
      base.sameType(declared, live) || (declared.family === 'json' && live.name === 'longtext'),
  };
}
