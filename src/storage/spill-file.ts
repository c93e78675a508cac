/**
 * Spill files: planned rows past the in-memory budget (plan/planned-rows.ts), length-prefixed
 * (spill-format.ts) in UTF-16: any JavaScript string comes back exactly, and writing and reading
 * cost a copy, where JSON lines cost ~4.5 µs a row of the benchmark's data (issue 12). They live
 * in a private temporary directory (mode 0700: the rows are the user's data) that is removed when
 * the process exits or is interrupted, and by the next run if it was killed outright. Written
 * synchronously in small pieces while the plan is made (the page cache takes them at memory
 * speed), read back as a stream while apply writes. Pieces stay below V8's largest young object
 * (128 KB): larger strings live until a full collection.
 */
import { closeSync, createReadStream, mkdtempSync, openSync, readdirSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Row } from '../model/row.js';
import { errorMessage, PssyncError } from '../model/errors.js';
import type { RowSpill, SpilledRowsReader } from '../model/row-spill.js';
import { appendRow, SpillDecoder } from './spill-format.js';

/** Characters per write (64 KB of UTF-16). */
const WRITE_CHARS = 32 * 1024;

let directory: string | undefined;
let files = 0;

const PREFIX = 'pssync-rows-';
/** A spill directory's name, and the process id in it. */
const SPILL_DIRECTORY = new RegExp(`^${PREFIX}(\\d+)-`);

function spillDirectory(): string {
  if (directory === undefined) {
    removeOrphanedSpills();
    const made = mkdtempSync(join(tmpdir(), `${PREFIX}${process.pid}-`));
    directory = made;
    const remove = () => rmSync(made, { recursive: true, force: true });
    process.once('exit', remove);
    // Interrupted: remove the rows, then die of the same signal as without this handler.
    for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
      process.once(signal, () => {
        remove();
        process.kill(process.pid, signal);
      });
    }
  }
  return directory;
}

/**
 * Removes the spill directories of earlier runs killed outright (SIGKILL, power loss): those whose
 * process is gone. The CLI calls it at every start; a directory it cannot remove (another user's)
 * is left alone.
 */
export function removeOrphanedSpills(): void {
  let names: string[];
  try {
    names = readdirSync(tmpdir());
  } catch {
    return;
  }
  for (const name of names) {
    const pid = Number(SPILL_DIRECTORY.exec(name)?.[1]);
    if (!pid || pid === process.pid || alive(pid)) continue;
    try {
      rmSync(join(tmpdir(), name), { recursive: true, force: true });
    } catch {
      // Not ours to remove.
    }
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** A new spill file for `what` (named in error messages: "sync \"x\" inserts"). */
export function openSpillFile(what: string): RowSpill {
  const path = join(spillDirectory(), `${(files += 1)}.rows`);
  let fd: number | undefined = guard(what, path, () => openSync(path, 'w', 0o600));
  let pending = '';
  const flush = () => {
    if (pending.length === 0) return;
    const text = pending;
    pending = '';
    guard(what, path, () => writeSync(fd!, text, null, ENCODING));
  };
  return {
    append(row) {
      pending = appendRow(pending, row);
      if (pending.length >= WRITE_CHARS) flush();
    },
    close() {
      flush();
      if (fd !== undefined) guard(what, path, () => closeSync(fd!));
      fd = undefined;
      return spillReader(path);
    },
  };
}

const ENCODING = 'utf16le';
/** Read in pieces of this size; the rows read back are slices of them. */
const READ_BYTES = 64 * 1024;

function spillReader(path: string): SpilledRowsReader {
  return {
    async *batches(batchRows) {
      const decoder = new SpillDecoder();
      let batch: Row[] = [];
      for await (const chunk of createReadStream(path, { encoding: ENCODING, highWaterMark: READ_BYTES })) {
        for (const row of decoder.rows(chunk as string)) {
          batch.push(row);
          if (batch.length < batchRows) continue;
          yield batch;
          batch = [];
        }
      }
      decoder.end(path);
      if (batch.length > 0) yield batch;
    },
  };
}

/** Disk full, no permission: say which temporary file, and why. */
function guard<T>(what: string, path: string, action: () => T): T {
  try {
    return action();
  } catch (error) {
    throw new PssyncError('PSSYNC_E_IO', `cannot keep the planned rows of ${what} in the temporary file ${path}: ${errorMessage(error)} (set TMPDIR to a directory with room)`, {}, { cause: error });
  }
}
