import { randomBytes } from "node:crypto";
import { chmodSync, mkdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { ConfigError, MIN_SECRET_LENGTH, type Config } from "./config.js";

export interface ResolvedSecret {
  secret: Buffer;
  /** Where a generated secret lives, when one was used. */
  file: string | undefined;
  generated: boolean;
}

/** The file beside a SQLite database that holds its generated server secret. */
function secretFileFor(databasePath: string): string {
  return join(dirname(databasePath), "keyhouse.secret");
}

/**
 * Returns the server secret: KEYHOUSE_SECRET when set; otherwise, for SQLite, the
 * secret file beside the database, created once with mode 0600.
 */
export function resolveSecret(config: Config): ResolvedSecret {
  if (config.secret !== undefined) return { secret: Buffer.from(config.secret, "utf8"), file: undefined, generated: false };
  if (config.database.kind !== "sqlite") throw ConfigError.of("KEYHOUSE_SECRET", "is required with PostgreSQL");
  const file = secretFileFor(config.database.path);
  try {
    const existing = readFileSync(file, "utf8").trim();
    if (existing.length < MIN_SECRET_LENGTH) {
      throw ConfigError.of("KEYHOUSE_SECRET", `the secret file ${file} is shorter than ${MIN_SECRET_LENGTH} characters`);
    }
    if ((statSync(file).mode & 0o077) !== 0) chmodSync(file, 0o600);
    return { secret: Buffer.from(existing, "utf8"), file, generated: false };
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw error;
  }
  // Owner-only, like the database beside it (src/store/sqlite/open.ts), when keyhouse creates the directory.
  mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
  const secret = randomBytes(32).toString("base64url");
  // "wx" fails if another process created the file first; then read theirs.
  try {
    writeFileSync(file, `${secret}\n`, { mode: 0o600, flag: "wx" });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "EEXIST") return resolveSecret(config);
    throw error;
  }
  return { secret: Buffer.from(secret, "utf8"), file, generated: true };
}
