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
  const parts = diffWords(before, after).map((part) => {
    const text = escapeText(part.value);
    if (part.added) return `{+${text}+}`;
    if (part.removed) return `[-${text}-]`;
    return text.length > 2 * CONTEXT_CHARS ? `${text.slice(0, CONTEXT_CHARS)}…${text.slice(-CONTEXT_CHARS)}` : text;
  });
  return `"${parts.join('')}"`;
}

/** Control characters, quotes and backslashes escaped as in JSON, so data cannot drive the terminal or break Markdown. */
function escapeText(text: string): string {
  return JSON.stringify(text).slice(1, -1);
}

export function plural(count: number, word: string): string {
  return `${count} ${word}${count === 1 ? '' : 's'}`;
}
