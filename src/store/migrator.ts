import { Migrator, sql, type Kysely, type MigrationProvider } from "kysely";
import { MIGRATIONS, type DialectName } from "./migrations/index.js";
import type { SchemaStatus } from "./store.js";

const TABLE = "keyhouse_migrations";
const LOCK_TABLE = "keyhouse_migrations_lock";

/** The migrations, as Kysely's Migrator wants them. */
function migrationProvider(dialect: DialectName): MigrationProvider {
  return {
    async getMigrations() {
      return Object.fromEntries(MIGRATIONS.map((m) => [m.name, { up: (db: Kysely<unknown>) => m.up(db, dialect) }]));
    },
  };
}

/**
 * The PostgreSQL schema the migration tables live in: the current one. Kysely
 * looks for its tables by name in every schema unless told which one, so a
 * keyhouse in another schema of the same database (or a parallel test) would
 * find the first one's tables and never create its own.
 */
async function migrationSchema(db: Kysely<unknown>, dialect: DialectName): Promise<string | undefined> {
  if (dialect !== "postgres") return undefined;
  const result = await sql<{ schema: string | null }>`select current_schema() as schema`.execute(db);
  return result.rows[0]?.schema ?? undefined;
}

/** Kysely's Migrator over keyhouse's migrations and tables (in the current schema). */
export async function createMigrator(db: Kysely<unknown>, dialect: DialectName): Promise<Migrator> {
  return new Migrator({
    db,
    provider: migrationProvider(dialect),
    migrationTableName: TABLE,
    migrationLockTableName: LOCK_TABLE,
    migrationTableSchema: await migrationSchema(db, dialect),
  });
}

/** Applies every pending migration; returns the names applied. */
export async function migrateToLatest(db: Kysely<unknown>, dialect: DialectName): Promise<string[]> {
  const migrator = await createMigrator(db, dialect);
  const { error, results } = await migrator.migrateToLatest();
  if (error) throw error;
  return (results ?? []).filter((r) => r.status === "Success").map((r) => r.migrationName);
}

/** Compares the migrations a database has applied with the ones this code knows. */
export async function readSchemaStatus(db: Kysely<unknown>): Promise<SchemaStatus> {
  const known = MIGRATIONS.map((m) => m.name);
  let applied: string[] = [];
  try {
    const rows = await sql<{ name: string }>`select name from ${sql.table(TABLE)} order by name`.execute(db);
    applied = rows.rows.map((r) => r.name);
  } catch {
    // No migration table yet: nothing is applied.
    applied = [];
  }
  return {
    applied,
    pending: known.filter((name) => !applied.includes(name)),
    unknown: applied.filter((name) => !known.includes(name)),
  };
}
