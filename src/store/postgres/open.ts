import { Kysely, PostgresDialect, sql } from "kysely";
import pg from "pg";
import { migrateToLatest, readSchemaStatus } from "../migrator.js";
import type { Database } from "../schema.js";
import type { Db, Store } from "../store.js";

const INT8_OID = 20;

/**
 * Reads int8 (bigint) columns as numbers. Every keyhouse bigint is an id or a
 * millisecond time, both far below 2^53.
 */
function types(): pg.CustomTypesConfig {
  return {
    getTypeParser: ((oid: number, format?: string) =>
      oid === INT8_OID ? (value: string) => Number(value) : pg.types.getTypeParser(oid, format as "text")) as pg.CustomTypesConfig["getTypeParser"],
  };
}

export interface PostgresOptions {
  /** A schema to create and use (tests isolate themselves this way). */
  schema?: string;
  maxConnections?: number;
}

/** Opens the PostgreSQL store at `url`. */
export function openPostgresStore(url: string, options: PostgresOptions = {}): Store {
  const pool = new pg.Pool({
    connectionString: url,
    max: options.maxConnections ?? 10,
    types: types(),
    options: options.schema ? `-c search_path=${options.schema}` : undefined,
  });
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  return {
    dialect: "postgres",
    db,
    transaction: <T>(fn: (tx: Db) => Promise<T>) => db.transaction().execute(fn),
    isUniqueViolation: (error) =>
      typeof error === "object" && error !== null && (error as { code?: unknown }).code === "23505",
    migrate: () => migrateToLatest(db as Kysely<unknown>, "postgres"),
    schemaStatus: () => readSchemaStatus(db as Kysely<unknown>),
    ping: async () => {
      await sql`select 1`.execute(db);
    },
    close: () => db.destroy(),
  };
}
