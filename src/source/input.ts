/**
 * Opens a file source (or standard input for `-`) as a stream of bytes, ready for a parser:
 * - gunzipped when the path ends in `.gz` (standard input: when it starts with the gzip magic);
 * - checked as UTF-8 when asked, so a wrong encoding is an error naming the line, never
 *   silently replaced characters;
 * - watched: a regular file that is truncated, grows, is replaced or removed while it is read
 *   is an error, not a silently shorter source;
 * - counted: `lines` is how many lines have passed so far, for errors without a position;
 * - for CSV, its line breaks told: LF or CRLF, or a lone CR (old Mac files) when that is the first.
 * Everything streams; nothing holds more than a chunk.
 */
import { isUtf8 } from 'node:buffer';
import { open, stat } from 'node:fs/promises';
import { PassThrough, Readable, Transform, pipeline, type TransformCallback } from 'node:stream';
import { createGunzip } from 'node:zlib';
import { SourceError } from './source.js';

export interface InputOptions {
  /** Fail on bytes that are not UTF-8 (every source but a latin1 CSV). */
  readonly utf8: boolean;
  /** Standard input, for tests; defaults to process.stdin. */
  readonly stdin?: Readable;
  /** Find the line breaks (`Input.breaks`): a lone CR counts as one when the first line break is one. */
  readonly detectCr?: boolean;
}

/** `lf`: LF or CRLF ends a line (a lone CR is text). `cr`: CR, CRLF and LF each end one. */
export type LineBreaks = 'lf' | 'cr';

export interface Input {
  /** Decompressed, validated bytes. Errors arrive as SourceError or as raw I/O errors (see inputError). */
  readonly stream: Readable;
  /** Lines that have passed through so far: where the input was when an error struck. */
  readonly lines: () => number;
  /** The input's line breaks (always `lf` unless `detectCr`). */
  readonly breaks: LineBreaks;
}

/**
 * Read in pieces of this size. Not larger: a parser's decoded text of 256 KB (a two-byte string
 * of 512 KB, past V8's largest young-generation object) lands in the large-object space and
 * lives until a full collection, with every value sliced from it; reading the benchmark's CSV
 * then took twice as long (issue 12: 12.8 s on the CSV thread, 5.5 s at 64 KB).
 */
const CHUNK_BYTES = 64 * 1024;
/** Read at most this far for the first line break; a file without one by then is taken as LF. */
const LINE_BREAK_SNIFF_BYTES = 1024 * 1024;
const CR = 0x0d;
const LF = 0x0a;

/**
 * The line breaks of a text, from its first one: a CR not followed by LF makes it an old-Mac
 * (CR) text; undefined while no line break (or only a CR at the very end of `bytes`) is seen.
 */
export function firstLineBreak(bytes: Uint8Array, atEnd: boolean): LineBreaks | undefined {
  for (let index = 0; index < bytes.length; index += 1) {
    const byte = bytes[index];
    if (byte === LF) return 'lf';
    if (byte === CR) {
      if (index + 1 < bytes.length) return bytes[index + 1] === LF ? 'lf' : 'cr';
      return atEnd ? 'cr' : undefined;
    }
  }
  return undefined;
}

export async function openInput(path: string, options: InputOptions): Promise<Input> {
  const fromStdin = path === '-';
  let raw: Readable = fromStdin ? (options.stdin ?? process.stdin) : await openFile(path);
  let gzip = !fromStdin && path.toLowerCase().endsWith('.gz');
  if (fromStdin) {
    const sniffed = await sniff(raw, (length) => length >= 2);
    raw = sniffed.stream;
    gzip = sniffed.head.length >= 2 && sniffed.head[0] === 0x1f && sniffed.head[1] === 0x8b;
  }
  const check = new ByteCheck(path, options.utf8, !gzip, options.detectCr === true);
  const stages: NodeJS.ReadWriteStream[] = gzip ? [createGunzip({ chunkSize: 64 * 1024 }), check] : [check];
  let stream = pipeline(raw, ...(stages as [Transform]), () => undefined) as unknown as Readable;
  if (options.detectCr) {
    // The parser must know its record delimiters before it starts: read up to the first line break.
    try {
      stream = (await sniff(stream, (length) => check.breaks !== undefined || length >= LINE_BREAK_SNIFF_BYTES)).stream;
    } catch (error) {
      throw inputError(path, error, check.lines + 1);
    }
    check.breaks ??= 'lf';
  }
  return { stream, lines: () => check.lines, breaks: check.breaks ?? 'lf' };
}

/** A SourceError for anything the input pipeline threw, with the line it had reached. */
export function inputError(file: string, error: unknown, line: number | undefined): SourceError {
  if (error instanceof SourceError) return error;
  const code = (error as { code?: string }).code;
  const message = (error as Error).message ?? String(error);
  switch (code) {
    case 'Z_DATA_ERROR':
    case 'Z_NEED_DICT':
      return new SourceError(file, `not valid gzip data (${message}); the file is corrupt or not gzip-compressed`, line, { cause: error });
    case 'Z_BUF_ERROR':
      return new SourceError(file, 'the gzip data ends early: the file is truncated (did its producer stop mid-write?)', line, { cause: error });
    default:
      return new SourceError(file, `cannot read: ${describeIoError(error)}`, line, { cause: error });
  }
}

