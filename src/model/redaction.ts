/**
 * The secret registry. Every value that came from `${VAR}` interpolation, and every password,
 * is registered here; `redact` replaces them in any text that leaves the process: stdout and
 * stderr (src/cli/io.ts), progress output (`redactingStream`), error messages (PssyncError), plan
 * files and rejects files.
 *
 * A secret is also looked for as it appears once encoded: in a URL (percent-encoding), in JSON
 * (plan files, `--format json`, error meta), and inside a SQL string literal that a server error
 * echoes back (backslash escapes).
 */
const secrets = new Set<string>();
/** Longest first, so a secret that contains another is replaced whole. */
let ordered: string[] = [];
/** Short values (a port, "true") would redact half the output; passwords are kept at any length. */
const MIN_INTERPOLATED_LENGTH = 4;
export const REDACTED = '***';

export function registerSecret(value: string | undefined, options: { always?: boolean } = {}): void {
  if (value === undefined || value === '') return;
  if (!options.always && value.length < MIN_INTERPOLATED_LENGTH) return;
  const forms = [value, encodeURIComponent(value), JSON.stringify(value).slice(1, -1), sqlEscaped(value)];
  let added = false;
  for (const form of forms) {
    if (form === '' || secrets.has(form)) continue;
    secrets.add(form);
    added = true;
  }
  if (added) ordered = [...secrets].sort((a, b) => b.length - a.length);
}

/** The body of mysql2's string literal for `value` (backslash escapes). */
function sqlEscaped(value: string): string {
  return value.replace(/[\0\b\t\n\r\x1a"'\\]/g, (char) => {
    switch (char) {
      case '\0':
        return '\\0';
      case '\b':
        return '\\b';
      case '\t':
        return '\\t';
      case '\n':
        return '\\n';
      case '\r':
        return '\\r';
      case '\x1a':
        return '\\Z';
      default:
        return `\\${char}`;
    }
  });
}

export function redact(text: string): string {
  let result = text;
  for (const secret of ordered) {
    if (result.includes(secret)) result = result.split(secret).join(REDACTED);
  }
  // Credentials inside any URL, registered or not.
  return result.replace(/(\b[a-z][a-z0-9+.-]*:\/\/[^:@/\s]*:)[^@/\s]+@/gi, `$1${REDACTED}@`);
}

/**
 * A stream for libraries that write on their own (listr2's progress output): every write is
 * redacted. Other properties (isTTY, columns, rows, events) are the real stream's.
 */
export function redactingStream<S extends NodeJS.WritableStream & { columns?: number; rows?: number }>(stream: S): S {
  const wrapper = Object.create(stream) as S;
  const write = (chunk: unknown, ...rest: unknown[]): boolean => {
    const text = typeof chunk === 'string' ? chunk : Buffer.isBuffer(chunk) ? chunk.toString('utf8') : chunk;
    const encoding = typeof chunk === 'string' || Buffer.isBuffer(chunk) ? rest.filter((arg) => typeof arg === 'function') : rest;
    return (stream.write as (...args: unknown[]) => boolean).call(stream, typeof text === 'string' ? redact(text) : text, ...encoding);
  };
  Object.defineProperties(wrapper, {
    write: { value: write, writable: true, enumerable: true, configurable: true },
    // Own, enumerable copies: listr2 copies the stream with Object.assign.
    columns: { get: () => stream.columns, enumerable: true, configurable: true },
    rows: { get: () => stream.rows, enumerable: true, configurable: true },
  });
  return wrapper;
}

/** For tests: forget every registered secret. */
export function clearSecrets(): void {
  secrets.clear();
  ordered = [];
}
