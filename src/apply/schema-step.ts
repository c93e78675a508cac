/**
 * The table's DDL, run once by its first sync: CREATE TABLE sent again after its answer was lost
 * finds the table it made; a column another writer added first is benign only when it is the very
 * column planned (ddl-race.ts); a destination that refuses DDL gets the DDL to deploy itself.
 */
import { ER_DUP_FIELDNAME, ER_TABLE_EXISTS, errorNumber, type Dialect } from '../dialect/dialect.js';
import { introspectTable } from '../introspect/introspect.js';
import { errorMessage, PssyncError } from '../model/errors.js';
import { schemaChangeSql, type SchemaChange } from '../plan/schema-change.js';
import { addedColumnsOf, createdTableMismatch, raceMismatch } from './ddl-race.js';
import type { StatementRunner } from './statement-runner.js';

export async function runSchemaChange(runner: StatementRunner, dialect: Dialect, change: SchemaChange, ddl: readonly string[]): Promise<void> {
  const statement = schemaChangeSql(change);
  try {
    await runner.execute(statement, [], {
      label: `running DDL \`${statement.split('\n')[0]!.slice(0, 60)}\``,
      doneOnRetry: (error) => errorNumber(error) === ER_TABLE_EXISTS && change.kind === 'create_table',
    });
  } catch (error) {
    // What another writer made of the table first.
    const liveTable = (table: string) => introspectTable(runner.asDb(), table, { jsonIsLongtext: dialect.caps.jsonIsLongtext });
    if (errorNumber(error) === ER_TABLE_EXISTS && change.kind === 'create_table') {
      const live = await liveTable(change.table);
      const mismatch = createdTableMismatch(change, live, dialect);
      if (mismatch === undefined) return;
      throw new PssyncError('PSSYNC_E_SQL', `\`CREATE TABLE ${change.table}\` found the table made by another writer: ${mismatch}; the table was not changed`, { table: change.table }, { cause: error });
    }
    if (errorNumber(error) === ER_DUP_FIELDNAME) {
      const added = addedColumnsOf(change);
      const live = added ? await liveTable(added.table) : undefined;
      const mismatch = added ? raceMismatch(added, live, dialect) : 'the statement names one column twice';
      if (mismatch === undefined) return;
      throw new PssyncError('PSSYNC_E_SQL', `\`${statement.split('\n')[0]!.slice(0, 80)}\` failed with "${errorMessage(error)}" (1060): ${mismatch}; the table was not changed`, added ? { table: added.table } : {}, { cause: error });
    }
    if (dialect.isDdlRefused(error)) throw ddlRefused(ddl, 'direct');
    throw error;
  }
}

/** PlanetScale safe migrations (or a user without DDL privileges): say what to do, with the DDL. */
export function ddlRefused(ddl: readonly string[], strategy: string): PssyncError {
  if (ddl.length === 0) {
    return new PssyncError('PSSYNC_E_DDL_REFUSED', `the destination refuses DDL, and strategy "${strategy}" needs a staging table; use strategy: direct (or auto), which writes with DML only`);
  }
  return new PssyncError(
    'PSSYNC_E_DDL_REFUSED',
    `the destination refuses direct DDL (PlanetScale safe migrations, or a user without CREATE/ALTER privileges); nothing was written. Apply this DDL through a deploy request, then run apply again:\n\n${ddl.map((statement) => `${statement};`).join('\n\n')}\n`,
  );
}