function describeIoError(error: unknown): string {
  const code = (error as { code?: string }).code;
  switch (code) {
    case 'ENOENT':
      return 'no such file';
    case 'EACCES':
    case 'EPERM':
      return 'permission denied';
    case 'EISDIR':
      return 'it is a directory, not a file';
    default:
      return (error as Error).message ?? String(error);
  }
}

async function openFile(path: string): Promise<Readable> {
  let handle;
  try {
    handle = await open(path, 'r');
  } catch (error) {
    throw new SourceError(path, `cannot open: ${describeIoError(error)}`, undefined, { cause: error });
  }
  const opened = await handle.stat();
  if (opened.isDirectory()) {
    await handle.close();
    throw new SourceError(path, 'cannot open: it is a directory, not a file');
  }
  const stream = handle.createReadStream({ highWaterMark: CHUNK_BYTES, autoClose: true });
  if (!opened.isFile()) return stream; // a FIFO or device: nothing to compare against
  let read = 0;
  const watch = new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      read += chunk.length;
      callback(null, chunk);
    },
    flush(callback) {
      stat(path).then(
        (now) => {
          if (now.ino !== opened.ino || now.dev !== opened.dev) {
            callback(new SourceError(path, 'the file was replaced while it was being read; read it again when its producer has finished'));
          } else if (read !== opened.size || now.size !== opened.size || now.mtimeMs !== opened.mtimeMs) {
            callback(new SourceError(path, `the file changed while it was being read (${opened.size} bytes when opened, ${read} read, ${now.size} now); is it still being written?`));
          } else {
            callback();
          }
        },
        (error: unknown) =>
          callback(
            (error as { code?: string }).code === 'ENOENT'
              ? new SourceError(path, 'the file was removed while it was being read')
              : (error as Error),
          ),
      );
    },
  });
  return pipeline(stream, watch, () => undefined) as unknown as Readable;
}

/** Reads the first bytes of a stream (until `enough`) and gives back a stream that still starts with them. */
async function sniff(stream: Readable, enough: (length: number) => boolean): Promise<{ head: Buffer; stream: Readable }> {
  const chunks: Buffer[] = [];
  let length = 0;
  const ended = await new Promise<boolean>((resolve, reject) => {
    const onReadable = (): void => {
      let chunk: Buffer | null;
      while (!enough(length) && (chunk = stream.read() as Buffer | null) !== null) {
        chunks.push(chunk);
        length += chunk.length;
      }
      if (enough(length)) finish(false);
    };
    const onEnd = (): void => finish(true);
    const onError = (error: Error): void => {
      cleanup();
      reject(error);
    };
    const cleanup = (): void => {
      stream.off('readable', onReadable);
      stream.off('end', onEnd);
      stream.off('error', onError);
    };
    const finish = (atEnd: boolean): void => {
      cleanup();
      resolve(atEnd);
    };
    stream.on('readable', onReadable);
    stream.on('end', onEnd);
    stream.on('error', onError);
  });
  const head = Buffer.concat(chunks);
  const rest = new PassThrough({ highWaterMark: CHUNK_BYTES });
  rest.write(head);
  if (ended) rest.end();
  else pipeline(stream, rest, () => undefined);
  return { head, stream: rest };
}

const UTF16_BOMS: ReadonlyArray<readonly [number, number]> = [
  [0xff, 0xfe],
  [0xfe, 0xff],
];

/**
 * Counts lines and, for UTF-8 sources, checks every byte sequence. Node's isUtf8 checks whole
 * chunks natively; only a chunk that fails is walked byte by byte, to name the line.
 */
class ByteCheck extends Transform {
  lines = 0;
  /** Decided by the first line break when detecting CR, else LF from the start. */
  breaks: LineBreaks | undefined;
  private offset = 0;
  private carry: Buffer | undefined;
  private first = true;
  /** The last chunk ended in a CR: whether it was a line of its own depends on the next byte. */
  private crAtEnd = false;

  constructor(
    private readonly file: string,
    private readonly utf8: boolean,
    private readonly hintGzip: boolean,
    detectCr: boolean,
  ) {
    super({ highWaterMark: CHUNK_BYTES });
    if (!detectCr) this.breaks = 'lf';
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    let bytes = this.carry ? Buffer.concat([this.carry, chunk]) : chunk;
    this.carry = undefined;
    if (this.breaks === undefined && bytes.length > 0) {
      this.breaks = this.crAtEnd ? (bytes[0] === LF ? 'lf' : 'cr') : firstLineBreak(bytes, false);
    }
    if (this.first && bytes.length >= 2) {
      this.first = false;
      const problem = this.checkStart(bytes);
      if (problem) return callback(problem);
    }
    if (this.utf8) {
      const complete = completeLength(bytes);
      if (complete < bytes.length) {
        this.carry = Buffer.from(bytes.subarray(complete));
        bytes = bytes.subarray(0, complete);
      }
      if (!isUtf8(bytes)) return callback(this.encodingError(bytes));
    }
    this.count(bytes);
    callback(null, bytes);
  }

