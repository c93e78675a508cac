/**
 * Source record → desired row: pick each target column's field (or constant), apply transforms,
 * coerce to the column type. Returns the canonical row or the reasons it cannot be written.
 */
import { isBinaryFamily } from '../model/column-type.js';
import type { DiagnosticCode } from '../model/diagnostic.js';
import type { Row, Value } from '../model/row.js';
import type { TargetColumn } from './target-columns.js';
import { charsetCheck } from './charset.js';
import { coerceValue } from './coerce.js';
import { applyTransforms } from './transforms.js';

const TEXT_FAMILIES: ReadonlySet<string> = new Set(['char', 'varchar', 'text']);

export interface RowProblem {
  readonly code: DiagnosticCode;
  readonly column: string;
  readonly message: string;
}

export type MappedRow = { readonly ok: true; readonly values: Row } | { readonly ok: false; readonly problems: readonly RowProblem[] };

export type RowMapper = (fields: Readonly<Record<string, unknown>>) => MappedRow;

export function createRowMapper(columns: readonly TargetColumn[]): RowMapper {
  const steps = columns.map((column) => {
    const origin = column.origin;
    if (origin.kind === 'constant') {
      // Constants are canonical already (target-columns.ts). Coercing is idempotent for every type
      // but bytes, whose canonical form (a byte string) read as text would be encoded again.
      const coerced = isBinaryFamily(column.type.family) ? { ok: true as const, value: origin.value } : coerceValue(origin.value, column.type);
      return () => coerced;
    }
    const transforms = origin.transforms;
    return (fields: Readonly<Record<string, unknown>>) => {
      const raw = readField(fields, origin.from);
      return coerceValue(transforms.length ? applyTransforms(raw, transforms) : raw, column.type);
    };
  });

  // A NULL the column cannot hold is a bad row now, not a failed statement mid-apply.
  const notNull = columns.map((column) => column.live?.nullable === false && !column.isKey);
  // So is a character the column's character set lacks (latin1, utf8mb3…); enum and set values are members already.
  const charsetChecks = columns.map((column) => (TEXT_FAMILIES.has(column.type.family) ? charsetCheck(column.collation) : undefined));
  return (fields) => {
    const values: Value[] = new Array<Value>(columns.length);
    let problems: RowProblem[] | undefined;
    for (let index = 0; index < columns.length; index += 1) {
      const column = columns[index]!;
      const result = steps[index]!(fields);
      if (!result.ok) {
        (problems ??= []).push({ code: 'PSSYNC_E_ROW_VALUE', column: column.name, message: result.reason });
      } else if (result.value === null && column.isKey) {
        const from = column.origin.kind === 'field' ? column.origin.from : column.name;
        (problems ??= []).push({ code: 'PSSYNC_E_ROW_KEY_MISSING', column: column.name, message: `key field \`${from}\` is missing or NULL` });
      } else if (result.value === null && notNull[index]) {
        (problems ??= []).push({ code: 'PSSYNC_E_ROW_VALUE', column: column.name, message: `NULL into a NOT NULL column (\`${column.name}\` ${column.live!.columnType} NOT NULL)` });
      } else {
        const unstorable = typeof result.value === 'string' ? charsetChecks[index]?.(result.value) : undefined;
        if (unstorable) (problems ??= []).push({ code: 'PSSYNC_E_ROW_VALUE', column: column.name, message: unstorable });
        else values[index] = result.value;
      }
    }
    return problems ? { ok: false, problems } : { ok: true, values };
  };
}

/** A field by name; a dotted path (`address.city`) reaches into nested objects when no flat field has that name. */
function readField(fields: Readonly<Record<string, unknown>>, name: string): unknown {
  const flat = fields[name]; // one lookup for the common case, `in` only for undefined
  if (flat !== undefined || name in fields) return flat;
  if (!name.includes('.')) return undefined;
  let value: unknown = fields;
  for (const part of name.split('.')) {
    if (value === null || typeof value !== 'object') return undefined;
    value = (value as Record<string, unknown>)[part];
  }
  return value;
}
