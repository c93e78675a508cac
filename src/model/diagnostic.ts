/**
 * Expected problems (bad manifest, bad source row, plan-time refusals) are Diagnostics:
 * a stable code, a message, and where it happened. They are collected, never thrown.
 */
export type DiagnosticCode =
  | 'PSSYNC_E_YAML' // YAML syntax
  | 'PSSYNC_E_SCHEMA' // manifest does not match schemas/manifest.schema.json
  | 'PSSYNC_E_ENV' // ${VAR} without a value and without a default
  | 'PSSYNC_E_REFERENCE' // unknown source / destination
  | 'PSSYNC_E_KEY' // key column not mapped, or mapping a key twice
  | 'PSSYNC_E_TYPE' // not a valid MySQL column type, or a type that cannot be a key
  | 'PSSYNC_E_TRANSFORM' // unknown transform
  | 'PSSYNC_E_SCOPE' // scope column conflicts
  | 'PSSYNC_E_UNSUPPORTED' // valid manifest, not implemented by this version
  | 'PSSYNC_E_SOURCE' // source unreadable or malformed
  | 'PSSYNC_E_ROW_KEY_MISSING' // source row without (part of) its key
  | 'PSSYNC_E_ROW_KEY_DUPLICATE' // two source rows with the same key
  | 'PSSYNC_E_ROW_VALUE' // a value that cannot be coerced to its column type
  | 'PSSYNC_E_ROW_FIELD_MISSING' // a mapped `from` field absent from the source
  | 'PSSYNC_E_REJECTS_EXCEEDED' // more bad rows than max_rejected_rows
  | 'PSSYNC_E_PRIMARY_KEY' // table's primary key is not the declared one
  | 'PSSYNC_E_TABLE_LIMIT' // the database would exceed its table limit
  | 'PSSYNC_E_DDL_REFUSED' // destination refuses direct DDL (PlanetScale safe migrations)
  | 'PSSYNC_E_COLLATION' // a key column's collation whose key equality pssync cannot compute exactly
  | 'PSSYNC_E_SHARED_TABLE' // syncs sharing one table that disagree on its columns or key
  | 'PSSYNC_E_UNIQUE_KEY' // a write would collide with another row on a unique key, or a unique key pssync cannot check
  | 'PSSYNC_E_ROW_UNIQUE_DUPLICATE' // two source rows with the same unique-key values
  | 'PSSYNC_E_GENERATED_COLUMN' // a field mapped onto a generated column
  | 'PSSYNC_E_NOT_A_TABLE' // the destination table is a view
  | 'PSSYNC_E_REQUIRED_COLUMN' // a mode that inserts leaves a NOT NULL column without a default unmapped
  | 'PSSYNC_E_SHARDED_STRATEGY' // strategy: staging into a sharded Vitess keyspace (its SQL fails across shards)
  | 'PSSYNC_E_SHARDED_CREATE_TABLE' // a new table in a sharded Vitess keyspace (needs a VSchema entry and vindex first)
  | 'PSSYNC_E_SHARD_TARGET_DDL' // a schema change through a destination that targets one Vitess shard (it would change that shard only)
  | 'PSSYNC_W_TYPE_MISMATCH' // declared type differs from the live one
  | 'PSSYNC_W_STAGING_LEFTOVER'; // staging tables left by an earlier run

export type Severity = 'error' | 'warning';

export interface Diagnostic {
  readonly code: DiagnosticCode;
  readonly severity: Severity;
  readonly message: string;
  /** File the problem is in: the manifest or a source file. */
  readonly file?: string;
  /** 1-based line (manifest) or source line/row number. */
  readonly line?: number;
  /** 1-based column in the manifest. */
  readonly column?: number;
  /** Key path in the manifest, e.g. `syncs.customer_ltv.fields[1].type`. */
  readonly path?: string;
  /** The sync the problem belongs to. */
  readonly sync?: string;
}

export function isError(diagnostic: Diagnostic): boolean {
  return diagnostic.severity === 'error';
}

export function hasErrors(diagnostics: readonly Diagnostic[]): boolean {
  return diagnostics.some(isError);
}

/** `file:line:column: error CODE at path: message`, the shape editors and CI annotate. */
export function formatDiagnostic(diagnostic: Diagnostic): string {
  const where = [diagnostic.file, diagnostic.line, diagnostic.column].filter((part) => part !== undefined).join(':');
  const path = diagnostic.path ? ` at ${diagnostic.path}` : '';
  const sync = diagnostic.sync && !diagnostic.path ? ` [sync ${diagnostic.sync}]` : '';
  return `${where ? `${where}: ` : ''}${diagnostic.severity} ${diagnostic.code}${path}${sync}: ${diagnostic.message}`;
}

/** Where a sync's diagnostic points: the sync, and its place in the manifest. */
export function atSync(sync: { readonly name: string; readonly position: { readonly file: string; readonly line: number; readonly column: number } }): Pick<Diagnostic, 'sync' | 'file' | 'line' | 'column'> {
  return { sync: sync.name, file: sync.position.file, line: sync.position.line, column: sync.position.column };
}
