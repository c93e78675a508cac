/**
 * Schema-valid manifest value → Config: defaults filled in, paths made absolute, URLs taken
 * apart, types parsed, and the checks a schema cannot express (references between sections,
 * keys against mapped columns, column types, scope conflicts), each with a position.
 * Destinations and sources are here; syncs are in normalize-sync.ts.
 */
import { createHash } from 'node:crypto';
import { dirname, isAbsolute, resolve } from 'node:path';
import type { Diagnostic, DiagnosticCode } from '../model/diagnostic.js';
import { isLoopback, parseMysqlUrl, type UrlParts } from './mysql-url.js';
import { shardNameProblem } from '../dialect/vitess.js';
import { parsePostgresUrl } from './postgres-url.js';
import { normalizeSync, type RawSync } from './normalize-sync.js';
import type { Tools } from './normalize-tools.js';
import { sharedTableDiagnostics } from './shared-tables.js';
import { didYouMean } from './suggest.js';
import type { Config, DestinationConfig, FileSet, Position, SourceConfig, SyncConfig, TlsMode } from './types.js';
import { childPointer, keyPosition, type PositionIndex, valuePosition } from './yaml-tree.js';
import { tick } from './message-text.js';

const DEFAULT_PORT = 3306;

// Shapes of the schema-valid document (see schemas/manifest.schema.json).
interface RawDestination {
  host?: string;
  port?: number | string;
  database?: string;
  shard?: string;
  username?: string;
  password?: string;
  tls?: TlsMode;
  ca_file?: string;
  url?: string;
  create_database?: boolean;
}
interface RawSource {
  kind: SourceConfig['kind'];
  path?: string | string[];
  url?: string;
  query?: string;
  database?: string;
  delimiter?: string;
  quote?: string;
  escape?: string;
  header?: boolean;
  columns?: string[];
  null_values?: string[];
  encoding?: 'utf-8' | 'latin1';
}
interface RawManifest {
  destinations?: Record<string, RawDestination>;
  sources?: Record<string, RawSource>;
  syncs?: Record<string, RawSync>;
}

export interface NormalizeContext {
  /** The manifest file as the user named it: used in diagnostics and positions. */
  readonly file: string;
  /** Absolute path of the manifest; relative paths resolve against its directory. */
  readonly absoluteFile: string;
  /** Raw manifest text, for the digest. */
  readonly text: string;
}

export interface NormalizeResult {
  readonly config?: Config;
  readonly diagnostics: readonly Diagnostic[];
}

export function normalize(value: unknown, index: PositionIndex, context: NormalizeContext): NormalizeResult {
  const raw = value as RawManifest;
  const dir = dirname(context.absoluteFile);
  const diagnostics: Diagnostic[] = [];
  const report = (code: DiagnosticCode, pointer: string, message: string, at: 'key' | 'value' = 'value', sync?: string): void => {
    const where = at === 'key' ? keyPosition(index, pointer) : valuePosition(index, pointer);
    diagnostics.push({
      code,
      severity: 'error',
      message,
      file: context.file,
      line: where.line,
      column: where.column,
      ...(where.path ? { path: where.path } : {}),
      ...(sync ? { sync } : {}),
    });
  };
  const position = (pointer: string): Position => ({ file: context.file, ...keyPosition(index, pointer) });
  const tools: Tools = { report, position, resolvePath: (path) => resolvePath(dir, path) };

  const destinations = new Map<string, DestinationConfig>();
  for (const [name, destination] of Object.entries(raw.destinations ?? {})) {
    const config = normalizeDestination(name, destination, childPointer('/destinations', name), tools);
    if (config) destinations.set(name, config);
  }
  const sources = new Map<string, SourceConfig>();
  for (const [name, source] of Object.entries(raw.sources ?? {})) {
    const config = normalizeSource(name, source, childPointer('/sources', name), tools);
    if (config) sources.set(name, config);
  }
  const knownDestinations = Object.keys(raw.destinations ?? {});
  const knownSources = Object.keys(raw.sources ?? {});
  const syncs: SyncConfig[] = [];
  for (const [name, sync] of Object.entries(raw.syncs ?? {})) {
    const pointer = childPointer('/syncs', name);
    checkReference('source', sync.source, knownSources, childPointer(pointer, 'source'), name, tools);
    checkReference('destination', sync.destination, knownDestinations, childPointer(pointer, 'destination'), name, tools);
    syncs.push(normalizeSync(name, sync, pointer, tools));
  }
  diagnostics.push(...sharedTableDiagnostics(syncs));

  if (diagnostics.length > 0) return { diagnostics };
  return {
    config: {
      file: context.absoluteFile,
      dir,
      digest: createHash('sha256').update(context.text).digest('hex'),
      destinations,
      sources,
      syncs,
    },
    diagnostics,
  };
}

/** What the normalize steps share: reporting at a pointer, positions, path resolution. */
function checkReference(
  what: 'source' | 'destination',
  name: string,
  known: readonly string[],
  pointer: string,
  sync: string,
  { report }: Tools,
): void {
  if (known.includes(name)) return;
  const plural = `${what}s`;
  const list = known.length === 0 ? `the manifest defines no ${plural}` : `known ${plural}: ${known.join(', ')}`;
  report('PSSYNC_E_REFERENCE', pointer, `unknown ${what} ${tick(name)}${didYouMean(name, known)}; ${list}`, 'value', sync);
}

