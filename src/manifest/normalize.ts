/**
 * Schema-valid manifest value → Config: defaults filled in, paths made absolute, URLs taken
 * apart, types parsed, and the checks a schema cannot express (references between sections,
 * keys against mapped columns, column types, scope conflicts), each with a position.
 */
import { createHash } from 'node:crypto';
import { dirname, isAbsolute, resolve } from 'node:path';
import { parseColumnType } from '../model/column-type.js';
import type { Diagnostic, DiagnosticCode } from '../model/diagnostic.js';
import { didYouMean } from './suggest.js';
import type {
  Config,
  DestinationConfig,
  FieldMapping,
  Position,
  ScopeColumn,
  SourceConfig,
  SyncConfig,
  TlsMode,
  TransformName,
} from './types.js';
import { childPointer, keyPosition, type PositionIndex, valuePosition } from './yaml-tree.js';

/** The column an audience sync stores its audience name in; reserved in those syncs. */
export const AUDIENCE_COLUMN = 'audience';
const TRANSFORMS: ReadonlySet<string> = new Set<TransformName>(['trim', 'lowercase', 'uppercase', 'sha256']);
const DEFAULT_PORT = 3306;

// Shapes of the schema-valid document (see schemas/manifest.schema.json).
interface RawDestination {
  host?: string;
  port?: number | string;
  database?: string;
  username?: string;
  password?: string;
  tls?: TlsMode;
  ca_file?: string;
  url?: string;
  create_database?: boolean;
}
interface RawSource {
  kind: SourceConfig['kind'];
  path?: string;
  url?: string;
  query?: string;
  delimiter?: string;
  quote?: string;
  escape?: string;
  header?: boolean;
  columns?: string[];
  null_values?: string[];
  encoding?: 'utf-8' | 'latin1';
}
interface RawField {
  from?: string;
  to?: string;
  type?: string;
  transform?: string | string[];
}
interface RawSync {
  audience?: string;
  source: string;
  destination: string;
  table: string;
  mode: string;
  primary_key?: string[];
  member_key?: string[];
  fields?: RawField[];
  scope?: Record<string, string | number | boolean>;
  safety?: { max_deletes?: number; max_delete_ratio?: number };
  max_rejected_rows?: number;
  strategy?: SyncConfig['strategy'];
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
  const tools: Tools = { report, position, dir };

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

interface Tools {
  readonly report: (code: DiagnosticCode, pointer: string, message: string, at?: 'key' | 'value', sync?: string) => void;
  readonly position: (pointer: string) => Position;
  readonly dir: string;
}

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
  { report, position, dir }: Tools,
): DestinationConfig | undefined {
  let fromUrl: UrlParts = {};
  if (raw.url !== undefined) {
    const parsed = parseMysqlUrl(raw.url);
    // The URL usually holds a password: messages describe it, never quote it.
    if ('error' in parsed) report('PSSYNC_E_SCHEMA', childPointer(pointer, 'url'), parsed.error);
    else fromUrl = parsed;
  }
  const host = raw.host ?? fromUrl.host;
  const database = raw.database ?? fromUrl.database;
  if (raw.url !== undefined && !host) report('PSSYNC_E_SCHEMA', childPointer(pointer, 'url'), 'url has no host; add it to the url or set `host`');
  if (raw.url !== undefined && !database) {
    report('PSSYNC_E_SCHEMA', childPointer(pointer, 'url'), 'url has no database (mysql://user:password@host:port/DATABASE); add it or set `database`');
  }
  if (database !== undefined && database.length > 64) report('PSSYNC_E_SCHEMA', childPointer(pointer, 'url'), 'database name must be at most 64 characters');
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
    ...(username !== undefined ? { username } : {}),
    ...(password !== undefined ? { password } : {}),
    tls: raw.tls ?? fromUrl.tls ?? (isLoopback(host) ? 'disabled' : 'required'),
    ...(raw.ca_file !== undefined ? { caFile: resolvePath(dir, raw.ca_file) } : {}),
    createDatabase: raw.create_database ?? false,
    position: position(pointer),
  };
}

interface UrlParts {
  host?: string;
  port?: number;
  database?: string;
  username?: string;
  password?: string;
  tls?: TlsMode;
}

