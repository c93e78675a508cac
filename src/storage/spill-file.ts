/**
 * Spill files: planned rows past the in-memory budget (plan/planned-rows.ts), as JSON arrays of
 * rows, one per line. They live in a private temporary directory (mode 0700: the rows are the
 * user's data) that is removed when the process exits or is interrupted, and by the next run if it
 * was killed outright. Written synchronously in 1 MiB pieces while the plan is made (the page cache
 * takes them at memory speed), read back as a stream while apply writes.
 */
import { closeSync, createReadStream, mkdtempSync, openSync, readdirSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Row } from '../model/row.js';
import { errorMessage, PssyncError } from '../model/errors.js';
import type { RowSpill, SpilledRowsReader } from '../model/row-spill.js';

const WRITE_CHARS = 1024 * 1024;

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

/** Rows per line of the file: one JSON.stringify and one JSON.parse per line, not per row. */
const ROWS_PER_LINE = 500;

/** A new spill file for `what` (named in error messages: "sync \"x\" inserts"). */
export function openSpillFile(what: string): RowSpill {
  const path = join(spillDirectory(), `${(files += 1)}.jsonl`);
  let fd: number | undefined = guard(what, path, () => openSync(path, 'w', 0o600));
  let line: Row[] = [];
  let pending = '';
  const endLine = () => {
    if (line.length === 0) return;
    pending += JSON.stringify(line) + '\n';
    line = [];
  };
  const flush = () => {
    if (pending.length === 0) return;
    const text = pending;
    pending = '';
    guard(what, path, () => writeSync(fd!, text));
  };
  return {
    append(row) {
      line.push(row);
      if (line.length < ROWS_PER_LINE) return;
      endLine();
      if (pending.length >= WRITE_CHARS) flush();
    },
    close() {
      endLine();
      flush();
      if (fd !== undefined) guard(what, path, () => closeSync(fd!));
      fd = undefined;
      return spillReader(path);
    },
  };
}

function spillReader(path: string): SpilledRowsReader {
  return {
    async *batches(batchRows) {
      let rest = '';
      let batch: Row[] = [];
      for await (const chunk of createReadStream(path, { encoding: 'utf8', highWaterMark: 1024 * 1024 })) {
        const text = rest + (chunk as string);
        let start = 0;
        for (let end = text.indexOf('\n'); end !== -1; end = text.indexOf('\n', start)) {
          const rows = JSON.parse(text.slice(start, end)) as Row[];
          start = end + 1;
          if (batch.length === 0 && rows.length >= batchRows) {
            yield rows;
            continue;
          }
          for (const row of rows) batch.push(row);
          if (batch.length >= batchRows) {
            yield batch;
            batch = [];
          }
        }
        rest = text.slice(start);
      }
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
