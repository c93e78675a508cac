/** What every coercion family shares: the result type, its constructors and rejection messages. */

export type Coerced =
  | { readonly ok: true; readonly value: string | null }
  | { readonly ok: false; readonly reason: string };

export function ok(value: string): Coerced {
  return { ok: true, value };
}

export function fail(reason: string): Coerced {
  return { ok: false, reason };
}

/** A short, readable rendering of a raw value for a rejection reason. */
export function show(raw: unknown): string {
  if (typeof raw === 'string') return `'${raw.length > 40 ? `${raw.slice(0, 37)}...` : raw}'`;
  if (typeof raw === 'number' || typeof raw === 'bigint' || typeof raw === 'boolean') return String(raw);
  if (raw instanceof Date) return `Date(${Number.isNaN(raw.getTime()) ? 'invalid' : raw.toISOString()})`;
  if (Array.isArray(raw)) return 'an array';
  if (raw instanceof Uint8Array) return 'binary data';
  return typeof raw === 'object' ? 'an object' : `a ${typeof raw}`;
}

export function notA(raw: unknown, what: string): Coerced {
  return fail(raw === '' ? `empty string is not ${what}` : `${show(raw)} is not ${what}`);
}

export const PLAIN_INTEGER = /^[+-]?\d+$/;

export function isDigit(code: number): boolean {
  return code >= 48 && code <= 57;
}

export function trimTrailingSpaces(text: string): string {
  let end = text.length;
  while (end > 0 && text.charCodeAt(end - 1) === 32) end--;
  return end === text.length ? text : text.slice(0, end);
}
