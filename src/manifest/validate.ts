/**
 * JSON Schema validation (ajv, schemas/manifest.schema.json) with errors a person can act on:
 * ajv's raw output (one error per failed keyword, plus the anyOf / if-then wrappers) is
 * collapsed to the most specific problems, each with a readable message and a position.
 */
import { readFileSync } from 'node:fs';
import { Ajv2020, type ErrorObject, type ValidateFunction } from 'ajv/dist/2020.js';
import { identifierProblem } from '../model/identifiers.js';
import type { Diagnostic, DiagnosticCode } from '../model/diagnostic.js';
import { closest, didYouMean } from './suggest.js';
import { childPointer, keyPosition, type PositionIndex, valuePosition } from './yaml-tree.js';
import { tick } from './message-text.js';

/** Resolves from src/manifest (vitest) and from dist/manifest (the package) alike. */
export const MANIFEST_SCHEMA_URL = new URL('../../schemas/manifest.schema.json', import.meta.url);

let compiled: ValidateFunction | undefined;

function validator(): ValidateFunction {
  if (!compiled) {
    const schema = JSON.parse(readFileSync(MANIFEST_SCHEMA_URL, 'utf8')) as object;
    const ajv = new Ajv2020({
      allErrors: true,
      strict: true,
      // The schema's `anyOf: [{required: [url]}, …]` idiom names properties defined one level up.
      strictRequired: false,
      allowUnionTypes: true,
      // verbose: errors carry the failing value and schema, for messages and did-you-mean.
      verbose: true,
    });
    compiled = ajv.compile(schema);
  }
  return compiled;
}

/** One problem before it becomes a Diagnostic: where (pointer + key or value) and what. */
interface Problem {
  readonly pointer: string;
  readonly at: 'key' | 'value';
  readonly message: string;
  readonly code: DiagnosticCode;
}

/**
 * Validates an interpolated manifest value. `skip` holds pointers of strings whose interpolation
 * already failed; their schema errors would only repeat that problem.
 */
export function validateManifest(
  value: unknown,
  index: PositionIndex,
  file: string,
  skip: ReadonlySet<string> = new Set(),
): Diagnostic[] {
  const validate = validator();
  if (validate(value)) return [];
  const problems = collapse(validate.errors ?? []).filter((problem) => !skip.has(problem.pointer));
  const seen = new Set<string>();
  const diagnostics: Diagnostic[] = [];
  for (const problem of problems) {
    const id = `${problem.pointer}\0${problem.message}`;
    if (seen.has(id)) continue;
    seen.add(id);
    const where = problem.at === 'key' ? keyPosition(index, problem.pointer) : valuePosition(index, problem.pointer);
    diagnostics.push({
      code: problem.code,
      severity: 'error',
      message: problem.message,
      file,
      line: where.line,
      column: where.column,
      ...(where.path ? { path: where.path } : {}),
    });
  }
  return diagnostics;
}

/**
 * Drops wrapper errors and replaces each failed anyOf with its most specific explanation.
 * Branch errors are found by schemaPath prefix, so anyOf branches in the schema stay inline:
 * behind a $ref, ajv reports paths relative to the referenced schema.
 */
function collapse(errors: readonly ErrorObject[]): Problem[] {
  const consumed = new Set<ErrorObject>();
  const replacements = new Map<ErrorObject, Problem[]>();
  for (const error of errors) {
    if (error.keyword !== 'anyOf' && error.keyword !== 'oneOf') continue;
    const prefix = `${error.schemaPath}/`;
    const inner = errors.filter(
      (other) =>
        other !== error &&
        other.schemaPath.startsWith(prefix) &&
        (other.instancePath === error.instancePath || other.instancePath.startsWith(`${error.instancePath}/`)),
    );
    for (const other of inner) consumed.add(other);
    replacements.set(error, explainAnyOf(error, inner, prefix));
  }
  const problems: Problem[] = [];
  const missing = missingKeysByObject(errors.filter((error) => !consumed.has(error)));
  for (const error of errors) {
    if (consumed.has(error)) continue;
    if (error.keyword === 'required') {
      // All keys missing from one object make one message, reported once.
      const keys = missing.get(error.instancePath);
      if (keys) problems.push(problem(error.instancePath, 'key', missingMessage(keys)));
      missing.delete(error.instancePath);
      continue;
    }
    const replacement = replacements.get(error);
    if (replacement) problems.push(...replacement);
    else problems.push(...translate(error));
  }
  return problems;
}

