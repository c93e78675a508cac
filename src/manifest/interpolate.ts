/**
 * `${VAR}` / `${VAR:-default}` interpolation in every string value of the manifest (keys are
 * never interpolated), and registration of every secret it touches. Diagnostics name variables,
 * never values, so nothing read from the environment can leak through an error message.
 */
import { registerSecret } from '../model/redaction.js';
import type { Diagnostic } from '../model/diagnostic.js';
import { childPointer, type PositionIndex, valuePosition } from './yaml-tree.js';

export type Env = Readonly<Record<string, string | undefined>>;

export interface StringInterpolation {
  readonly value: string;
  /** Variables that are unset (or empty) and have no default. */
  readonly missing: readonly string[];
  /** Malformed `${…}` expressions, as written (manifest text, not secrets). */
  readonly malformed: readonly string[];
  /** Values taken from the environment (defaults are manifest text, so not included). */
  readonly fromEnv: readonly string[];
}

export interface InterpolationResult {
  readonly value: unknown;
  readonly diagnostics: readonly Diagnostic[];
  /** Pointers of strings left uninterpolated because of an error: schema checks skip them. */
  readonly unresolved: ReadonlySet<string>;
}

const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/**
 * Interpolates one string. Shell semantics for `:-`: the default applies when the variable is
 * unset or empty. A set-but-empty variable without a default is the empty string.
 */
export function interpolateString(text: string, env: Env): StringInterpolation {
  const missing: string[] = [];
  const malformed: string[] = [];
  const fromEnv: string[] = [];
  let value = '';
  let i = 0;
  while (i < text.length) {
    if (text.startsWith('$${', i)) {
      value += '${';
      i += 3;
      continue;
    }
    if (!text.startsWith('${', i)) {
      value += text[i];
      i += 1;
      continue;
    }
    const end = text.indexOf('}', i + 2);
    if (end < 0) {
      malformed.push(text.slice(i));
      value += text.slice(i);
      break;
    }
    const expression = text.slice(i + 2, end);
    i = end + 1;
    const separator = expression.indexOf(':-');
    const name = separator < 0 ? expression : expression.slice(0, separator);
    const fallback = separator < 0 ? undefined : expression.slice(separator + 2);
    if (!NAME.test(name) || fallback?.includes('${')) {
      malformed.push(`\${${expression}}`);
      continue;
    }
    const set = env[name];
    if (set !== undefined && (set !== '' || fallback === undefined)) {
      value += set;
      fromEnv.push(set);
    } else if (fallback !== undefined) {
      value += fallback;
    } else {
      missing.push(name);
    }
  }
  return { value, missing, malformed, fromEnv };
}

/** Interpolates every string in a plain YAML value; positions come from the index. */
export function interpolate(root: unknown, index: PositionIndex, env: Env, file: string): InterpolationResult {
  const diagnostics: Diagnostic[] = [];
  const unresolved = new Set<string>();

  const visit = (value: unknown, pointer: string): unknown => {
    if (typeof value === 'string') {
      if (!value.includes('$')) return value;
      const result = interpolateString(value, env);
      for (const secret of result.fromEnv) registerSecret(secret);
      if (result.missing.length === 0 && result.malformed.length === 0) return result.value;
      const where = valuePosition(index, pointer);
      const report = (message: string): void => {
        diagnostics.push({
          code: 'PSSYNC_E_ENV',
          severity: 'error',
          message,
          file,
          line: where.line,
          column: where.column,
          path: where.path,
        });
      };
      for (const name of new Set(result.missing)) {
        report(`environment variable ${name} is not set (use \${${name}:-default} to give a default)`);
      }
      for (const expression of result.malformed) {
        report(`malformed interpolation \`${expression}\`: use \${NAME} or \${NAME:-default}, and $\${ for a literal \${`);
      }
      unresolved.add(pointer);
      return value;
    }
    if (Array.isArray(value)) return value.map((item, i) => visit(item, childPointer(pointer, i)));
    if (isRecord(value)) {
      const result: Record<string, unknown> = {};
      for (const [key, child] of Object.entries(value)) {
        Object.defineProperty(result, key, {
          value: visit(child, childPointer(pointer, key)),
          enumerable: true,
          writable: true,
          configurable: true,
        });
      }
      return result;
    }
    return value;
  };

  return { value: visit(root, ''), diagnostics, unresolved };
}

/**
 * Registers passwords, whatever their length and wherever they came from: destination
 * `password`s and the password part of destination and source `url`s.
 */
export function registerManifestSecrets(root: unknown): void {
  if (!isRecord(root)) return;
  for (const section of ['destinations', 'sources'] as const) {
    const entries = root[section];
    if (!isRecord(entries)) continue;
    for (const entry of Object.values(entries)) {
      if (!isRecord(entry)) continue;
      if (section === 'destinations' && typeof entry.password === 'string') {
        registerSecret(entry.password, { always: true });
      }
      if (typeof entry.url === 'string') {
        for (const password of urlPasswords(entry.url)) registerSecret(password, { always: true });
      }
    }
  }
}

/**
 * The password of `scheme://user:password@host…`, raw and percent-decoded. Deliberately loose
 * (everything up to the last `@`), so a password with unescaped `/`, `#` or `@` is still caught.
 */
export function urlPasswords(url: string): string[] {
  const scheme = /^[a-z][a-z0-9+.-]*:\/\//i.exec(url);
  if (!scheme) return [];
  const rest = url.slice(scheme[0].length);
  const at = rest.lastIndexOf('@');
  if (at < 0) return [];
  const userinfo = rest.slice(0, at);
  const colon = userinfo.indexOf(':');
  if (colon < 0) return [];
  const raw = userinfo.slice(colon + 1);
  if (raw === '') return [];
  try {
    const decoded = decodeURIComponent(raw);
    return decoded === raw ? [raw] : [raw, decoded];
  } catch {
    return [raw];
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
