/** How values look in human output: quoted strings, NULL, long values shortened, long changes as word diffs. */
import { diffWords } from 'diff';

const MAX_VALUE_CHARS = 60;
/** Changes to values longer than this are shown as a word diff rather than two walls of text. */
const DIFF_THRESHOLD = 40;
/** Unchanged words kept around each change in a word diff. */
const CONTEXT_CHARS = 20;

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

/**
 * `before → after`, or for long texts and JSON a word diff: `…unchanged [-removed-]{+added+} unchanged…`
 * (the wdiff convention), with long unchanged stretches elided.
 */
export function showChange(before: string | null, after: string | null): string {
  if (before === null || after === null || Math.max(before.length, after.length) <= DIFF_THRESHOLD) {
    return `${showValue(before)} → ${showValue(after)}`;
  }
  return diffWords(before, after)
    .map((part) => {
      if (part.added) return `{+${part.value}+}`;
      if (part.removed) return `[-${part.value}-]`;
      return part.value.length > 2 * CONTEXT_CHARS
        ? `${part.value.slice(0, CONTEXT_CHARS)}…${part.value.slice(-CONTEXT_CHARS)}`
        : part.value;
    })
    .join('')
    .replace(/\n/g, '⏎');
}

export function plural(count: number, word: string): string {
  return `${count} ${word}${count === 1 ? '' : 's'}`;
}