// ---------------------------------------------------------------------------------------------
// Destinations

function normalizeDestination(
  name: string,
  raw: RawDestination,
  pointer: string,
  { report, position, resolvePath }: Tools,
): DestinationConfig | undefined {
  const urlPointer = childPointer(pointer, 'url');
  let fromUrl: UrlParts = {};
  if (raw.url !== undefined) {
    // The URL usually holds a password: messages describe it, never quote it.
    const parsed = parseMysqlUrl(raw.url);
    if ('error' in parsed) {
      report('PSSYNC_E_SCHEMA', urlPointer, parsed.error);
      return undefined;
    }
    fromUrl = parsed;
  }
  const host = raw.host ?? fromUrl.host;
  const database = raw.database ?? fromUrl.database;
  if (!host) report('PSSYNC_E_SCHEMA', urlPointer, 'url has no host; put it in the url or set `host`');
  if (!database) report('PSSYNC_E_SCHEMA', urlPointer, 'url has no database name (the path after the host); put it in the url or set `database`');
  if (database !== undefined && database.length > 64) report('PSSYNC_E_SCHEMA', urlPointer, 'database name must be at most 64 characters');
  const shard = raw.shard ?? fromUrl.shard;
  const shardProblem = shard !== undefined ? shardNameProblem(shard) : undefined;
  if (shardProblem) report('PSSYNC_E_SCHEMA', raw.shard !== undefined ? childPointer(pointer, 'shard') : urlPointer, shardProblem);
  let port = fromUrl.port ?? DEFAULT_PORT;
  if (raw.port !== undefined) {
    port = Number(raw.port);
    if (!Number.isInteger(port) || port < 1 || port > 65535) {
      report('PSSYNC_E_SCHEMA', childPointer(pointer, 'port'), 'must be a port number (1 to 65535)');
    }
  }
  if (!host || !database) return undefined;
  const username = raw.username ?? fromUrl.username;
  const password = raw.password ?? fromUrl.password;
  return {
    name,
    host,
    port,
    database,
    ...(shard !== undefined ? { shard } : {}),
    ...(username !== undefined ? { username } : {}),
    ...(password !== undefined ? { password } : {}),
    tls: raw.tls ?? fromUrl.tls ?? (isLoopback(host) ? 'disabled' : 'required'),
    ...(raw.ca_file !== undefined ? { caFile: resolvePath(raw.ca_file) } : {}),
    createDatabase: raw.create_database ?? false,
    position: position(pointer),
  };
}

// ---------------------------------------------------------------------------------------------
// Sources

function normalizeSource(name: string, raw: RawSource, pointer: string, tools: Tools): SourceConfig | undefined {
  const { report, position, resolvePath } = tools;
  const base = { name, position: position(pointer) };
  switch (raw.kind) {
    case 'mysql':
    case 'postgres': {
      const url = raw.url!;
      const parsed = raw.kind === 'mysql' ? parseMysqlUrl(url) : parsePostgresUrl(url);
      if ('error' in parsed) {
        report('PSSYNC_E_SCHEMA', childPointer(pointer, 'url'), parsed.error);
        return undefined;
      }
      return { ...base, kind: raw.kind, url, query: raw.query! };
    }
    case 'duckdb':
      return {
        ...base,
        kind: 'duckdb',
        query: raw.query!,
        ...(raw.database !== undefined ? { database: resolvePath(raw.database) } : {}),
        dir: resolvePath('.'),
      };
    case 'csv': {
      const where = filePaths(raw.path!, childPointer(pointer, 'path'), tools);
      if (!where) return undefined;
      const quote = raw.quote ?? '"';
      return {
        ...base,
        kind: 'csv',
        ...where,
        delimiter: raw.delimiter ?? ',',
        quote,
        escape: raw.escape ?? quote,
        header: raw.header ?? true,
        ...(raw.columns ? { columns: raw.columns } : {}),
        nullValues: raw.null_values ?? [],
        encoding: raw.encoding ?? 'utf-8',
      };
    }
    case 'ndjson':
    case 'json':
    case 'parquet': {
      const where = filePaths(raw.path!, childPointer(pointer, 'path'), tools);
      return where ? { ...base, kind: raw.kind, ...where } : undefined;
    }
  }
}

/** Glob characters (as tinyglobby reads them): a path with one is a pattern, not a file name. */
const GLOB = /[*?[\]{}]|[@!+]\(/;

/**
 * One path, or several files as one source (a glob, or a list of paths and globs): `path` is
 * then what messages name, and `files` what the reader expands.
 */
function filePaths(raw: string | readonly string[], pointer: string, { report, resolvePath }: Tools): { path: string; files?: FileSet } | undefined {
  const entries = typeof raw === 'string' ? [raw] : raw;
  if (typeof raw === 'string' && !GLOB.test(raw)) return { path: resolvePath(raw) };
  if (entries.includes('-')) {
    report('PSSYNC_E_SCHEMA', pointer, 'standard input (`-`) cannot be one of several files; give it as the only path');
    return undefined;
  }
  return { path: entries.map((entry) => resolvePath(entry)).join(', '), files: { dir: resolvePath('.'), entries } };
}

function resolvePath(dir: string, path: string): string {
  if (path === '-' || isAbsolute(path)) return path;
  return resolve(dir, path);
}
