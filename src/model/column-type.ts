/**
 * MySQL column types as values: parsed once from a manifest `type:` or from
 * information_schema.COLUMNS.COLUMN_TYPE, then asked questions (family, limits, keyability).
 * `sql` is the canonical spelling, so two types are the same exactly when their `sql` is.
 */
export type TypeFamily =
  | 'integer'
  | 'decimal'
  | 'float'
  | 'double'
  | 'bit'
  | 'char'
  | 'varchar'
  | 'text'
  | 'binary'
  | 'blob'
  | 'date'
  | 'datetime'
  | 'timestamp'
  | 'time'
  | 'year'
  | 'json'
  | 'enum'
  | 'set';

export interface ColumnType {
  readonly family: TypeFamily;
  /** Base keyword, lower case: `int`, `varchar`, `decimal`, … */
  readonly name: string;
  /** Canonical SQL spelling, e.g. `decimal(12,2)`, `varchar(64)`, `bigint unsigned`. */
  readonly sql: string;
  /** Characters for char/varchar, bytes for binary/varbinary, bits for bit. */
  readonly length?: number;
  readonly precision?: number;
  readonly scale?: number;
  /** Fractional-second digits of datetime, timestamp and time. */
  readonly fsp?: number;
  readonly unsigned?: boolean;
  readonly values?: readonly string[];
  /** Largest value in bytes for text and blob types. */
  readonly maxBytes?: number;
  /** Whether the type can be (part of) a primary key without a prefix length. */
  readonly keyable: boolean;
  /** JSON on a server that stores it as its text (MariaDB: caps.jsonIsLongtext): integers of any size are kept. */
  readonly jsonText?: true;
}

const INTEGER_BITS: Readonly<Record<string, number>> = {
  tinyint: 8,
  smallint: 16,
  mediumint: 24,
  int: 32,
  bigint: 64,
};

const TEXT_BYTES: Readonly<Record<string, number>> = {
  tinytext: 255,
  text: 65_535,
  mediumtext: 16_777_215,
  longtext: 4_294_967_295,
  tinyblob: 255,
  blob: 65_535,
  mediumblob: 16_777_215,
  longblob: 4_294_967_295,
};

const ALIASES: Readonly<Record<string, string>> = {
  integer: 'int',
  bool: 'tinyint(1)',
  boolean: 'tinyint(1)',
  dec: 'decimal',
  numeric: 'decimal',
  fixed: 'decimal',
  real: 'double',
  'double precision': 'double',
};

/** Integer range of an integer column, as BigInts. */
export function integerRange(type: ColumnType): { readonly min: bigint; readonly max: bigint } {
  const bits = BigInt(INTEGER_BITS[type.name] ?? 64);
  if (type.unsigned) return { min: 0n, max: (1n << bits) - 1n };
  return { min: -(1n << (bits - 1n)), max: (1n << (bits - 1n)) - 1n };
}

/** Whether an integer column is MySQL's boolean spelling, tinyint(1). */
export function isBooleanType(type: ColumnType): boolean {
  return type.name === 'tinyint' && type.length === 1;
}

/**
 * Parses a column type. Returns undefined for anything that is not a valid MySQL column type,
 * so the manifest validator can report it. Display widths of integers are dropped (MySQL 8.0.19+
 * does the same) except tinyint(1), the boolean convention.
 */
