/**
 * Offline source checks, for `pssync validate`: each file source a sync reads is streamed through
 * the same mapping and coercion as `plan`, against the manifest's declared types. Without a
 * database, live column types and collations are unknown (an undeclared column is TEXT, or
 * VARCHAR(255) for a key, and keys compare exactly), so plan can still find problems validate
 * cannot: a value too long for a live column, two keys equal under a _ci collation.
 * Query sources (kinds mysql, postgres, duckdb) are skipped: they need a database or an engine.
 */
import { mysqlDialect } from '../dialect/mysql.js';
import { isQuerySource, type Config, type SyncConfig } from '../manifest/types.js';
import type { Diagnostic } from '../model/diagnostic.js';
import { rejectionDiagnostics, sourceDiagnostics } from './source-diagnostics.js';
import { SourceError } from '../source/source.js';
import { checkDesiredRows } from './desired-rows.js';
import { prepareSource } from './prepare-source.js';

/** Declared types only: the dialect decides nothing without live columns. */
const OFFLINE_DIALECT = mysqlDialect('offline');

export async function validateSources(config: Config, syncs: readonly SyncConfig[] = config.syncs): Promise<Diagnostic[]> {
  const diagnostics: Diagnostic[] = [];
  for (const sync of syncs) diagnostics.push(...(await validateSyncSource(config, sync)));
  return diagnostics;
}

async function validateSyncSource(config: Config, sync: SyncConfig): Promise<Diagnostic[]> {
  const source = config.sources.get(sync.source);
  if (!source || isQuerySource(source) || source.path === '-') return [];
  try {
    const { records, columns, diagnostics } = await prepareSource(sync, source, { live: undefined, offline: true, dialect: OFFLINE_DIALECT, defaultCollation: undefined });
    if (diagnostics.length > 0) {
      await records.close();
      return [...diagnostics];
    }
    const checked = await checkDesiredRows(records.all, columns, sync.maxRejectedRows);
    return rejectionDiagnostics(sync, source, checked.rejections);
  } catch (error) {
    if (!(error instanceof SourceError)) throw error;
    return sourceDiagnostics(sync, error);
  }
}
