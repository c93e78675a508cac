/** Which manifest a command reads: -f, else $PSSYNC_MANIFEST, else ./pssync.yaml. */
import { resolve } from 'node:path';

export function manifestPath(flag: string | undefined, env: Readonly<Record<string, string | undefined>>, cwd: string): string {
  return resolve(cwd, flag ?? env.PSSYNC_MANIFEST ?? 'pssync.yaml');
}
