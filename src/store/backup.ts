/**
 * Backups of a SQLite store and their restore (docs/deploy.md, "Backups"): the
 * one door to them for the command line. PostgreSQL is backed up with pg_dump.
 */
export { backupSqlite, restoreSqlite } from "./sqlite/backup.js";
