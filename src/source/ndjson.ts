/**
 * NDJSON: one JSON object per line, streamed line by line; blank lines are skipped. UTF-8 is
 * checked (a BOM is skipped); numbers keep every digit (see json-value.ts); `.gz` is gunzipped.
 */
import { StringDecoder } from 'node:string_decoder';
import type { NdjsonSourceConfig } from '../manifest/types.js';
import { inputError, openInput, type InputOptions } from './input.js';
import { JsonSyntaxError, describeJson, parseJsonValue } from './json-value.js';
import { SourceError, type SourceRow } from './source.js';

export async function* readNdjson(config: NdjsonSourceConfig, options: Pick<InputOptions, 'stdin'> = {}): AsyncGenerator<SourceRow> {
  const input = await openInput(config.path, { utf8: true, ...options });
  let line = 0;
  try {
    for await (const text of splitLines(input.stream as AsyncIterable<Buffer>)) {
      line += 1;
      if (text.length === 0 || text.trim() === '') continue;
      yield { fields: parseObject(config.path, line === 1 ? text.replace(/^\uFEFF/, '') : text, line), line };
    }
  } catch (error) {
    throw inputError(config.path, error, line + 1);
  } finally {
    input.stream.destroy();
  }
}

/** Lines of UTF-8 text (LF or CRLF), without their ends; a last line without LF counts too. */
async function* splitLines(chunks: AsyncIterable<Buffer>): AsyncGenerator<string> {
  const decoder = new StringDecoder('utf8');
  let carry = '';
  for await (const chunk of chunks) {
    const text = carry + decoder.write(chunk);
    let start = 0;
    for (let end = text.indexOf('\n'); end !== -1; end = text.indexOf('\n', start)) {
      yield text.charCodeAt(end - 1) === 13 && end > start ? text.slice(start, end - 1) : text.slice(start, end);
      start = end + 1;
    }
    carry = text.slice(start);
  }
  carry += decoder.end();
  if (carry.length > 0) yield carry.endsWith('\r') ? carry.slice(0, -1) : carry;
}

function parseObject(file: string, text: string, line: number): Record<string, unknown> {
  let value: unknown;
  try {
    value = parseJsonValue(text);
  } catch (error) {
    if (!(error instanceof JsonSyntaxError)) throw error;
    const at = error.offset === undefined ? '' : ` at character ${error.offset + 1}`;
    throw new SourceError(file, `invalid JSON${at}: ${error.message}`, line, { cause: error });
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new SourceError(file, `expected a JSON object on this line, found ${describeJson(value)}`, line);
  }
  return value as Record<string, unknown>;
}
