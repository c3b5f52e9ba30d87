import { closeSync, existsSync, mkdirSync, openSync, statSync, unlinkSync } from "node:fs";
import { dirname } from "node:path";
import BetterSqlite3 from "better-sqlite3";
import { MIGRATIONS } from "../migrations/index.js";
import { StartupError } from "../prepare.js";

/** What a keyhouse SQLite file holds, as far as a backup or a restore needs to know. */
export interface SqliteStoreFile {
  /** Migrations applied, in order. */
  applied: string[];
  /** Migrations this keyhouse knows and the file lacks (it needs `keyhouse migrate`). */
  pending: string[];
  /** Every key the store holds, whatever its status. */
  keys: number;
  bytes: number;
}

/** Pages per backup step: all of them, so the copy is one read of one snapshot (a write elsewhere cannot restart it). */
const ALL_PAGES = 0x7fffffff;

function sqliteCode(error: unknown): string | undefined {
  return typeof error === "object" && error !== null && "code" in error ? String((error as { code: unknown }).code) : undefined;
}

/**
 * Reads a file as a keyhouse store and refuses, with one line saying why, a
 * file that is not a SQLite database, a damaged one, a SQLite database that is
 * not a keyhouse store, and one whose schema is newer than this keyhouse.
 */
function inspectSqliteFile(path: string, what: string): SqliteStoreFile {
  if (!existsSync(path)) throw new StartupError(`${what} ${path} does not exist`);
  if (!statSync(path).isFile()) throw new StartupError(`${what} ${path} is not a file`);
  let db: BetterSqlite3.Database;
  try {
    db = new BetterSqlite3(path, { readonly: true, fileMustExist: true });
  } catch (error) {
    throw new StartupError(`${what} ${path} cannot be opened: ${(error as Error).message}`);
  }
  try {
    let check: unknown;
    try {
      check = db.pragma("quick_check", { simple: true });
    } catch (error) {
      const code = sqliteCode(error);
      if (code === "SQLITE_NOTADB") throw new StartupError(`${what} ${path} is not a SQLite database (nor a keyhouse backup)`);
      throw new StartupError(`${what} ${path} cannot be read: ${(error as Error).message}`);
    }
    if (check !== "ok") throw new StartupError(`${what} ${path} is damaged (SQLite's check says: ${String(check)})`);
    const tables = new Set(db.prepare("select name from sqlite_master where type = 'table'").pluck().all() as string[]);
    if (!tables.has("keyhouse_migrations") || !tables.has("api_keys")) {
      throw new StartupError(`${what} ${path} is a SQLite database but not a keyhouse store (it has no keyhouse tables)`);
    }
    const applied = db.prepare("select name from keyhouse_migrations order by name").pluck().all() as string[];
    const known = MIGRATIONS.map((m) => m.name);
    const unknown = applied.filter((name) => !known.includes(name));
    if (unknown.length > 0) {
      throw new StartupError(
        `${what} ${path} has a newer schema than this keyhouse (${unknown.join(", ")} unknown); use a keyhouse version that has them`,
      );
    }
    const keys = Number(db.prepare("select count(*) from api_keys").pluck().get());
    return { applied, pending: known.filter((name) => !applied.includes(name)), keys, bytes: statSync(path).size };
  } finally {
    db.close();
  }
}

/**
 * Whether another connection (a running `keyhouse serve`, another tool) has the
 * database open: an exclusive lock is refused while any other connection to a
 * WAL database exists, even an idle one.
 */
function inUse(path: string): boolean {
  const db = new BetterSqlite3(path, { fileMustExist: true, timeout: 0 });
  try {
    db.pragma("locking_mode = exclusive");
    db.exec("begin exclusive");
    db.exec("commit");
    return false;
  } catch (error) {
    if (sqliteCode(error) === "SQLITE_BUSY") return true;
    throw error;
  } finally {
    db.close();
  }
}

/**
 * Copies a live SQLite store into `destination` (a new file, mode 0600) with
 * SQLite's online backup API, in one step: one consistent snapshot, taken
 * without stopping the server (in WAL mode a reader blocks no writer). The copy
 * is turned into a single self-contained file (rollback journal, no -wal) and
 * checked.
 */
export async function backupSqlite(source: string, destination: string): Promise<SqliteStoreFile> {
  inspectSqliteFile(source, "the store");
  if (!existsSync(dirname(destination))) throw new StartupError(`the directory of ${destination} does not exist`);
  try {
    // Created owner-only (it holds every key's hash and the audit trail); refused if it exists.
    closeSync(openSync(destination, "wx", 0o600));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "EEXIST") {
      throw new StartupError(`${destination} already exists; a backup never overwrites a file`);
    }
    throw new StartupError(`cannot create ${destination}: ${(error as Error).message}`);
  }
  try {
    const db = new BetterSqlite3(source, { fileMustExist: true });
    try {
      db.pragma("busy_timeout = 5000");
      await db.backup(destination, { progress: () => ALL_PAGES });
    } finally {
      db.close();
    }
    const copy = new BetterSqlite3(destination, { fileMustExist: true });
    try {
      copy.pragma("journal_mode = DELETE");
    } finally {
      copy.close();
    }
    return inspectSqliteFile(destination, "the backup");
  } catch (error) {
    unlinkSync(destination);
    throw error;
  }
}

/**
 * Replaces the store at `target` with the backup at `source`, after checking
 * the backup (inspectSqliteFile). Refused while another connection has the
 * target open (a running server), and, unless `force`, when the target already
 * holds a keyhouse store. The copy goes through SQLite's backup API into the
 * target, as one transaction on it: a crash leaves the old store or the new.
 */
export async function restoreSqlite(source: string, target: string, force: boolean): Promise<SqliteStoreFile> {
  const backup = inspectSqliteFile(source, "the backup");
  if (existsSync(target) && statSync(target).size > 0) {
    if (inUse(target)) {
      throw new StartupError(
        `the store ${target} is in use (a keyhouse serve is running on it?); stop every process using it, then restore`,
      );
    }
    if (!force) {
      let holds = "";
      try {
        holds = ` (${inspectSqliteFile(target, "the store").keys} keys)`;
      } catch {
        // Not a keyhouse store, or damaged: replacing it still needs --force.
      }
      throw new StartupError(`the store ${target} is not empty${holds}; restoring replaces it: pass --force`);
    }
  } else {
    // A new store: created owner-only, like openSqliteStore does.
    mkdirSync(dirname(target), { recursive: true, mode: 0o700 });
    closeSync(openSync(target, "a", 0o600));
  }
  const db = new BetterSqlite3(source, { readonly: true, fileMustExist: true });
  try {
    await db.backup(target, { progress: () => ALL_PAGES });
  } finally {
    db.close();
  }
  const restored = inspectSqliteFile(target, "the restored store");
  if (restored.keys !== backup.keys || restored.applied.join() !== backup.applied.join()) {
    throw new StartupError(`the restored store ${target} differs from the backup; restore again`);
  }
  return restored;
}
