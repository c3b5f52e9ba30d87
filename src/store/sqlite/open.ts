import { chmodSync, closeSync, existsSync, mkdirSync, openSync, statSync } from "node:fs";
import { dirname } from "node:path";
import BetterSqlite3 from "better-sqlite3";
import {
  CompiledQuery,
  Kysely,
  SqliteDialect,
  SqliteDriver,
  sql,
  type DatabaseConnection,
  type Driver,
  type SqliteDialectConfig,
} from "kysely";
import { Invalidations, preciseNow, type InvalidationFeed } from "../invalidation.js";
import { migrateToLatest, readSchemaStatus } from "../migrator.js";
import type { StoreObserver } from "../../http/observer.js";
import { queryLogger } from "../observer.js";
import type { Database } from "../schema.js";
import { withLocks, type Store, type Tx } from "../store.js";
import { AutocommitWatch, TransactionWatch } from "../write-watch.js";
import { GroupCommit } from "./group-commit.js";
import { sqliteLocks } from "./locks.js";
import { withStatementCache } from "./statements.js";

/**
 * Takes SQLite's write lock when a transaction begins, so two writers never
 * deadlock upgrading a read lock, and a waiting writer honours busy_timeout.
 */
class ImmediateDriver extends SqliteDriver {
  override async beginTransaction(connection: DatabaseConnection): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw("begin immediate"));
  }
}

class ImmediateDialect extends SqliteDialect {
  readonly #config: SqliteDialectConfig;
  constructor(config: SqliteDialectConfig) {
    super(config);
    this.#config = config;
  }
  override createDriver(): Driver {
    return new ImmediateDriver(this.#config);
  }
}

/**
 * Journal settings: WAL with synchronous=FULL, so a transaction whose commit has
 * returned survives a process kill or power loss (docs/decisions.md).
 */
function configure(database: BetterSqlite3.Database): void {
  database.pragma("journal_mode = WAL");
  database.pragma("synchronous = FULL");
  database.pragma("foreign_keys = ON");
  database.pragma("busy_timeout = 5000");
}

const POLL_INTERVAL_MS = 1;

/** The extended result codes of a unique-constraint failure (better-sqlite3 reports extended codes). */
const UNIQUE_CODES = new Set(["SQLITE_CONSTRAINT_UNIQUE", "SQLITE_CONSTRAINT_PRIMARYKEY"]);

/**
 * Other processes' commits move the file's data_version; checking it costs one
 * pragma, so caches in this process can notice them before every use.
 */
function sqliteFeed(database: BetterSqlite3.Database, invalidations: Invalidations): InvalidationFeed {
  // Prepared once: database.pragma() prepares its statement on every call, and
  // this runs before every cached authentication.
  const dataVersion = database.prepare("pragma data_version").pluck();
  let seen = dataVersion.get();
  let polledAt = Number.NEGATIVE_INFINITY;
  return {
    subscribe: (listener) => invalidations.subscribe(listener),
    poll: () => {
      // At most once a millisecond: a busy server asks thousands of times a
      // second (twice per cached read by id), and another process's write is
      // then seen at most 1 ms later than it could be.
      const at = performance.now();
      if (at - polledAt < POLL_INTERVAL_MS) return;
      polledAt = at;
      const now = dataVersion.get();
      if (now !== seen) {
        seen = now;
        // The file records no time of the other process's commit: this flush is not measured.
        invalidations.emit();
      }
    },
    healthy: true,
  };
}

/** Owner-only (0600) files and (0700) directories: the database holds every key's hash and the audit trail. */
const PRIVATE_FILE = 0o600;
const PRIVATE_DIRECTORY = 0o700;

/**
 * Creates the database file (and its directory, when missing) owner-only before
 * SQLite opens it, whatever the umask. SQLite gives the -wal and -shm files it
 * creates the database file's mode.
 */
function createPrivately(path: string): void {
  mkdirSync(dirname(path), { recursive: true, mode: PRIVATE_DIRECTORY });
  closeSync(openSync(path, "a", PRIVATE_FILE));
}

/** Takes group and other access away from the database and its -wal and -shm (a file created before keyhouse did this). */
function restrictFiles(path: string): void {
  for (const file of [path, `${path}-wal`, `${path}-shm`]) {
    if (existsSync(file) && (statSync(file).mode & 0o077) !== 0) chmodSync(file, PRIVATE_FILE);
  }
}

/** Opens (creating if needed) the SQLite store at `path`; `observer` sees its statements and flushes. */
export function openSqliteStore(path: string, observer?: StoreObserver): Store {
  createPrivately(path);
  restrictFiles(path);
  const database = new BetterSqlite3(path);
  configure(database);
  // The first read in WAL mode creates -wal and -shm; a leftover pair from an older run is restricted here.
  database.prepare("select count(*) from sqlite_master").get();
  restrictFiles(path);
  const raw = new Kysely<Database>({
    dialect: new ImmediateDialect({ database: withStatementCache(database) }),
    log: observer ? queryLogger(observer) : undefined,
  });
  const invalidations = new Invalidations(observer?.flushed.bind(observer));
  const db = raw.withPlugin(new AutocommitWatch(async () => invalidations.emit({ source: "local", committedAt: preciseNow() })));
  // Concurrent transactions share one COMMIT (one fsync); see group-commit.ts.
  let watch = new TransactionWatch();
  const group = new GroupCommit(
    (body) => raw.transaction().execute((tx) => body(tx.withPlugin(watch))),
    () => {
      const dirty = watch.dirty;
      watch = new TransactionWatch();
      if (dirty) invalidations.emit({ source: "local", committedAt: preciseNow() });
    },
  );
  return {
    dialect: "sqlite",
    db,
    invalidation: sqliteFeed(database, invalidations),
    transaction: <T>(fn: (tx: Tx) => Promise<T>) => group.run((tx) => fn(withLocks(tx, sqliteLocks))),
    // A duplicate primary key is a unique violation too, as PostgreSQL reports it (23505).
    isUniqueViolation: (error) =>
      typeof error === "object" && error !== null && "code" in error && UNIQUE_CODES.has(String((error as { code: unknown }).code)),
    migrate: () => migrateToLatest(raw as Kysely<unknown>, "sqlite"),
    schemaStatus: () => readSchemaStatus(raw as Kysely<unknown>),
    ping: async () => {
      await sql`select 1`.execute(raw);
    },
    close: () => raw.destroy(),
  };
}
