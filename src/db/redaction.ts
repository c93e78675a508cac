/**
 * The secret registry. Every value that came from `${VAR}` interpolation, and every password,
 * is registered here; `redact` replaces them in any text that leaves the process.
 */
const secrets = new Set<string>();
/** Short values (a port, "true") would redact half the output; passwords are kept at any length. */
const MIN_INTERPOLATED_LENGTH = 4;
export const REDACTED = '***';

export function registerSecret(value: string | undefined, options: { always?: boolean } = {}): void {
  if (value === undefined || value === '') return;
  if (!options.always && value.length < MIN_INTERPOLATED_LENGTH) return;
  secrets.add(value);
  const encoded = encodeURIComponent(value);
  if (encoded !== value) secrets.add(encoded);
}

export function redact(text: string): string {
  let result = text;
  for (const secret of secrets) {
    if (result.includes(secret)) result = result.split(secret).join(REDACTED);
  }
  // Credentials inside any URL, registered or not.
  return result.replace(/(\b[a-z][a-z0-9+.-]*:\/\/[^:@/\s]*:)[^@/\s]+@/gi, `$1${REDACTED}@`);
}

/** For tests: forget every registered secret. */
export function clearSecrets(): void {
  secrets.clear();
}
