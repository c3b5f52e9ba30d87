import { execFileSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { POSTGRES_URL } from "./stores.js";
import type { TestServer } from "./server.js";

/** Everything the store holds, as bytes: the SQLite files (with WAL) or a pg_dump of the schema. */
export function storeBytes(t: Pick<TestServer, "dbPath" | "pgSchema">): Buffer {
  if (t.dbPath !== undefined) {
    const files = [t.dbPath, `${t.dbPath}-wal`, `${t.dbPath}-shm`].filter((f) => existsSync(f));
    return Buffer.concat(files.map((f) => readFileSync(f)));
  }
  const url = new URL(POSTGRES_URL);
  return execFileSync(
    "pg_dump",
    ["-h", url.hostname, "-p", url.port || "5432", "-U", url.username || "postgres", "-n", t.pgSchema ?? "", url.pathname.slice(1)],
    {
      maxBuffer: 256 * 1024 * 1024,
    },
  );
}

/** The raw keys (or their 42-character random parts) found in `haystack`. */
export function leakedKeys(haystack: Buffer | string, keys: readonly string[]): string[] {
  const text = Buffer.isBuffer(haystack) ? haystack.toString("latin1") : haystack;
  return keys.filter((key) => text.includes(key) || text.includes(key.slice(3, 45)));
}