function explainAnyOf(error: ErrorObject, inner: readonly ErrorObject[], prefix: string): Problem[] {
  const branches = new Map<number, ErrorObject[]>();
  for (const other of inner) {
    const branch = Number(other.schemaPath.slice(prefix.length).split('/')[0]);
    branches.set(branch, [...(branches.get(branch) ?? []), other]);
  }
  // Alternatives that differ only in required keys: "needs `url` or both `host` and `database`".
  const alternatives = Array.isArray(error.schema) ? (error.schema as Array<{ required?: string[] }>) : [];
  if (inner.length > 0 && inner.every((other) => other.keyword === 'required') && alternatives.every((b) => b.required)) {
    const options = alternatives.map(({ required = [] }) =>
      required.length === 1 ? tick(required[0]!) : `both ${required.map(tick).join(' and ')}`,
    );
    return [problem(error.instancePath, 'key', `needs ${options.join(' or ')}`)];
  }
  // A branch whose type matched the value explains the problem best (e.g. a list with a bad item).
  const typeMismatch = (list: readonly ErrorObject[]): boolean =>
    list.some((other) => other.keyword === 'type' && other.instancePath === error.instancePath);
  for (const list of branches.values()) {
    if (!typeMismatch(list)) return list.flatMap(translate);
  }
  const types = [...branches.values()].flatMap((list) =>
    list.filter((other) => other.keyword === 'type').flatMap((other) => typeNames(other.params.type)),
  );
  return [problem(error.instancePath, 'value', `must be ${joinOr([...new Set(types)])}`)];
}

function translate(error: ErrorObject): Problem[] {
  const pointer = error.instancePath;
  const params = error.params as Record<string, unknown>;
  // propertyNames failures: ajv reports the inner error with `propertyName` set.
  if (error.propertyName !== undefined) {
    return [problem(childPointer(pointer, error.propertyName), 'key', `name ${describe(error)}`)];
  }
  switch (error.keyword) {
    case 'if':
    case 'propertyNames':
      return []; // wrappers: the errors of the branch / of the name say it better
    case 'required':
      return [problem(pointer, 'key', missingMessage([String(params.missingProperty)]))];
    case 'additionalProperties': {
      const key = String(params.additionalProperty);
      return [problem(childPointer(pointer, key), 'key', unknownKey(key, error))];
    }
    case 'enum': {
      const allowed = (params.allowedValues as unknown[]).map(String);
      const hint = typeof error.data === 'string' ? didYouMean(error.data, allowed) : '';
      const isTransform = /\/fields\/\d+\/transform(\/\d+)?$/.test(pointer);
      const message = `${isTransform ? 'unknown transform; ' : ''}must be one of ${allowed.join(', ')}${hint}`;
      return [problem(pointer, 'value', message, isTransform ? 'PSSYNC_E_TRANSFORM' : 'PSSYNC_E_SCHEMA')];
    }
    default:
      return [problem(pointer, 'value', describe(error))];
  }
}

