import { chmodSync, existsSync, mkdtempSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { freePort, runCli, startServeProcess, stop } from "../support/cli.js";

const SECRET = "x".repeat(40);
const modeOf = (path: string) => statSync(path).mode & 0o777;

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "keyhouse-modes-"));
  // The check means something only when the umask would let others read a new file.
  const probe = join(dir, "probe");
  writeFileSync(probe, "");
  expect(modeOf(probe) & 0o044, "this test needs a umask that lets others read new files (such as 022)").not.toBe(0);
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe("SQLite files are owner-only", () => {
  it("keyhouse serve on a fresh path: the directory it creates is 0700, the database and its -wal and -shm 0600", async () => {
    const data = join(dir, "data");
    const db = join(data, "keyhouse.db");
    const server = await startServeProcess({ KEYHOUSE_DATABASE_URL: db, KEYHOUSE_PORT: String(await freePort()) });
    try {
      // Written while serving (migrated and initialized), so -wal and -shm exist.
      expect((await fetch(`${server.url}/readyz`)).status).toBe(200);
      for (const file of [db, `${db}-wal`, `${db}-shm`]) {
        expect(existsSync(file), file).toBe(true);
        expect(modeOf(file), file).toBe(0o600);
      }
      expect(modeOf(data)).toBe(0o700);
      expect(modeOf(join(data, "keyhouse.secret"))).toBe(0o600);
    } finally {
      await stop(server.child);
    }
  });

  it("keyhouse init with KEYHOUSE_SECRET set: the directories it creates are 0700, the database 0600", async () => {
    const db = join(dir, "a", "b", "keyhouse.db");
    const res = await runCli(["init", "--json"], { KEYHOUSE_DATABASE_URL: db, KEYHOUSE_SECRET: SECRET });
    expect(res.code, res.stderr).toBe(0);
    expect(modeOf(db)).toBe(0o600);
    expect(modeOf(join(dir, "a", "b"))).toBe(0o700);
    expect(modeOf(join(dir, "a"))).toBe(0o700);
  });

  it("a database file left readable by others (an older keyhouse) is made owner-only when opened; an existing directory keeps its mode", async () => {
    const db = join(dir, "old.db");
    writeFileSync(db, "");
    chmodSync(db, 0o644);
    chmodSync(dir, 0o755);
    const res = await runCli(["migrate"], { KEYHOUSE_DATABASE_URL: db, KEYHOUSE_SECRET: SECRET });
    expect(res.code, res.stderr).toBe(0);
    expect(modeOf(db)).toBe(0o600);
    expect(modeOf(dir)).toBe(0o755);
  });
});
