import { mkdirSync } from "node:fs";
import { dirname } from "node:path";
import BetterSqlite3 from "better-sqlite3";
import { CompiledQuery, Kysely, SqliteDialect, sql, type DatabaseConnection, type Driver, type SqliteDialectConfig } from "kysely";
import { SqliteDriver } from "kysely";
import { migrateToLatest, readSchemaStatus } from "../migrator.js";
import type { Database } from "../schema.js";
import type { Db, Store } from "../store.js";

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
 * returned survives a process kill or power loss (docs/storage.md).
 */
function configure(database: BetterSqlite3.Database): void {
  database.pragma("journal_mode = WAL");
  database.pragma("synchronous = FULL");
  database.pragma("foreign_keys = ON");
  database.pragma("busy_timeout = 5000");
}

/** Opens (creating if needed) the SQLite store at `path`. */
export function openSqliteStore(path: string): Store {
  mkdirSync(dirname(path), { recursive: true });
  const database = new BetterSqlite3(path);
  configure(database);
  const db = new Kysely<Database>({ dialect: new ImmediateDialect({ database }) });
  return {
    dialect: "sqlite",
    db,
    transaction: <T>(fn: (tx: Db) => Promise<T>) => db.transaction().execute(fn),
    isUniqueViolation: (error) =>
      typeof error === "object" && error !== null && "code" in error &&
      String((error as { code: unknown }).code).startsWith("SQLITE_CONSTRAINT_UNIQUE"),
    migrate: () => migrateToLatest(db as Kysely<unknown>, "sqlite"),
    schemaStatus: () => readSchemaStatus(db as Kysely<unknown>),
    ping: async () => {
      await sql`select 1`.execute(db);
    },
    close: () => db.destroy(),
  };
}
