/**
 * The StatementRunner and both writers against a scripted fake database: transient failures are
 * retried after reconnecting, shrink-and-retry halves statements until the server accepts them,
 * permanent errors stop with a clear message, a lost table lock stops before the next statement —
 * and whatever happens, every planned row is written exactly once.
 */
import { describe, expect, it } from 'vitest';
import { directWriter } from '../../../src/apply/direct-writer.js';
import type { RetryPolicy } from '../../../src/apply/retry.js';
import { stagingWriter } from '../../../src/apply/staging-writer.js';
import { StatementRunner, StatementFailed } from '../../../src/apply/statement-runner.js';
import type { WriteContext } from '../../../src/apply/writers.js';
import type { Db, SqlValue } from '../../../src/db/connection.js';
import { mysqlDialect } from '../../../src/dialect/mysql.js';
import { PssyncError } from '../../../src/model/errors.js';
import type { PlannedRows } from '../../../src/plan/planned-rows.js';
import type { Row } from '../../../src/model/row.js';
import type { Mode } from '../../../src/plan/mode-rules.js';
import type { SyncPlan } from '../../../src/plan/plan.js';
import { column, keptRows } from '../../helpers/plan-builders.js';

const FAST: RetryPolicy = { retries: 5, minDelayMs: 1, maxDelayMs: 2, maxRetryTimeMs: 10_000, retriesPerSync: 1_000 };

const lost = () => Object.assign(new Error('Connection lost: The server closed the connection.'), { code: 'PROTOCOL_CONNECTION_LOST', fatal: true });
const deadlock = () => Object.assign(new Error('Deadlock found when trying to get lock; try restarting transaction'), { errno: 1213, code: 'ER_LOCK_DEADLOCK' });
const rowCountExceeded = () => Object.assign(new Error('target: ks.0.primary: vttablet: rpc error: code = Aborted desc = Row count exceeded 100000 (errno 1203) (sqlstate 42000)'), { errno: 1203 });
const txTimeout = () => Object.assign(new Error('vttablet: rpc error: code = Aborted desc = transaction 1: ended at 2024-01-01 00:00:00.000 UTC (exceeded timeout: 20s) (errno 1105) (sqlstate HY000)'), { errno: 1105 });
const packetTooLarge = () => Object.assign(new Error("Got a packet bigger than 'max_allowed_packet' bytes"), { errno: 1153, code: 'ER_NET_PACKET_TOO_LARGE', fatal: true });

type Outcome = Error | 'commit-then-lose' | undefined;

const duplicate = (key: string) => Object.assign(new Error(`Duplicate entry '${key}' for key 'PRIMARY'`), { errno: 1062, code: 'ER_DUP_ENTRY' });

/**
 * A database that keeps the staging table and the destination as maps and answers each statement
 * with what `script` says: success, an error (nothing written), or "commit then lose the
 * connection" (written, but the client never hears so: at the COMMIT of the statement's
 * transaction, or at once for a statement outside one). Row counts are the server's: a plain
 * INSERT fails on a duplicate key, an UPDATE counts the rows it found, a DELETE those it deleted.
 */
class FakeDb implements Db {
  readonly sent: string[] = [];
  readonly staged = new Map<number, string>();
  readonly destination = new Map<string, string>();
  readonly deleted: string[] = [];
  reconnects = 0;
  private open = true;
  private inTransaction = false;
  private loseAtCommit = false;

  constructor(private readonly script: (sql: string, params: readonly SqlValue[], db: FakeDb) => Outcome = () => undefined) {}

  async query(sql: string, params: readonly SqlValue[] = []): Promise<(string | null)[][]> {
    if (!this.open) throw new Error("Can't add new command when connection is in closed state");
    if (/max_allowed_packet/.test(sql)) return [['16777216']];
    if (/^SELECT COUNT\(\*\) FROM `t` t INNER JOIN/.test(sql)) {
      const [from, to] = params as [number, number];
      return [[String(Array.from({ length: to - from + 1 }, (_, index) => this.staged.get(from + index)!).filter((key) => this.destination.has(key)).length)]];
    }
    if (/^SELECT COUNT\(\*\) FROM `t` WHERE/.test(sql)) return [[String(keysIn(sql).filter((key) => this.destination.has(key)).length)]];
    return [];
  }