  override _flush(callback: TransformCallback): void {
    if (this.carry) {
      const bytes = this.carry;
      this.carry = undefined;
      if (!isUtf8(bytes)) return callback(this.encodingError(bytes, true));
      this.count(bytes);
      this.push(bytes);
    }
    if (this.crAtEnd) {
      // A CR that ends the input is a line break of its own.
      this.breaks ??= 'cr';
      if (this.breaks === 'cr') this.lines++;
      this.crAtEnd = false;
    }
    callback();
  }

  private checkStart(bytes: Buffer): SourceError | undefined {
    if (UTF16_BOMS.some(([a, b]) => bytes[0] === a && bytes[1] === b) && this.utf8) {
      return new SourceError(this.file, 'the file is UTF-16 (it starts with a UTF-16 byte-order mark); pssync reads UTF-8 (or latin1 CSV): convert it to UTF-8', 1);
    }
    if (this.hintGzip && bytes[0] === 0x1f && bytes[1] === 0x8b) {
      return new SourceError(this.file, 'the file is gzip-compressed; give it a .gz name so pssync decompresses it', 1);
    }
    return undefined;
  }

  private count(bytes: Buffer): void {
    if (bytes.length === 0) return;
    let index = bytes.indexOf(LF);
    while (index !== -1) {
      this.lines++;
      index = bytes.indexOf(LF, index + 1);
    }
    if (this.breaks !== 'lf') {
      // CR files: a CR not followed by LF ends a line too (CRLF is counted by its LF).
      if (this.crAtEnd && bytes[0] !== LF) this.lines++;
      for (index = bytes.indexOf(CR); index !== -1 && index < bytes.length - 1; index = bytes.indexOf(CR, index + 1)) {
        if (bytes[index + 1] !== LF) this.lines++;
      }
      this.crAtEnd = bytes[bytes.length - 1] === CR;
    }
    this.offset += bytes.length;
  }

  private encodingError(bytes: Buffer, atEnd = false): SourceError {
    const bad = atEnd ? 0 : firstInvalid(bytes);
    const crLines = this.breaks === 'cr';
    let line = this.lines + 1 + (crLines && this.crAtEnd && bytes[0] !== LF ? 1 : 0);
    let lineStart = 0;
    for (let index = 0; index < bad; index += 1) {
      const byte = bytes[index];
      if (byte === LF || (crLines && byte === CR && bytes[index + 1] !== LF)) {
        line++;
        lineStart = index + 1;
      }
    }
    const column = bytes.subarray(lineStart, bad).toString('utf8').length + 1;
    const shown = Array.from(bytes.subarray(bad, bad + 1), (byte) => `0x${byte.toString(16).toUpperCase().padStart(2, '0')}`).join(' ');
    const what = atEnd ? 'the file ends in the middle of a UTF-8 character' : `invalid UTF-8 (byte ${shown} at byte ${this.offset + bad}, character ${column} of the line)`;
    return new SourceError(this.file, `${what}: the file is not UTF-8; if it is Latin-1 (ISO-8859-1), a CSV source can say \`encoding: latin1\``, line);
  }
}

/** Length of the prefix that ends on a whole UTF-8 sequence (a cut-off tail waits for the next chunk). */
function completeLength(bytes: Buffer): number {
  const end = bytes.length;
  let start = end - 1;
  while (start >= 0 && end - start < 4 && (bytes[start]! & 0xc0) === 0x80) start--;
  if (start < 0) return end;
  const lead = bytes[start]!;
  const need = lead < 0x80 ? 1 : (lead & 0xe0) === 0xc0 ? 2 : (lead & 0xf0) === 0xe0 ? 3 : (lead & 0xf8) === 0xf0 ? 4 : 1;
  return end - start < need ? start : end;
}

/** Offset of the first byte that does not start or continue a valid UTF-8 sequence. */
function firstInvalid(bytes: Buffer): number {
  let index = 0;
  while (index < bytes.length) {
    const lead = bytes[index]!;
    if (lead < 0x80) {
      index++;
      continue;
    }
    let need: number;
    let min: number;
    if (lead >= 0xc2 && lead <= 0xdf) [need, min] = [1, 0x80];
    else if (lead >= 0xe0 && lead <= 0xef) [need, min] = [2, 0x800];
    else if (lead >= 0xf0 && lead <= 0xf4) [need, min] = [3, 0x10000];
    else return index;
    let code = lead & (0x3f >> need);
    for (let k = 1; k <= need; k++) {
      const next = bytes[index + k];
      if (next === undefined || (next & 0xc0) !== 0x80) return index;
      code = (code << 6) | (next & 0x3f);
    }
    if (code < min || code > 0x10ffff || (code >= 0xd800 && code <= 0xdfff)) return index;
    index += need + 1;
  }
  return bytes.length;
}
