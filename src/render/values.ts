/** How values look in human output: quoted strings, NULL, long values shortened. */
const MAX_VALUE_CHARS = 60;

export function showValue(value: string | null): string {
  if (value === null) return 'NULL';
  const text = JSON.stringify(value);
  return text.length > MAX_VALUE_CHARS ? `${text.slice(0, MAX_VALUE_CHARS - 2)}…"` : text;
}

export function showRow(row: Readonly<Record<string, string | null>>): string {
  return Object.entries(row)
    .map(([column, value]) => `${column}=${showValue(value)}`)
    .join(' ');
}

export function plural(count: number, word: string): string {
  return `${count} ${word}${count === 1 ? '' : 's'}`;
}