export function parseColumnType(text: string): ColumnType | undefined {
  let source = normalizeOutsideQuotes(text.trim());
  source = source.replace(/ zerofill\b/, '');
  source = ALIASES[source] ?? source.replace(/^(double precision|integer|dec|numeric|fixed|real)\b/, (word) => ALIASES[word]!);

  const match = /^([a-z]+)(?:\s*\((.*)\))?((?: (?:unsigned|signed))?)$/.exec(source);
  if (!match) return undefined;
  const name = match[1]!;
  const args = match[2];
  const unsigned = match[3]!.trim() === 'unsigned';
  const numbers = args === undefined ? [] : args.split(',').map((part) => part.trim());
  const ints = numbers.map((part) => (/^\d+$/.test(part) ? Number(part) : Number.NaN));
  if (ints.some(Number.isNaN) && name !== 'enum' && name !== 'set') return undefined;

  if (name in INTEGER_BITS) {
    if (ints.length > 1) return undefined;
    const isBool = name === 'tinyint' && ints[0] === 1;
    return {
      family: 'integer',
      name,
      sql: `${name}${isBool ? '(1)' : ''}${unsigned ? ' unsigned' : ''}`,
      ...(isBool ? { length: 1 } : {}),
      unsigned,
      keyable: true,
    };
  }
  if (unsigned && !['decimal', 'float', 'double'].includes(name)) return undefined;
  switch (name) {
    case 'decimal': {
      const precision = ints[0] ?? 10;
      const scale = ints[1] ?? 0;
      if (ints.length > 2 || precision < 1 || precision > 65 || scale > 30 || scale > precision) return undefined;
      return {
        family: 'decimal',
        name,
        sql: `decimal(${precision},${scale})${unsigned ? ' unsigned' : ''}`,
        precision,
        scale,
        unsigned,
        keyable: true,
      };
    }
    case 'float':
    case 'double': {
      if (ints.length !== 0) return undefined; // float(M,D) is deprecated; keep types exact
      return { family: name, name, sql: `${name}${unsigned ? ' unsigned' : ''}`, unsigned, keyable: true };
    }
    case 'bit': {
      const length = ints[0] ?? 1;
      if (ints.length > 1 || length < 1 || length > 64) return undefined;
      return { family: 'bit', name, sql: `bit(${length})`, length, keyable: true };
    }
    case 'char':
    case 'binary': {
      const length = ints[0] ?? 1;
      if (ints.length > 1 || length > 255) return undefined;
      return { family: name === 'char' ? 'char' : 'binary', name, sql: `${name}(${length})`, length, keyable: true };
    }
    case 'varchar':
    case 'varbinary': {
      const length = ints[0];
      if (length === undefined || ints.length > 1 || length > 65_535) return undefined;
      return {
        family: name === 'varchar' ? 'varchar' : 'binary',
        name,
        sql: `${name}(${length})`,
        length,
        keyable: true,
      };
    }
    case 'tinytext':
    case 'text':
    case 'mediumtext':
    case 'longtext':
    case 'tinyblob':
    case 'blob':
    case 'mediumblob':
    case 'longblob':
      if (ints.length !== 0) return undefined;
      return {
        family: name.endsWith('blob') ? 'blob' : 'text',
        name,
        sql: name,
        maxBytes: TEXT_BYTES[name]!,
        keyable: false,
      };
    case 'date':
    case 'year':
      if (ints.length !== 0 && !(name === 'year' && ints[0] === 4)) return undefined;
      return { family: name, name, sql: name, keyable: true };
    case 'datetime':
    case 'timestamp':
    case 'time': {
      const fsp = ints[0] ?? 0;
      if (ints.length > 1 || fsp > 6) return undefined;
      return { family: name, name, sql: fsp > 0 ? `${name}(${fsp})` : name, fsp, keyable: true };
    }
    case 'json':
      if (args !== undefined) return undefined;
      return { family: 'json', name, sql: 'json', keyable: false };
    case 'enum':
    case 'set': {
      const values = args === undefined ? undefined : parseQuotedList(args);
      if (values === undefined || values.length === 0) return undefined;
      const sqlValues = values.map((value) => `'${value.replace(/'/g, "''")}'`).join(',');
      return { family: name, name, sql: `${name}(${sqlValues})`, values, keyable: true };
    }
    default:
      return undefined;
  }
}

/**
 * Lower-cases and collapses whitespace, except inside '…' (enum and set members keep their case
 * and spacing: MySQL stores and returns them as declared).
 */
function normalizeOutsideQuotes(text: string): string {
  const parts = text.split("'");
  // Even indexes are outside quotes; `''` inside a member splits into an empty odd/even pair.
  return parts.map((part, index) => (index % 2 === 0 ? part.toLowerCase().replace(/\s+/g, ' ') : part)).join("'");
}

/** Parses `'a','b''c'` (as written in enum(…) and in information_schema) into its strings. */
function parseQuotedList(text: string): string[] | undefined {
  const values: string[] = [];
  const pattern = /\s*'((?:[^']|'')*)'\s*(,|$)/y;
  let position = 0;
  while (position < text.length) {
    pattern.lastIndex = position;
    const match = pattern.exec(text);
    if (!match) return undefined;
    values.push(match[1]!.replace(/''/g, "'"));
    position = pattern.lastIndex;
    if (match[2] === '') break;
  }
  return position === text.length ? values : undefined;
}

/** Families whose values are characters in a character set, compared under a collation. */
const CHARACTER_FAMILIES: ReadonlySet<TypeFamily> = new Set(['char', 'varchar', 'text', 'enum', 'set']);

export function isCharacterFamily(family: TypeFamily): boolean {
  return CHARACTER_FAMILIES.has(family);
}

/** Families whose values are bytes (model/byte-string.ts), compared bytewise. */
export function isBinaryFamily(family: TypeFamily): boolean {
  return family === 'binary' || family === 'blob';
}

/** The type pssync uses for a column without a declared type. */
export function defaultColumnType(isKey: boolean): ColumnType {
  return parseColumnType(isKey ? 'varchar(255)' : 'text')!;
}

/** The type as written in DDL: keyword upper case, enum/set members exactly as declared. */
export function ddlTypeSql(type: ColumnType): string {
  return type.family === 'enum' || type.family === 'set'
    ? `${type.name.toUpperCase()}${type.sql.slice(type.name.length)}`
    : type.sql.toUpperCase();
}
