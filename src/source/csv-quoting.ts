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
