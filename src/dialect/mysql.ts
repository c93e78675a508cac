/** MySQL 8.0: the base dialect. */
import type { ColumnType } from '../model/column-type.js';
import { errorText } from '../model/errors.js';
import { BASE_CAPABILITIES, DDL_REFUSED_TEXT, type Dialect, errorNumber } from './dialect.js';

/** ER_TABLEACCESS_DENIED_ERROR, ER_DBACCESS_DENIED_ERROR, ER_SPECIFIC_ACCESS_DENIED_ERROR */
const PRIVILEGE_ERRORS = new Set([1142, 1044, 1227]);

export function mysqlDialect(version: string): Dialect {
  return {
    name: 'mysql',
    version,
    caps: BASE_CAPABILITIES,
    sameType: (declared: ColumnType, live: ColumnType) => declared.sql === live.sql,
    isDdlRefused(error) {
      // PlanetScale safe migrations answer every DDL with 1105 "direct DDL is disabled";
      // 1105 is generic, so the text decides. A user without DDL privileges is the same situation.
      if (DDL_REFUSED_TEXT.test(errorText(error))) return true;
      const errno = errorNumber(error);
      return errno !== undefined && PRIVILEGE_ERRORS.has(errno) && /\b(CREATE|ALTER|DROP)\b/i.test(errorText(error));
    },
  };
}
