/**
 * Which fields of a CSV record were quoted, read from the record's raw text.
 *
 * csv-parse has already split the record into fields; it only drops whether each field was quoted,
 * which decides NULL (unquoted empty field or null marker) versus text. Asking csv-parse per field
 * (its `cast` callback) builds a context object for every field and makes reading ~5x slower, so
 * instead the reader asks this module, and only for the few records holding an empty or marker value.
 *
 * This is not a parser: it trusts that csv-parse accepted the record, so it only needs to find where
 * each field starts. A field is quoted exactly when its first character is the quote (csv-parse runs
 * without trimming, so no space can come before the quote).
 */

export interface CsvSyntax {
  readonly delimiter: string;
  readonly quote: string;
  /** Escapes the next character inside a quoted field; when it equals `quote`, a doubled quote is one quote. */
  readonly escape: string;
}

/**
 * For fields 0..lastField of the record whose text starts at `from` in `raw`, whether each is quoted.
 * `raw` is csv-parse's raw text of the record (it may begin with skipped blank lines: pass `from`
 * past them); the record's line terminator, if any, follows the last field and is never looked at.
 */
export function quotedFields(raw: string, from: number, syntax: CsvSyntax, lastField: number): boolean[] {
  const quoted: boolean[] = [];
  let position = from;
  for (let field = 0; field <= lastField; field++) {
    const isQuoted = raw.startsWith(syntax.quote, position);
    quoted.push(isQuoted);
    if (field === lastField) break;
    // After a closing quote csv-parse only accepts a delimiter or the end of the record, and an
    // unquoted field cannot hold a quote or a line break: the field ends at the next delimiter.
    const afterQuotes = isQuoted ? closingQuoteEnd(raw, position + syntax.quote.length, syntax) : position;
    const delimiter = raw.indexOf(syntax.delimiter, afterQuotes);
    if (delimiter === -1) break; // cannot happen for a record csv-parse split; the rest count as unquoted
    position = delimiter + syntax.delimiter.length;
  }
  return quoted;
}

/** Where the quoted part that starts at `position` (just after the opening quote) ends, past its closing quote. */
function closingQuoteEnd(raw: string, position: number, { quote, escape }: CsvSyntax): number {
  const escapeIsQuote = escape === quote;
  while (position < raw.length) {
    if (escapeIsQuote) {
      // RFC 4180: inside quotes, "" is one quote character; a single " closes the field.
      if (raw.startsWith(quote, position)) {
        if (!raw.startsWith(quote, position + quote.length)) return position + quote.length;
        position += 2 * quote.length;
        continue;
      }
    } else if (raw.startsWith(escape, position)) {
      // Like csv-parse: the escape makes whatever character follows it ordinary, a quote included.
      position += escape.length + 1;
      continue;
    } else if (raw.startsWith(quote, position)) {
      return position + quote.length;
    }
    position++;
  }
  return raw.length;
}

/** What a record's quoting breaks, and where (an index into the text). */
export type QuotingProblem =
  | { readonly kind: 'text-after-quote'; readonly at: number; readonly got: string }
  | { readonly kind: 'quote-in-unquoted'; readonly at: number; readonly field: number }
  | { readonly kind: 'unclosed'; readonly at: number };

/**
 * Checks the quoting of one record, text[from, to) without its line break, the way csv-parse
 * checks it (PapaParse, which split the record, is lenient: it accepts spaces after a closing
 * quote and a quote inside an unquoted field), and tells which fields were quoted. RFC 4180
 * quoting only: the escape is the quote, so `""` inside quotes is one quote.
 */
export function checkQuoting(text: string, from: number, to: number, delimiter: string, quote: string): boolean[] | QuotingProblem {
  const quoted: boolean[] = [];
  // The next delimiter and quote at or after `position`, found again only once passed: a search
  // may run past the record (into the rest of the text), but only once per record.
  let nextDelimiter = -1;
  let nextQuote = -1;
  let position = from;
  for (let field = 0; ; field++) {
    if (text.startsWith(quote, position)) {
      quoted.push(true);
      let closing = text.indexOf(quote, position + 1);
      while (closing !== -1 && closing < to && text.startsWith(quote, closing + 1)) closing = text.indexOf(quote, closing + 2);
      if (closing === -1 || closing >= to) return { kind: 'unclosed', at: position };
      position = closing + 1;
      if (position === to) return quoted;
      if (!text.startsWith(delimiter, position)) return { kind: 'text-after-quote', at: position, got: text[position]! };
      position += delimiter.length;
      continue;
    }
    quoted.push(false);
    if (nextDelimiter < position) nextDelimiter = orEnd(text.indexOf(delimiter, position));
    if (nextQuote < position) nextQuote = orEnd(text.indexOf(quote, position));
    const end = Math.min(nextDelimiter, to);
    if (nextQuote < end) return { kind: 'quote-in-unquoted', at: nextQuote, field };
    if (end === to) return quoted;
    position = end + delimiter.length;
  }
}

/** An index from indexOf, with "not found" as past every index. */
export function orEnd(index: number): number {
  return index === -1 ? Number.POSITIVE_INFINITY : index;
}