/** `mysql://user:password@host:port/database?ssl-mode=…`, percent-decoded. */
export function parseMysqlUrl(text: string): UrlParts | { error: string } {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return { error: 'url is not a valid mysql://user:password@host:port/database URL (percent-encode special characters in the user name and password)' };
  }
  if (url.protocol !== 'mysql:') return { error: 'url must start with mysql://' };
  try {
    const parts: UrlParts = {};
    const host = url.hostname.replace(/^\[(.*)\]$/, '$1');
    if (host) parts.host = host;
    if (url.port) parts.port = Number(url.port);
    const database = decodeURIComponent(url.pathname.replace(/^\//, ''));
    if (database.includes('/')) return { error: 'url path must be just the database name' };
    if (database) parts.database = database;
    if (url.username) parts.username = decodeURIComponent(url.username);
    if (url.password) parts.password = decodeURIComponent(url.password);
    const tlsParam = url.searchParams.get('ssl-mode') ?? url.searchParams.get('sslmode') ?? url.searchParams.get('tls');
    if (tlsParam !== null) {
      const tls = TLS_PARAMS[tlsParam.toLowerCase()];
      if (!tls) return { error: `url ssl-mode/tls must be one of ${Object.keys(TLS_PARAMS).join(', ')}` };
      parts.tls = tls;
    }
    return parts;
  } catch {
    return { error: 'url has a malformed percent-encoding' };
  }
}

/** MySQL client `--ssl-mode` values, and the manifest's own `tls` values. */
const TLS_PARAMS: Readonly<Record<string, TlsMode>> = {
  disabled: 'disabled',
  preferred: 'required',
  required: 'required',
  verify_ca: 'verify-ca',
  'verify-ca': 'verify-ca',
  verify_identity: 'verify-ca',
  true: 'required',
  false: 'disabled',
};

/** Loopback hosts (localhost, 127.0.0.0/8, ::1) default to tls: disabled; a local MySQL rarely has TLS. */
export function isLoopback(host: string): boolean {
  const lower = host.toLowerCase();
  return lower === 'localhost' || lower === '::1' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(lower);
}

// ---------------------------------------------------------------------------------------------
// Sources

function normalizeSource(name: string, raw: RawSource, pointer: string, { report, position, dir }: Tools): SourceConfig | undefined {
  const base = { name, position: position(pointer) };
  switch (raw.kind) {
    case 'mysql': {
      const url = raw.url!;
      const parsed = parseMysqlUrl(url);
      if ('error' in parsed) {
        report('PSSYNC_E_SCHEMA', childPointer(pointer, 'url'), parsed.error);
        return undefined;
      }
      return { ...base, kind: 'mysql', url, query: raw.query! };
    }
    case 'csv': {
      const quote = raw.quote ?? '"';
      return {
        ...base,
        kind: 'csv',
        path: resolvePath(dir, raw.path!),
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
    case 'parquet':
      return { ...base, kind: raw.kind, path: resolvePath(dir, raw.path!) };
  }
}

/** Relative to the manifest's directory; `-` (standard input) stays as it is. */
function resolvePath(dir: string, path: string): string {
  if (path === '-' || isAbsolute(path)) return path;
  return resolve(dir, path);
}

// ---------------------------------------------------------------------------------------------
// Syncs

function normalizeSync(name: string, raw: RawSync, pointer: string, tools: Tools): SyncConfig {
  const { report, position } = tools;
  const isAudience = raw.audience !== undefined;
  const fail = (code: DiagnosticCode, at: string, message: string, where: 'key' | 'value' = 'value'): void =>
    report(code, at, message, where, name);

  const fieldsPointer = childPointer(pointer, 'fields');
  const fields = raw.fields === undefined ? undefined : normalizeFields(raw.fields, fieldsPointer, isAudience, fail, position);
  // Column names are case-insensitive in MySQL: compare them folded.
  const mapped = new Map((fields ?? []).map((field, i) => [field.to.toLowerCase(), i] as const));

  const scope: ScopeColumn[] = [];
  for (const [column, value] of Object.entries(raw.scope ?? {})) {
    const at = childPointer(childPointer(pointer, 'scope'), column);
    if (isAudience && column.toLowerCase() === AUDIENCE_COLUMN) {
      fail('PSSYNC_E_SCOPE', at, '`audience` is reserved: an audience sync stores its audience name there', 'key');
    } else if (mapped.has(column.toLowerCase())) {
      fail('PSSYNC_E_SCOPE', at, `scope column ${tick(column)} is also mapped by fields[${mapped.get(column.toLowerCase())}]; a column is either a constant (scope) or mapped`, 'key');
    }
    scope.push({ column, value: typeof value === 'boolean' ? (value ? '1' : '0') : String(value) });
  }

  const keyName = isAudience ? 'member_key' : 'primary_key';
  const declaredKey = (isAudience ? raw.member_key : raw.primary_key) ?? [];
  const keyPointer = childPointer(pointer, keyName);
  checkKey(declaredKey, keyPointer, keyName, { isAudience, fields, mapped, scope, fieldsPointer, fail });
  // Scope columns are part of every match, so they are part of the key; when the manifest lists
  // none of them, they go first (efficient scoped reads), as the audience column does.
  const scopeColumns = new Set(scope.map(({ column }) => column.toLowerCase()));
  const listed = declaredKey.filter((column) => scopeColumns.has(column.toLowerCase()));
  const key = listed.length === 0 ? [...scope.map(({ column }) => column), ...declaredKey] : declaredKey;

  const base = {
    name,
    source: raw.source,
    destination: raw.destination,
    table: raw.table,
    ...(fields ? { fields } : {}),
    scope,
    safety: {
      ...(raw.safety?.max_deletes !== undefined ? { maxDeletes: raw.safety.max_deletes } : {}),
      ...(raw.safety?.max_delete_ratio !== undefined ? { maxDeleteRatio: raw.safety.max_delete_ratio } : {}),
    },
    maxRejectedRows: raw.max_rejected_rows ?? 0,
    strategy: raw.strategy ?? 'auto',
    position: position(pointer),
  };
  if (isAudience) {
    return { ...base, kind: 'audience', audience: raw.audience!, mode: raw.mode as 'add', memberKey: key };
  }
  return { ...base, kind: 'table', mode: raw.mode as 'insert', primaryKey: key };
}

type Fail = (code: DiagnosticCode, pointer: string, message: string, where?: 'key' | 'value') => void;

function normalizeFields(
  raw: readonly RawField[],
  pointer: string,
  isAudience: boolean,
  fail: Fail,
  position: (pointer: string) => Position,
): FieldMapping[] {
  const firstIndex = new Map<string, number>();
  return raw.map((field, i) => {
    const at = childPointer(pointer, i);
    const to = field.to ?? field.from!;
    const from = field.from ?? field.to!;
    const toPointer = childPointer(at, field.to !== undefined ? 'to' : 'from');
    const folded = to.toLowerCase();
    if (firstIndex.has(folded)) {
      fail('PSSYNC_E_KEY', toPointer, `column ${tick(to)} is mapped twice (also by fields[${firstIndex.get(folded)}])`);
    } else {
      firstIndex.set(folded, i);
    }
    if (isAudience && folded === AUDIENCE_COLUMN) {
      fail('PSSYNC_E_SCOPE', toPointer, '`audience` is reserved: an audience sync stores its audience name there');
    }
    let type;
    if (field.type !== undefined) {
      type = parseColumnType(field.type);
      if (!type) fail('PSSYNC_E_TYPE', childPointer(at, 'type'), `${JSON.stringify(field.type)} is not a valid MySQL column type`);
    }
    const transforms = field.transform === undefined ? [] : Array.isArray(field.transform) ? field.transform : [field.transform];
    transforms.forEach((transform, t) => {
      // The schema already restricts transforms; this keeps normalize safe on its own.
      if (!TRANSFORMS.has(transform)) {
        const transformPointer = Array.isArray(field.transform) ? childPointer(childPointer(at, 'transform'), t) : childPointer(at, 'transform');
        fail('PSSYNC_E_TRANSFORM', transformPointer, `unknown transform ${tick(transform)}; transforms: ${[...TRANSFORMS].join(', ')}`);
      }
    });
    return {
      from,
      to,
      ...(type ? { type } : {}),
      transforms: transforms as TransformName[],
      position: position(at),
    };
  });
}

interface KeyContext {
  readonly isAudience: boolean;
  readonly fields: readonly FieldMapping[] | undefined;
  readonly mapped: ReadonlyMap<string, number>;
  readonly scope: readonly ScopeColumn[];
  readonly fieldsPointer: string;
  readonly fail: Fail;
}

/** Key columns must be mapped (or scope constants), keyable, listed once, and name every scope column or none. */
function checkKey(key: readonly string[], pointer: string, keyName: string, context: KeyContext): void {
  const { isAudience, fields, mapped, scope, fail } = context;
  const scopeColumns = new Set(scope.map(({ column }) => column.toLowerCase()));
  const seen = new Set<string>();
  key.forEach((column, i) => {
    const at = childPointer(pointer, i);
    const folded = column.toLowerCase();
    if (seen.has(folded)) fail('PSSYNC_E_KEY', at, `${tick(column)} is listed twice (column names are case-insensitive)`);
    seen.add(folded);
    if (isAudience && folded === AUDIENCE_COLUMN) {
      fail('PSSYNC_E_SCOPE', at, '`audience` is reserved: it is part of every audience key already');
      return;
    }
    if (scopeColumns.has(folded) || !fields) return;
    const fieldIndex = mapped.get(folded);
    if (fieldIndex === undefined) {
      const names = fields.map((field) => field.to).join(', ');
      fail('PSSYNC_E_KEY', at, `key column ${tick(column)} is not mapped by \`fields\` (mapped columns: ${names})`);
      return;
    }
    const type = fields[fieldIndex]!.type;
    if (type && !type.keyable) {
      fail(
        'PSSYNC_E_TYPE',
        childPointer(childPointer(context.fieldsPointer, fieldIndex), 'type'),
        `key column ${tick(column)} cannot have type ${type.sql}: MySQL cannot index it without a prefix; use e.g. varchar(255)`,
      );
    }
  });
  const listed = scope.filter(({ column }) => seen.has(column.toLowerCase())).map(({ column }) => column);
  const unlisted = scope.filter(({ column }) => !seen.has(column.toLowerCase())).map(({ column }) => column);
  if (listed.length > 0 && unlisted.length > 0) {
    fail(
      'PSSYNC_E_SCOPE',
      pointer,
      `${keyName} lists scope column ${listed.map(tick).join(', ')} but not ${unlisted.map(tick).join(', ')}; scope columns are part of the key: list all of them, or none (then they come first)`,
    );
  }
}

function tick(text: string): string {
  return `\`${text}\``;
}
