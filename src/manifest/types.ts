/**
 * The typed, normalised configuration that every other room reads. Produced by
 * `loadManifest` from YAML after interpolation and validation; paths are absolute,
 * defaults are filled in, types are parsed.
 */
import type { Partition } from '../model/partition.js';
import type { ColumnType } from '../model/column-type.js';

/** Where a key sits in the manifest, for error messages. */
export interface Position {
  readonly file: string;
  readonly line: number;
  readonly column: number;
  /** Key path, e.g. `syncs.customer_ltv.fields[1].type`. */
  readonly path: string;
}

export type TlsMode = 'required' | 'verify-ca' | 'disabled';

export interface DestinationConfig {
  readonly name: string;
  readonly host: string;
  readonly port: number;
  readonly database: string;
  /**
   * Vitess: one shard of the keyspace `database` (`-80`), addressed past vtgate's routing; set by
   * `shard:` or by a URL path `/keyspace/shard` (dialect/vitess.ts, docs/scale-out.md).
   */
  readonly shard?: string;
  readonly username?: string;
  readonly password?: string;
  readonly tls: TlsMode;
  /** CA bundle for tls verification; absolute path. */
  readonly caFile?: string;
  /** Create the database when it does not exist (local development; never on PlanetScale). */
  readonly createDatabase: boolean;
  readonly position: Position;
}

/**
 * Several files read as one source: the manifest's `path` is a glob or a list. Read in list
 * order, each glob's matches sorted; expanded when the source is read (source/files.ts).
 */
export interface FileSet {
  /** The directory relative entries resolve against: the manifest's. */
  readonly dir: string;
  /** Paths and glob patterns as the manifest gives them. */
  readonly entries: readonly string[];
}

interface FileSourceBase {
  readonly name: string;
  /**
   * Absolute path, resolved against the manifest's directory; `-` is stdin. With `files`, what
   * the manifest says (the glob, or the list) resolved for messages: never opened.
   */
  readonly path: string;
  /** Set when `path` is a glob or a list. */
  readonly files?: FileSet;
  readonly position: Position;
}

export interface CsvSourceConfig extends FileSourceBase {
  readonly kind: 'csv';
  readonly delimiter: string;
  readonly quote: string;
  /** Escape character inside quoted fields; defaults to the quote (RFC 4180 `""`). */
  readonly escape: string;
  /** When false, `columns` names the fields; when true, `columns` (if given) renames the header's. */
  readonly header: boolean;
  readonly columns?: readonly string[];
  /** Unquoted field values read as NULL, in addition to the unquoted empty field. */
  readonly nullValues: readonly string[];
  readonly encoding: 'utf-8' | 'latin1';
}

export interface NdjsonSourceConfig extends FileSourceBase {
  readonly kind: 'ndjson';
}

export interface JsonSourceConfig extends FileSourceBase {
  readonly kind: 'json';
}

export interface ParquetSourceConfig extends FileSourceBase {
  readonly kind: 'parquet';
}

export interface MysqlSourceConfig {
  readonly kind: 'mysql';
  readonly name: string;
  readonly url: string;
  readonly query: string;
  readonly position: Position;
}

export interface PostgresSourceConfig {
  readonly kind: 'postgres';
  readonly name: string;
  /** postgres:// URL (checked by normalize; taken apart again when the source is read). */
  readonly url: string;
  readonly query: string;
  readonly position: Position;
}

export interface DuckdbSourceConfig {
  readonly kind: 'duckdb';
  readonly name: string;
  readonly query: string;
  /** Absolute path of a DuckDB database file, opened read-only; undefined = in memory. */
  readonly database?: string;
  /** The manifest's directory: relative file paths in the query resolve against it. */
  readonly dir: string;
  readonly position: Position;
}

/** Sources that are a query's result rather than a file's bytes. */
export type QuerySourceConfig = MysqlSourceConfig | PostgresSourceConfig | DuckdbSourceConfig;

export type SourceConfig =
  | CsvSourceConfig
  | NdjsonSourceConfig
  | JsonSourceConfig
  | ParquetSourceConfig
  | QuerySourceConfig;

/** A query source: no file to hash or to check offline, named by its manifest name in messages. */
export function isQuerySource(source: SourceConfig): source is QuerySourceConfig {
  return source.kind === 'mysql' || source.kind === 'postgres' || source.kind === 'duckdb';
}

export type TransformName = 'trim' | 'lowercase' | 'uppercase' | 'sha256';

export interface FieldMapping {
  /** Source field name. */
  readonly from: string;
  /** Destination column name. */
  readonly to: string;
  /** Declared column type; undefined = TEXT (or VARCHAR(255) for key columns). */
  readonly type?: ColumnType;
  readonly transforms: readonly TransformName[];
  readonly position: Position;
}

export interface ScopeColumn {
  readonly column: string;
  /** As written in the manifest (booleans as 1 and 0); coerced to the column's type when planned. */
  readonly value: string;
  /** The scope key in the manifest. */
  readonly position?: Position;
}

export interface SafetyConfig {
  readonly maxDeletes?: number;
  readonly maxDeleteRatio?: number;
}

export type WriteStrategy = 'auto' | 'staging' | 'direct';
export type TableMode = 'insert' | 'update' | 'upsert' | 'mirror';
export type AudienceMode = 'add' | 'remove' | 'upsert' | 'mirror';

/** How a plan compares destination rows with desired rows: `both` plans both ways and checks they agree. */
export const COMPARE_METHODS = ['auto', 'checksum', 'full', 'both'] as const;
export type CompareMethod = (typeof COMPARE_METHODS)[number];

interface SyncBase {
  readonly name: string;
  readonly source: string;
  readonly destination: string;
  readonly table: string;
  /** undefined = every source field, same name, no declared type. */
  readonly fields?: readonly FieldMapping[];
  readonly scope: readonly ScopeColumn[];
  readonly safety: SafetyConfig;
  readonly maxRejectedRows: number;
  readonly strategy: WriteStrategy;
  /** How plans compare rows (issue 13): see plan/compare-method.ts. */
  readonly compare: CompareMethod;
  readonly position: Position;
}

export interface TableSyncConfig extends SyncBase {
  readonly kind: 'table';
  readonly mode: TableMode;
  /**
   * Destination column names. Scope columns are always part of the key: when the manifest's
   * `primary_key` names none of them, they are put in front (a manifest naming some but not all
   * of them is an error).
   */
  readonly primaryKey: readonly string[];
}

/** The column holding the audience name in an audience table (part of its primary key). */
export const AUDIENCE_COLUMN = 'audience';

export interface AudienceSyncConfig extends SyncBase {
  readonly kind: 'audience';
  readonly audience: string;
  /** The `audience:` key in the manifest. */
  readonly audiencePosition?: Position;
  readonly mode: AudienceMode;
  /** Destination column names, without `audience`; scope columns put in front as for primaryKey. */
  readonly memberKey: readonly string[];
}

export type SyncConfig = TableSyncConfig | AudienceSyncConfig;

export interface Config {
  /** Absolute path of the manifest file. */
  readonly file: string;
  readonly dir: string;
  /** sha256 of the manifest text before interpolation (no secrets in it). */
  readonly digest: string;
  readonly destinations: ReadonlyMap<string, DestinationConfig>;
  readonly sources: ReadonlyMap<string, SourceConfig>;
  readonly syncs: readonly SyncConfig[];
  /** `--partition K/N`: every sync works on that partition of its keys only (model/partition.ts). */
  readonly partition?: Partition;
}