/** The message for a keyword that judges a value (also used for key names). */
function describe(error: ErrorObject): string {
  const params = error.params as Record<string, unknown>;
  const parent = (error.parentSchema ?? {}) as Record<string, unknown>;
  const limit = Number(params.limit);
  // The port accepts an integer or a numeric string; whichever keyword fails, say the same.
  if (parent.maximum === 65535 && ['minimum', 'maximum', 'pattern'].includes(error.keyword)) {
    return 'must be a port number (1 to 65535)';
  }
  switch (error.keyword) {
    case 'type':
      return `must be ${joinOr(typeNames(params.type))}`;
    case 'const':
      return `must be ${JSON.stringify(params.allowedValue)}`;
    case 'minLength':
    case 'maxLength':
      if (parent.minLength === 1 && parent.maxLength === 1) return 'must be a single character';
      if (error.keyword === 'minLength') return limit === 1 ? 'must not be empty' : `must be at least ${limit} characters`;
      return `must be at most ${limit} characters`;
    case 'minimum':
      return `must be at least ${limit}`;
    case 'maximum':
      return `must be at most ${limit}`;
    case 'pattern':
      // MySQL names: say which rule, not the regular expression.
      if (parent.title === 'Name' && typeof error.data === 'string') return `is not a usable MySQL name: it ${identifierProblem(error.data) ?? 'has a character MySQL does not allow'}`;
      return `must match ${String(params.pattern)}`;
    case 'minItems':
      return limit === 1 ? 'must not be empty' : `must have at least ${limit} items`;
    case 'uniqueItems': {
      const items = Array.isArray(error.data) ? (error.data as unknown[]) : [];
      return `lists ${tick(String(items[Number(params.j)]))} twice`;
    }
    case 'enum':
      return `must be one of ${(params.allowedValues as unknown[]).map(String).join(', ')}`;
    default:
      return error.message ?? 'is not valid';
  }
}

function missingKeysByObject(errors: readonly ErrorObject[]): Map<string, string[]> {
  const missing = new Map<string, string[]>();
  for (const error of errors) {
    if (error.keyword !== 'required') continue;
    const keys = missing.get(error.instancePath) ?? [];
    const key = String((error.params as { missingProperty: unknown }).missingProperty);
    if (!keys.includes(key)) keys.push(key);
    missing.set(error.instancePath, keys);
  }
  return missing;
}

function missingMessage(keys: readonly string[]): string {
  const hints = keys.map((key) => REQUIRED_HINTS[key] ?? '').join('');
  const names = keys.map(tick);
  if (names.length === 1) return `missing required key ${names[0]!}${hints}`;
  return `missing required keys ${names.slice(0, -1).join(', ')} and ${names.at(-1)!}${hints}`;
}

const CSV_OPTIONS = new Set(['delimiter', 'quote', 'escape', 'header', 'columns', 'null_values', 'encoding']);

const REQUIRED_HINTS: Readonly<Record<string, string>> = {
  columns: ' (a csv source with `header: false` names its columns)',
};

function unknownKey(key: string, error: ErrorObject): string {
  const properties = Object.keys(((error.parentSchema ?? {}) as { properties?: object }).properties ?? {});
  const data = (error.data ?? {}) as Record<string, unknown>;
  if (key === 'primary_key' && properties.includes('member_key')) {
    return 'unknown key `primary_key`: an audience sync is keyed by `member_key`';
  }
  if (key === 'member_key' && properties.includes('primary_key')) {
    return 'unknown key `member_key`: a table sync is keyed by `primary_key` (an audience sync needs `audience:`)';
  }
  if (CSV_OPTIONS.has(key) && typeof data.kind === 'string' && data.kind !== 'csv') {
    return `unknown key ${tick(key)}: it is a csv option, and this source is ${tick(data.kind)}`;
  }
  const suggestion = closest(key, properties);
  return `unknown key ${tick(key)}${suggestion ? ` (did you mean ${tick(suggestion)}?)` : ''}`;
}

const TYPE_NAMES: Readonly<Record<string, string>> = {
  string: 'a string',
  integer: 'an integer',
  number: 'a number',
  boolean: 'a boolean (true or false)',
  object: 'a mapping (key: value)',
  array: 'a list',
  null: 'empty',
};

function typeNames(type: unknown): string[] {
  const list = Array.isArray(type) ? type.map(String) : String(type).split(',');
  return list.map((name) => TYPE_NAMES[name] ?? name);
}

function joinOr(items: readonly string[]): string {
  return items.length <= 1 ? (items[0] ?? '') : `${items.slice(0, -1).join(', ')} or ${items.at(-1)!}`;
}

function problem(pointer: string, at: 'key' | 'value', message: string, code: DiagnosticCode = 'PSSYNC_E_SCHEMA'): Problem {
  return { pointer, at, message, code };
}
