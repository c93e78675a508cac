/**
 * A dialect is a value with capabilities. Planner and executor ask it questions
 * (`caps.maxRowsPerStatement`, `sameType`, `isDdlRefused`), never "is this MariaDB?".
 * MySQL 8 is the base; MariaDB and Vitess override small, named pieces.
 */
import type { ColumnType } from '../model/column-type.js';

export type DialectName = 'mysql' | 'mariadb' | 'vitess';

export interface Capabilities {
  /** Rows in one INSERT/UPDATE/DELETE (PlanetScale refuses more than 100,000). */
  readonly maxRowsPerStatement: number;
  /** Tables per database (PlanetScale: 2,048). */
  readonly maxTables: number;
  /** Transaction time to aim for; PlanetScale kills transactions after 20 s. */
  readonly targetStatementMs: number;
  /** Whether the server stores JSON as LONGTEXT (MariaDB), so a live `longtext` may be a JSON column. */
  readonly jsonIsLongtext: boolean;
}

export interface Dialect {
  readonly name: DialectName;
  /** Server version as reported by VERSION(). */
  readonly version: string;
  readonly caps: Capabilities;
  /** Whether a declared type and the live column type store values identically. */
  sameType(declared: ColumnType, live: ColumnType): boolean;
  /** Whether a failed statement means "this destination refuses DDL" (PlanetScale safe migrations). */
  isDdlRefused(error: unknown): boolean;
}

export const BASE_CAPABILITIES: Capabilities = {
  maxRowsPerStatement: 100_000,
  maxTables: 2_048,
  targetStatementMs: 2_000,
  jsonIsLongtext: false,
};

export function errorNumber(error: unknown): number | undefined {
  const errno = (error as { errno?: unknown } | null)?.errno;
  return typeof errno === 'number' ? errno : undefined;
}

/** Server error numbers pssync reacts to by number. */
export const ER_TABLE_EXISTS = 1050;
export const ER_DUP_FIELDNAME = 1060;

/**
 * PlanetScale safe migrations (and Vitess without DDL) refuse DDL with a generic 1105: the text
 * decides (dialects, error classification).
 */
export const DDL_REFUSED_TEXT = /direct DDL is disabled|Data Definition Language is not supported/i;
