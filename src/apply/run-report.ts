/** What apply did, per sync. The executor returns it; it never throws. */
export interface SyncRunReport {
  readonly name: string;
  readonly table: string;
  readonly status: 'applied' | 'unchanged' | 'failed' | 'refused';
  readonly ddl: readonly string[];
  /** The writer that ran (auto resolves to one of them). */
  readonly strategy?: 'staging' | 'direct';
  /** Rows the server inserted, updated and deleted (each statement's row count, checked against the plan). */
  readonly rows: { readonly insert: number; readonly update: number; readonly delete: number };
  /** Planned updates whose row the server found already as planned (matched, nothing changed). */
  readonly alreadyCurrent?: number;
  readonly statements: number;
  /** Longest single write statement (each is its own transaction). */
  readonly maxStatementMs: number;
  /** Median statement (= transaction) duration, and the most rows one statement wrote. */
  readonly medianStatementMs?: number;
  readonly maxRowsPerStatement?: number;
  readonly elapsedMs: number;
  readonly rejectsFile?: string;
  /** Staging tables of earlier, dead runs that this apply dropped. */
  readonly droppedLeftovers?: readonly string[];
  /** Statements sent again after a transient failure, and connections reopened. */
  readonly retries?: number;
  readonly reconnects?: number;
  readonly error?: { readonly code: string; readonly message: string };
}

export interface RunReport {
  readonly syncs: readonly SyncRunReport[];
  readonly ok: boolean;
}
