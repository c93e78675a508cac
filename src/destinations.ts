/** Open connections and facts per destination, shared by plan and apply in one command. */
import type { DestinationSession } from './apply/executor.js';
import { openDestination, type Db } from './db/connection.js';
import { ServerCollations } from './introspect/collation-probe.js';
import { readDestinationFacts, type DestinationFacts } from './introspect/destination-facts.js';
import type { Config } from './manifest/types.js';
import { PssyncError } from './model/errors.js';

/** An open destination: its connection, its server facts, and key equality as it defines it. */
export interface DestinationHandle {
  readonly db: Db;
  readonly facts: DestinationFacts;
  readonly collations: ServerCollations;
}

/** Connections are opened on first use, once per destination, and closed together. */
export class Destinations {
  private readonly open = new Map<string, Promise<DestinationHandle>>();

  constructor(private readonly config: Config) {}

  get(name: string): Promise<DestinationHandle> {
    let session = this.open.get(name);
    if (!session) {
      const destination = this.config.destinations.get(name);
      if (!destination) throw new PssyncError('PSSYNC_E_USAGE', `unknown destination "${name}"`);
      session = openDestination(destination).then(async (db) => ({ db, facts: await readDestinationFacts(db, destination), collations: new ServerCollations(db) }));
      this.open.set(name, session);
    }
    return session;
  }

  async close(): Promise<void> {
    const sessions = await Promise.allSettled(this.open.values());
    this.open.clear();
    await Promise.all(sessions.map((session) => (session.status === 'fulfilled' ? session.value.db.close() : undefined)));
  }
}

/** The session lookup applyPlan needs, backed by a Destinations pool. */
export function sessionsOf(config: Config, destinations: Destinations): (name: string) => Promise<DestinationSession> {
  return async (name) => {
    const { db, facts } = await destinations.get(name);
    return { db, dialect: facts.dialect, database: config.destinations.get(name)!.database };
  };
}
