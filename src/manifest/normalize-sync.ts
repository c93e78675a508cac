/**
 * One sync from the manifest → SyncConfig, with the checks that tie its parts together:
 * fields (types, transforms, a column mapped once), keys (mapped, keyable, listed once),
 * scope (constants never mapped, part of the key) and the reserved `audience` column.
 */
import { parseColumnType } from '../model/column-type.js';
import { columnNameKey } from '../model/identifiers.js';
import type { DiagnosticCode } from '../model/diagnostic.js';
import type { Tools } from './normalize-tools.js';
import type {
  AudienceMode,
  FieldMapping,
  Position,
  ScopeColumn,
  SyncConfig,
  TableMode,
  TransformName,
} from './types.js';
import { childPointer } from './yaml-tree.js';
import { AUDIENCE_COLUMN } from './types.js';
import { tick } from './message-text.js';

/** The column an audience sync stores its audience name in; reserved in those syncs. */
const TRANSFORMS: ReadonlySet<string> = new Set<TransformName>(['trim', 'lowercase', 'uppercase', 'sha256']);

// Shapes of a schema-valid sync (see schemas/manifest.schema.json).
interface RawField {
  from?: string;
  to?: string;
  type?: string;
  transform?: string | string[];
}
export interface RawSync {
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
  compare?: SyncConfig['compare'];
}

/** Reports through `tools`; returns the sync even when it has errors (the caller drops the Config). */
export function normalizeSync(name: string, raw: RawSync, pointer: string, tools: Tools): SyncConfig {
  const { report, position } = tools;
  const isAudience = raw.audience !== undefined;
  const fail = (code: DiagnosticCode, at: string, message: string, where: 'key' | 'value' = 'value'): void =>
    report(code, at, message, where, name);

  const fieldsPointer = childPointer(pointer, 'fields');
  const fields = raw.fields === undefined ? undefined : normalizeFields(raw.fields, fieldsPointer, isAudience, fail, position);
  // Column names are case-insensitive in MySQL: compare them folded.
  const mapped = new Map((fields ?? []).map((field, i) => [columnNameKey(field.to), i] as const));

  const scope: ScopeColumn[] = [];
  for (const [column, value] of Object.entries(raw.scope ?? {})) {
    const at = childPointer(childPointer(pointer, 'scope'), column);
    if (isAudience && columnNameKey(column) === AUDIENCE_COLUMN) {
      fail('PSSYNC_E_SCOPE', at, '`audience` is reserved: an audience sync stores its audience name there', 'key');
    } else if (mapped.has(columnNameKey(column))) {
      fail('PSSYNC_E_SCOPE', at, `scope column ${tick(column)} is also mapped by fields[${mapped.get(columnNameKey(column))}]; a column is either a constant (scope) or mapped`, 'key');
    }
    scope.push({ column, value: typeof value === 'boolean' ? (value ? '1' : '0') : String(value), position: position(at) });
  }

  const keyName = isAudience ? 'member_key' : 'primary_key';
  const declaredKey = (isAudience ? raw.member_key : raw.primary_key) ?? [];
  const keyPointer = childPointer(pointer, keyName);
  checkKey(declaredKey, keyPointer, keyName, { isAudience, fields, mapped, scope, fieldsPointer, fail });
  // Scope columns are part of every match, so they are part of the key; when the manifest lists
  // none of them, they go first (efficient scoped reads), as the audience column does.
  const scopeColumns = new Set(scope.map(({ column }) => columnNameKey(column)));
  const listed = declaredKey.filter((column) => scopeColumns.has(columnNameKey(column)));
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
    compare: raw.compare ?? 'auto',
    position: position(pointer),
  };
  if (isAudience) {
    const audiencePosition = position(childPointer(pointer, 'audience'));
    return { ...base, kind: 'audience', audience: raw.audience!, audiencePosition, mode: raw.mode as AudienceMode, memberKey: key };
  }
  return { ...base, kind: 'table', mode: raw.mode as TableMode, primaryKey: key };
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
    const folded = columnNameKey(to);
    if (firstIndex.has(folded)) {
      const earlier = firstIndex.get(folded)!;
      const other = raw[earlier]!.to ?? raw[earlier]!.from!;
      const same = other === to ? '' : ` as ${tick(other)}: MySQL column names ignore case`;
      fail('PSSYNC_E_KEY', toPointer, `column ${tick(to)} is mapped twice (also by fields[${earlier}]${same})`);
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
  const scopeColumns = new Set(scope.map(({ column }) => columnNameKey(column)));
  const seen = new Set<string>();
  key.forEach((column, i) => {
    const at = childPointer(pointer, i);
    const folded = columnNameKey(column);
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
  const listed = scope.filter(({ column }) => seen.has(columnNameKey(column))).map(({ column }) => column);
  const unlisted = scope.filter(({ column }) => !seen.has(columnNameKey(column))).map(({ column }) => column);
  if (listed.length > 0 && unlisted.length > 0) {
    fail(
      'PSSYNC_E_SCOPE',
      pointer,
      `${keyName} lists scope column ${listed.map(tick).join(', ')} but not ${unlisted.map(tick).join(', ')}; scope columns are part of the key: list all of them, or none (then they come first)`,
    );
  }
}
