/** `pssync introspect --destination NAME --table T`: a manifest sync for an existing table (onboarding). */
import { openDestination } from '../../db/connection.js';
import { introspectTable } from '../../introspect/introspect.js';
import { detectDialect } from '../../dialect/detect.js';
import { emitSync } from '../../manifest/emit-sync.js';
import { PssyncError } from '../../model/errors.js';
import type { CliIo } from '../io.js';
import { loadConfig } from '../load.js';
import { manifestPath } from '../manifest-path.js';

export interface IntrospectArgs {
  readonly file?: string;
  readonly destination: string;
  readonly table: string;
  readonly source?: string;
  readonly mode: string;
}

export async function introspectCommand(args: IntrospectArgs, io: CliIo): Promise<number> {
  const config = await loadConfig(io, manifestPath(args.file, io.env, io.cwd));
  if (!config) return 1;
  const destination = config.destinations.get(args.destination);
  if (!destination) {
    const known = [...config.destinations.keys()].join(', ');
    throw new PssyncError('PSSYNC_E_USAGE', `unknown destination "${args.destination}" (the manifest has: ${known})`);
  }
  const db = await openDestination({ ...destination, createDatabase: false });
  try {
    const dialect = await detectDialect(db);
    const table = await introspectTable(db, args.table, { jsonIsLongtext: dialect.caps.jsonIsLongtext });
    if (!table) throw new PssyncError('PSSYNC_E_USAGE', `table \`${args.table}\` does not exist in destination "${args.destination}"`);
    if (table.primaryKey.length === 0) {
      throw new PssyncError('PSSYNC_E_USAGE', `table \`${args.table}\` has no primary key; pssync matches rows by primary key, so add one first`);
    }
    const { yaml } = emitSync(table, { destination: args.destination, source: args.source ?? args.table, syncName: args.table, mode: args.mode });
    io.out(yaml);
    return 0;
  } finally {
    await db.close();
  }
}