  async execute(sql: string, params: readonly SqlValue[] = []): Promise<number> {
    if (!this.open) throw Object.assign(new Error("Can't add new command when connection is in closed state"), { fatal: true });
    if (sql === 'START TRANSACTION' || sql === 'ROLLBACK') {
      this.inTransaction = sql === 'START TRANSACTION';
      this.loseAtCommit = false;
      return 0;
    }
    if (sql === 'COMMIT') {
      this.inTransaction = false;
      if (this.loseAtCommit) {
        this.loseAtCommit = false;
        this.open = false;
        throw lost();
      }
      return 0;
    }
    this.sent.push(sql);
    const outcome = this.script(sql, params, this);
    if (outcome instanceof Error) {
      if ((outcome as { fatal?: boolean }).fatal) this.open = false;
      throw outcome;
    }
    const affected = this.apply(sql, params);
    if (outcome === 'commit-then-lose') {
      if (this.inTransaction) {
        this.loseAtCommit = true;
      } else {
        this.open = false;
        throw lost();
      }
    }
    return affected;
  }

  /** Just enough SQL to follow the writers: staging inserts, range merges, direct inserts, updates and deletes. */
  private apply(sql: string, params: readonly SqlValue[]): number {
    if (/^INSERT INTO `_pssync_stage_/.test(sql)) {
      expect(sql.endsWith(' ON DUPLICATE KEY UPDATE `_pk` = `_pk`')).toBe(true);
      let count = 0;
      for (const match of sql.matchAll(/\((\d+),'(added|changed|removed)','([^']*)'/g)) {
        // A row already staged is left alone (ON DUPLICATE KEY UPDATE `_pk` = `_pk`), never doubled;
        // with CLIENT_FOUND_ROWS it still counts as one affected row.
        const pk = Number(match[1]);
        if (!this.staged.has(pk)) this.staged.set(pk, match[3]!);
        count += 1;
      }
      return count;
    }
    const range = () => {
      const [from, to] = params as [number, number];
      return Array.from({ length: to - from + 1 }, (_, index) => this.staged.get(from + index)!);
    };
    if (/^INSERT INTO `t` \(.*\) SELECT/.test(sql)) {
      expect(sql).not.toMatch(/ON DUPLICATE KEY/);
      return this.insert(range());
    }
    if (/^UPDATE `t` t INNER JOIN/.test(sql)) return range().filter((key) => this.destination.has(key)).length;
    if (/^DELETE t FROM/.test(sql)) return this.remove(range());
    if (/^INSERT INTO `t` \(.*\) VALUES/.test(sql)) {
      expect(sql).not.toMatch(/ON DUPLICATE KEY/);
      return this.insert([...sql.matchAll(/\('([^']*)'/g)].map((match) => match[1]!));
    }
    if (/^UPDATE `t` AS t JOIN/.test(sql)) return [...sql.matchAll(/SELECT '([^']*)'/g)].filter((match) => this.destination.has(match[1]!)).length;
    if (/^DELETE FROM `t`/.test(sql)) return this.remove(keysIn(sql));
    return 0;
  }

  private insert(keys: readonly string[]): number {
    const taken = keys.find((key) => this.destination.has(key));
    if (taken !== undefined) throw duplicate(taken);
    for (const key of keys) this.destination.set(key, 'written');
    return keys.length;
  }

  private remove(keys: readonly string[]): number {
    let count = 0;
    for (const key of keys) {
      if (!this.destination.delete(key)) continue;
      this.deleted.push(key);
      count += 1;
    }
    return count;
  }

  isOpen(): boolean {
    return this.open;
  }

  async reconnect(): Promise<void> {
    this.reconnects += 1;
    this.open = true;
    this.inTransaction = false;
    this.loseAtCommit = false;
  }

  async close(): Promise<void> {}
}

/** The quoted values of a key list (`… IN ('a','b')`). */
const keysIn = (sql: string) => [...sql.matchAll(/'([^']*)'/g)].map((match) => match[1]!);

/** A destination that holds these rows' keys already (rows to update or delete). */
function holding<T extends FakeDb>(db: T, ...lists: Row[][]): T {
  for (const list of lists) for (const row of list) db.destination.set(row[0]!, 'before');
  return db;
}

/** Tuples in a multi-row statement (staging and direct inserts). */
const tuples = (sql: string) => (sql.match(/\('/g) ?? []).length + (sql.match(/\(\d+,'(added|changed|removed)'/g) ?? []).length;

const COLUMNS = [column('id', 'varchar(20)', { key: true }), column('name', 'varchar(20)')];

function rows(prefix: string, count: number): Row[] {
  return Array.from({ length: count }, (_, index) => [`${prefix}${index}`, `name ${index}`]);
}

function plan(mode: Mode, inserts: Row[], updates: Row[] = [], deletes: Row[] = []): SyncPlan {
  return {
    name: 's',
    kind: 'table',
    destination: 'db',
    table: 't',
    mode,
    strategy: 'staging',
    safety: {},
    columns: COLUMNS,
    schema: { ddl: [], createsTable: false, addedColumns: [], diagnostics: [] },
    rows: {
      ops: { inserts: keptRows(inserts), updates: keptRows(updates), deletes },
      counts: { insert: inserts.length, update: updates.length, delete: deletes.length, skip: 0, unchanged: 0 },
      samples: { insert: [], update: [], delete: [] },
      actualRows: 0,
    },
    sourceRows: inserts.length + updates.length,
    rejections: [],
    diagnostics: [],
    fingerprints: {},
  } as unknown as SyncPlan;
}

/** The plan of a sync whose table the apply creates. */
function inNewTable(sync: SyncPlan): SyncPlan {
  return { ...sync, schema: { ...sync.schema, createsTable: true } };
}

function context(db: FakeDb, sync: SyncPlan, runner = new StatementRunner(db, { policy: FAST }), maxRowsPerStatement = 100_000): WriteContext {
  const dialect = mysqlDialect('8.0.36');
  return {
    db,
    dialect: { ...dialect, caps: { ...dialect.caps, maxRowsPerStatement } },
    plan: sync,
    runId: 'run1',
    maxAllowedPacket: 64 * 1024 * 1024,
    run: runner,
    onProgress: () => undefined,
  };
}

describe('StatementRunner', () => {
  it('retries a transient error after reconnecting, and counts it', async () => {
    let calls = 0;
    const db = new FakeDb(() => (++calls === 1 ? lost() : calls === 2 ? deadlock() : undefined));
    const runner = new StatementRunner(db, { policy: FAST });
    await runner.execute('UPDATE x SET a = 1');
    expect(db.sent).toEqual(['UPDATE x SET a = 1', 'UPDATE x SET a = 1', 'UPDATE x SET a = 1']);
    expect(db.reconnects).toBe(1);
    expect(runner.retries).toBe(2);
    expect(runner.reconnects).toBe(1);
    expect(runner.statements).toBe(1);
  });

  it('stops on a permanent error with a message saying what it was doing, keeping errno and code', async () => {
    const db = new FakeDb(() => Object.assign(new Error("Unknown column 'ltv' in 'field list'"), { errno: 1054, code: 'ER_BAD_FIELD_ERROR' }));
    const runner = new StatementRunner(db, { policy: FAST });
    const error = await runner.execute('INSERT …', [], { label: 'upserting staged rows 1–10 into `t`' }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(StatementFailed);
    expect(error).toMatchObject({ errno: 1054, code: 'ER_BAD_FIELD_ERROR' });
    expect((error as Error).message).toBe("upserting staged rows 1–10 into `t` failed (permanent error: unknown column): Unknown column 'ltv' in 'field list'");
    expect(db.sent).toHaveLength(1);
  });

  it('says it gave up when transient errors outlast the retries', async () => {
    const db = new FakeDb(() => deadlock());
    const runner = new StatementRunner(db, { policy: { ...FAST, retries: 2 } });
    await expect(runner.execute('UPDATE x', [], { label: 'updating' })).rejects.toThrow('updating failed (deadlock, gave up retrying): Deadlock found');
    expect(db.sent).toHaveLength(3);
  });

  it('treats the doneOnRetry error as success only on a retry (the first attempt committed, its answer was lost)', async () => {
    const exists = () => Object.assign(new Error("Table 'x' already exists"), { errno: 1050 });
    let calls = 0;
    const db = new FakeDb(() => (++calls === 1 ? 'commit-then-lose' : exists()));
    const runner = new StatementRunner(db, { policy: FAST });
    await expect(runner.execute('CREATE TABLE x (a INT)', [], { doneOnRetry: (error) => (error as { errno?: number }).errno === 1050 })).resolves.toMatchObject({ affected: 0 });
    const fresh = new FakeDb(() => exists());
    await expect(new StatementRunner(fresh, { policy: FAST }).execute('CREATE TABLE x (a INT)', [], { doneOnRetry: () => true })).rejects.toThrow('already exists');
  });

  it('refuses to send anything once the table lock is lost', async () => {
    const db = new FakeDb();
    let held = true;
    const lock = {
      assertHeld() {
        if (!held) throw new PssyncError('PSSYNC_E_LOCKED', 'lost the lock on table `t`');
      },
    };
    const runner = new StatementRunner(db, { policy: FAST, lock });
    await runner.execute('UPDATE t SET a = 1');
    held = false;
    await expect(runner.execute('UPDATE t SET a = 2')).rejects.toMatchObject({ code: 'PSSYNC_E_LOCKED' });
    await runner.execute('DROP TABLE IF EXISTS `_pssync_stage_x`', [], { ignoreLock: true });
    expect(db.sent).toEqual(['UPDATE t SET a = 1', 'DROP TABLE IF EXISTS `_pssync_stage_x`']);
  });

  it('a big statement that loses the connection twice is reported as too large (shrink), not retried forever', async () => {
    const db = new FakeDb(() => Object.assign(new Error('write ECONNRESET'), { code: 'ECONNRESET', errno: -104, fatal: true }));
    const runner = new StatementRunner(db, { policy: FAST });
    const big = `INSERT INTO t VALUES ${'(1),'.repeat(100_000)}(1)`;
    await expect(runner.execute(big, [], { shrinkable: true })).rejects.toMatchObject({ errno: 1153 });
    expect(db.sent).toHaveLength(2);
    // A small statement keeps retrying: a lost connection is not its fault.
    const small = new FakeDb(() => Object.assign(new Error('write ECONNRESET'), { code: 'ECONNRESET', errno: -104, fatal: true }));
    await expect(new StatementRunner(small, { policy: FAST }).execute('UPDATE t SET a = 1', [], { shrinkable: true })).rejects.toMatchObject({ code: 'ECONNRESET' });
    expect(small.sent).toHaveLength(6);
  });
});

describe('staging writer: shrink-and-retry and unknown outcomes', () => {
  it('halves staging inserts refused as too large (1153) until they fit; every row staged once', async () => {
    const db = new FakeDb((sql) => (/^INSERT INTO `_pssync_stage_/.test(sql) && tuples(sql) > 300 ? packetTooLarge() : undefined));
    const writer = stagingWriter(context(db, plan('upsert', rows('a', 1_000))));
    await writer.prepare();
    expect([...db.staged.keys()].sort((a, b) => a - b)).toEqual(Array.from({ length: 1_000 }, (_, index) => index + 1));
    const accepted = db.sent.filter((sql) => /^INSERT INTO `_pssync_stage_/.test(sql) && tuples(sql) <= 300);
    expect(Math.max(...accepted.map(tuples))).toBeLessThanOrEqual(300);
    expect(db.reconnects).toBeGreaterThan(0); // the server hangs up after 1153
    await writer.write();
    expect(db.destination.size).toBe(1_000);
  });

  it('halves merge ranges on "Row count exceeded" and on transaction timeouts; the ranges cover every row once', async () => {
    const merged: Array<[number, number]> = [];
    let timeouts = 0;
    const db = new FakeDb((sql, params) => {
      if (!/SELECT .* FROM `_pssync_stage_/.test(sql) && !/^DELETE t FROM/.test(sql)) return undefined;
      const [from, to] = params as [number, number];
      if (to - from + 1 > 700) return rowCountExceeded();
      if (to - from + 1 > 400 && timeouts++ < 3) return txTimeout();
      merged.push([from, to]);
      return undefined;
    });
    const sync = plan('mirror', rows('a', 1_500), [], rows('gone', 1_200));
    holding(db, rows('gone', 1_200));
    const writer = stagingWriter(context(db, sync));
    await writer.prepare();
    await writer.write();
    const covered = merged.flatMap(([from, to]) => Array.from({ length: to - from + 1 }, (_, index) => from + index));
    expect(covered).toEqual(Array.from({ length: 2_700 }, (_, index) => index + 1));
    expect(db.destination.size).toBe(1_500);
    expect(db.deleted).toHaveLength(1_200);
  });

  it('a staging insert that committed before its connection died is sent again without doubling a row', async () => {
    let first = true;
    const db = new FakeDb((sql) => {
      if (first && /^INSERT INTO `_pssync_stage_/.test(sql)) {
        first = false;
        return 'commit-then-lose';
      }
      return undefined;
    });
    const writer = stagingWriter(context(db, plan('upsert', rows('a', 50))));
    await writer.prepare();
    const stagingInserts = db.sent.filter((sql) => /^INSERT INTO `_pssync_stage_/.test(sql));
    expect(stagingInserts).toHaveLength(2);
    expect(stagingInserts[0]).toBe(stagingInserts[1]);
    expect(db.staged.size).toBe(50);
    expect(db.reconnects).toBe(1);
  });

  it('a merge that committed before its connection died is sent again for the same `_pk` range, and its rows are counted once', async () => {
    const lostOnce = new Set<string>();
    const ranges: string[] = [];
    const db = new FakeDb((sql, params) => {
      const merge = /^(INSERT INTO `t` \(.*\) SELECT|UPDATE `t` t INNER JOIN|DELETE t FROM)/.exec(sql)?.[1];
      if (!merge) return undefined;
      ranges.push(JSON.stringify(params));
      if (lostOnce.has(merge)) return undefined;
      lostOnce.add(merge);
      return 'commit-then-lose';
    });
    holding(db, rows('b', 5), rows('gone', 4));
    const runner = new StatementRunner(db, { policy: FAST });
    const writer = stagingWriter(context(db, plan('mirror', rows('a', 10), rows('b', 5), rows('gone', 4)), runner));
    await writer.prepare();
    await writer.write();
    expect(ranges).toEqual(['[1,10]', '[1,10]', '[11,15]', '[11,15]', '[16,19]', '[16,19]']);
    expect(db.destination.size).toBe(15);
    expect(db.reconnects).toBe(3);
    expect(runner.written.report()).toEqual({ rows: { insert: 10, update: 5, delete: 4 } });
  });

  it('stops with a clear message when even a single row is refused as too large', async () => {
    const db = new FakeDb((sql) => (/^INSERT INTO `_pssync_stage_/.test(sql) ? rowCountExceeded() : undefined));
    const writer = stagingWriter(context(db, plan('upsert', rows('a', 4))));
    await expect(writer.prepare()).rejects.toThrow(/loading rows 1 into staging table `_pssync_stage_[0-9a-f]+_run1` failed \(row count exceeded, gave up retrying\)/);
  });
});

describe('direct writer: shrink-and-retry', () => {
  it('halves upserts and deletes refused as too big; every row written or deleted once', async () => {
    const db = new FakeDb((sql) => {
      if (/^INSERT INTO `t`/.test(sql) && tuples(sql) > 150) return rowCountExceeded();
      if (/^DELETE FROM `t`/.test(sql) && (sql.match(/'/g) ?? []).length / 2 > 90) return packetTooLarge();
      return undefined;
    });
    const sync = plan('mirror', rows('a', 1_000), rows('b', 10), rows('gone', 400));
    holding(db, rows('b', 10), rows('gone', 400));
    const writer = directWriter(context(db, sync));
    await writer.write();
    expect(db.destination.size).toBe(1_010);
    expect(new Set(db.deleted).size).toBe(400);
    expect(db.deleted).toHaveLength(400);
  });
  it('an initial load of 30,000 rows is shared by two connections; every row written once', async () => {
    const second = new FakeDb();
    const db = Object.assign(new FakeDb(), { fork: async () => second });
    const writer = directWriter(context(db, inNewTable(plan('upsert', rows('a', 30_000)))));
    await writer.write();
    await writer.cleanup();
    const written = [...db.destination.keys(), ...second.destination.keys()];
    expect(written).toHaveLength(30_000);
    expect(new Set(written).size).toBe(30_000);
    expect([db.sent.length > 1, second.sent.length > 1]).toEqual([true, true]);
  });

  it('when reading the planned rows fails, both connections stop, and nothing is still running when it is reported', async () => {
    let active = 0;
    const slow = (db: FakeDb) => {
      const execute = db.execute.bind(db);
      db.execute = async (sql, params) => {
        active += 1;
        try {
          await new Promise((resolve) => setTimeout(resolve, 5));
          return await execute(sql, params);
        } finally {
          active -= 1;
        }
      };
      return db;
    };
    const second = slow(new FakeDb());
    const db = Object.assign(slow(new FakeDb()), { fork: async () => second });
    const spilled: PlannedRows = {
      kind: 'spilled',
      count: 30_000,
      digest: { low: 0, high: 0 },
      spill: {
        async *batches() {
          for (let batch = 0; batch < 5; batch += 1) yield rows(`b${batch}-`, 2_000);
          throw new Error('the spill file is gone');
        },
      },
    };
    const sync = inNewTable(plan('upsert', []));
    const writer = directWriter(context(db, { ...sync, rows: { ...sync.rows!, ops: { ...sync.rows!.ops, inserts: spilled } } }));
    await expect(writer.write()).rejects.toThrow('the spill file is gone');
    expect(active).toBe(0);
    // Neither connection sends anything more.
    const sent = db.sent.length + second.sent.length;
    await new Promise((resolve) => setTimeout(resolve, 30));
    expect(db.sent.length + second.sent.length).toBe(sent);
    await writer.cleanup();
  });

  it('into a table that exists (it may hold rows outside the scope), one connection writes', async () => {
    let forked = false;
    const db = Object.assign(new FakeDb(), { fork: async () => ((forked = true), new FakeDb()) });
    const writer = directWriter(context(db, plan('upsert', rows('a', 30_000))));
    await writer.write();
    await writer.cleanup();
    expect(forked).toBe(false);
    expect(db.destination.size).toBe(30_000);
  });

  it('when one of the two connections fails, the other stops and the error is reported', async () => {
    const second = new FakeDb((sql) => (/^INSERT/.test(sql) ? packetTooLarge() : undefined));
    const db = Object.assign(new FakeDb(), { fork: async () => second });
    const writer = directWriter(context(db, inNewTable(plan('upsert', [['x'.repeat(10), 'y'], ...rows('a', 30_000)]))));
    // One row per statement cannot shrink further once it is refused: the second connection gives up.
    await expect(writer.write()).rejects.toThrow(/packet|too large/i);
    await writer.cleanup();
    // The first connection stopped too: not every row was written.
    expect(db.destination.size).toBeLessThan(30_000);
  });

  it('an insert, an update and a delete that committed before their connection died are sent again and counted once', async () => {
    const lostOnce = new Set<string>();
    const db = new FakeDb((sql) => {
      const statement = /^(INSERT INTO `t`|UPDATE `t`|DELETE FROM `t`)/.exec(sql)?.[1];
      if (!statement || lostOnce.has(statement)) return undefined;
      lostOnce.add(statement);
      return 'commit-then-lose';
    });
    holding(db, rows('b', 5), rows('gone', 4));
    const runner = new StatementRunner(db, { policy: FAST });
    const writer = directWriter(context(db, plan('mirror', rows('a', 10), rows('b', 5), rows('gone', 4)), runner));
    await writer.write();
    // The insert sent again met its own rows (1062): all there, so done.
    expect(db.sent.filter((sql) => /^INSERT INTO `t`/.test(sql))).toHaveLength(2);
    expect(db.destination.size).toBe(15);
    expect(db.reconnects).toBe(3);
    expect(runner.written.report()).toEqual({ rows: { insert: 10, update: 5, delete: 4 } });
  });

  it('a duplicate key on a first attempt is an error, not a row already written', async () => {
    const db = holding(new FakeDb(), [['a3', 'x']]);
    const writer = directWriter(context(db, plan('upsert', rows('a', 5))));
    await expect(writer.write()).rejects.toThrow(/inserting rows 1–5 of 5 in `t` failed \(permanent error: duplicate key\): Duplicate entry 'a3'/);
  });

  it('a delete that finds fewer rows than planned stops with PSSYNC_E_ROW_COUNT naming the table and a key', async () => {
    const db = holding(new FakeDb(), rows('gone', 3).slice(1));
    const writer = directWriter(context(db, plan('mirror', [], [], rows('gone', 3))));
    const error = await writer.write().catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(PssyncError);
    expect(error).toMatchObject({ code: 'PSSYNC_E_ROW_COUNT' });
    expect((error as Error).message).toMatch(/^deleting rows 1–3 of 3 in `t`: the server deleted 2 rows where 3 rows were planned\..*rolled back/);
  });
});
