import { execFile } from "node:child_process";
import { randomBytes } from "node:crypto";
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import BetterSqlite3 from "better-sqlite3";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { freePort, runCli, startServeProcess, stop } from "../support/cli.js";
import { withoutFirstKeyBanner } from "../support/cluster.js";
import { send } from "../support/http.js";
import { keepArtifact, keepFiles, recordIssuedKey } from "../support/hygiene.js";
import { freshPostgresSchema } from "../support/server.js";
import { forEachStore, POSTGRES_URL } from "../support/stores.js";

/**
 * Backups (docs/deploy.md, "Backups"). SQLite: `keyhouse backup` copies the
 * live store while a `keyhouse serve` process keeps answering writes, and
 * `keyhouse restore` checks a backup and puts it back. PostgreSQL: the pg_dump
 * and pg_restore commands the docs give. After a restore, every key that
 * existed at backup time authenticates and none created after it does.
 */

const execFileAsync = promisify(execFile);
const RAW_KEY = /ak-[0-9A-Za-z]{48}/;

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "keyhouse-backup-"));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

type Served = Awaited<ReturnType<typeof startServeProcess>>;

async function serve(env: Record<string, string>): Promise<Served> {
  return startServeProcess({ ...env, KEYHOUSE_PORT: String(await freePort()) });
}

async function stopServe(server: Served, label: string): Promise<void> {
  expect(await stop(server.child)).toBe(0);
  keepArtifact(`${label}.log`, withoutFirstKeyBanner(server.output()));
}

function adminKeyOf(server: Served): string {
  const key = RAW_KEY.exec(server.output())?.[0];
  if (key === undefined) throw new Error("no first key printed");
  recordIssuedKey(key);
  return key;
}

async function createKeys(url: string, adminKey: string, prefix: string, count: number): Promise<{ id: string; key: string }[]> {
  const keys = [];
  for (let i = 0; i < count; i++) {
    const res = await send(url, "/v2/api-keys", { method: "POST", key: adminKey, body: { name: `${prefix}-${i}` } });
    expect(res.status, res.text).toBe(201);
    keys.push({ id: res.body.id as string, key: res.body.key as string });
  }
  return keys;
}

/** The status each key gets from GET /v2/whoami: 200 authenticates, 401 does not. */
async function whoamiStatuses(url: string, keys: { key: string }[]): Promise<number[]> {
  return Promise.all(keys.map(async ({ key }) => (await send(url, "/v2/whoami", { key })).status));
}

describe("keyhouse backup and restore (SQLite)", () => {
  it("backs up a live store under writes, and a restore brings back exactly the keys of that moment", async () => {
    const db = join(dir, "data", "keyhouse.db");
    const env = { KEYHOUSE_DATABASE_URL: db };
    const backupFile = join(dir, "keyhouse-backup.db");
    const first = await serve(env);
    const adminKey = adminKeyOf(first);
    const before = await createKeys(first.url, adminKey, "before", 5);

    // Writers keep creating keys while the backup runs: none may fail or wait for it.
    let writing = true;
    const written: { key: string; at: number }[] = [];
    const failures: string[] = [];
    const writer = async (n: number) => {
      for (let i = 0; writing; i++) {
        const res = await send(first.url, "/v2/api-keys", { method: "POST", key: adminKey, body: { name: `during-${n}-${i}` } });
        if (res.status === 201) written.push({ key: res.body.key, at: performance.now() });
        else failures.push(`${res.status} ${res.text}`);
      }
    };
    const writers = [writer(0), writer(1), writer(2)];
    while (written.length < 10) await new Promise((r) => setTimeout(r, 10));
    const backupStarted = performance.now();
    const made = await runCli(["backup", backupFile], env);
    await new Promise((r) => setTimeout(r, 100));
    writing = false;
    await Promise.all(writers);
    written.forEach((w) => recordIssuedKey(w.key));
    expect(made.code, made.stderr).toBe(0);
    expect(made.stdout).toMatch(/^keyhouse: backed up .* to .*keyhouse-backup\.db \(\d+ keys, schema \d{4}-[a-z-]+, \d+ bytes\)\n/);
    expect(made.stdout).toContain("keep it with the backup");
    expect(failures).toEqual([]);
    expect(statSync(backupFile).mode & 0o777).toBe(0o600);
    // One self-contained file: no write-ahead log to carry along.
    const copy = new BetterSqlite3(backupFile, { readonly: true });
    expect(copy.pragma("journal_mode", { simple: true })).toBe("delete");
    copy.close();
    const keysAtBackup = [...before, ...written.filter((w) => w.at < backupStarted)];

    // After the backup: new keys, and one of the old ones deleted.
    const after = await createKeys(first.url, adminKey, "after", 3);
    const deleted = before[0];
    expect((await send(first.url, `/v2/api-keys/${deleted?.id}`, { method: "DELETE", key: adminKey })).status).toBe(204);

    // A backup never overwrites a file.
    const again = await runCli(["backup", backupFile], env);
    expect(again.code).toBe(1);
    expect(again.stderr).toContain("already exists; a backup never overwrites a file");

    // Restore is refused while the server has the store open, which keeps working.
    const busy = await runCli(["restore", backupFile, "--force"], env);
    expect(busy.code).toBe(1);
    expect(busy.stderr).toMatch(/the store .* is in use \(a keyhouse serve is running on it\?\); stop every process using it/);
    expect(await whoamiStatuses(first.url, after)).toEqual([200, 200, 200]);
    await stopServe(first, "backup-first");

    const refused = await runCli(["restore", backupFile], env);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/is not empty \(\d+ keys\); restoring replaces it: pass --force\n$/);
    const restored = await runCli(["restore", backupFile, "--force"], env);
    expect(restored.code, restored.stderr).toBe(0);
    expect(restored.stdout).toMatch(/^keyhouse: restored .*keyhouse-backup\.db into .*keyhouse\.db \(\d+ keys\)\n$/);

    const second = await serve(env);
    expect(second.output()).not.toMatch(RAW_KEY); // not a new store
    expect(await whoamiStatuses(second.url, keysAtBackup)).toEqual(keysAtBackup.map(() => 200));
    expect(await whoamiStatuses(second.url, after)).toEqual([401, 401, 401]);
    await stopServe(second, "backup-second");

    // On a new machine: the backup and the secret file are all it takes.
    const elsewhere = join(dir, "elsewhere", "keyhouse.db");
    mkdirSync(join(dir, "elsewhere"), { mode: 0o700 });
    copyFileSync(join(dir, "data", "keyhouse.secret"), join(dir, "elsewhere", "keyhouse.secret"));
    const moved = await runCli(["restore", backupFile], { KEYHOUSE_DATABASE_URL: elsewhere });
    expect(moved.code, moved.stderr).toBe(0);
    expect(statSync(elsewhere).mode & 0o777).toBe(0o600);
    const third = await serve({ KEYHOUSE_DATABASE_URL: elsewhere });
    expect(await whoamiStatuses(third.url, before)).toEqual(before.map(() => 200));
    await stopServe(third, "backup-third");
    keepFiles("backup-sqlite", [db, `${db}-wal`, backupFile, elsewhere]);
  });

  it("refuses a file that is not a keyhouse store, one with a newer schema, and PostgreSQL, changing nothing", async () => {
    const db = join(dir, "keyhouse.db");
    const env = { KEYHOUSE_DATABASE_URL: db };
    const init = await runCli(["init", "--json"], env);
    expect(init.code, init.stderr).toBe(0);
    recordIssuedKey(JSON.parse(init.stdout).api_key);
    const backupFile = join(dir, "good.db");
    expect((await runCli(["backup", backupFile], env)).code).toBe(0);
    const original = readFileSync(db);

    const text = join(dir, "notes.txt");
    writeFileSync(text, "these are not the keys you are looking for\n".repeat(200));
    const foreign = join(dir, "foreign.db");
    const other = new BetterSqlite3(foreign);
    other.exec("create table notes (body text); insert into notes values ('hello')");
    other.close();
    const newer = join(dir, "newer.db");
    copyFileSync(backupFile, newer);
    const future = new BetterSqlite3(newer);
    future.exec("insert into keyhouse_migrations (name, timestamp) values ('9999-from-the-future', '2099-01-01')");
    future.close();
    const damaged = join(dir, "damaged.db");
    const bytes = readFileSync(backupFile);
    bytes.fill(0x5a, 4096, 8192);
    writeFileSync(damaged, bytes);

    const cases: [string, RegExp][] = [
      [text, /notes\.txt is not a SQLite database \(nor a keyhouse backup\)\n$/],
      [foreign, /foreign\.db is a SQLite database but not a keyhouse store \(it has no keyhouse tables\)\n$/],
      [newer, /newer\.db has a newer schema than this keyhouse \(9999-from-the-future unknown\); use a keyhouse version that has them\n$/],
      [damaged, /damaged\.db (is damaged|cannot be read)/],
      [join(dir, "missing.db"), /missing\.db does not exist\n$/],
    ];
    for (const [file, message] of cases) {
      const res = await runCli(["restore", file, "--force"], env);
      expect(res.code, file).toBe(1);
      expect(res.stderr.split("\n")).toHaveLength(2);
      expect(res.stderr, file).toMatch(/^keyhouse: the backup /);
      expect(res.stderr, file).toMatch(message);
      expect(readFileSync(db).equals(original), `${file} changed the store`).toBe(true);
    }
    // The store itself must be a keyhouse store to be backed up.
    const notStore = await runCli(["backup", join(dir, "x.db")], { KEYHOUSE_DATABASE_URL: foreign });
    expect(notStore.code).toBe(1);
    expect(notStore.stderr).toContain("is a SQLite database but not a keyhouse store");

    const postgres = { KEYHOUSE_DATABASE_URL: POSTGRES_URL, KEYHOUSE_SECRET: "s".repeat(40) };
    for (const args of [
      ["backup", join(dir, "pg.db")],
      ["restore", backupFile],
    ]) {
      const res = await runCli(args, postgres);
      expect(res.code).toBe(1);
      expect(res.stderr).toContain("back up PostgreSQL with pg_dump --format=custom and restore with pg_restore (docs/deploy.md)");
    }
  });
});

forEachStore((store) => {
  describe.runIf(store === "postgres")("pg_dump and pg_restore (PostgreSQL)", () => {
    it("a dump of a live store restores into a working server: the keys of that moment, and no later one", async () => {
      const schema = await freshPostgresSchema();
      try {
        const env = { KEYHOUSE_DATABASE_URL: schema.url, KEYHOUSE_SECRET: randomBytes(32).toString("base64url") };
        const dump = join(dir, "keyhouse.dump");
        const first = await serve(env);
        const adminKey = adminKeyOf(first);
        const before = await createKeys(first.url, adminKey, "before", 5);
        // docs/deploy.md's commands; --schema only because the tests share one database.
        await execFileAsync("pg_dump", ["--format=custom", "--no-owner", `--schema=${schema.schema}`, `--file=${dump}`, POSTGRES_URL]);
        const after = await createKeys(first.url, adminKey, "after", 3);
        const deleted = before[0];
        expect((await send(first.url, `/v2/api-keys/${deleted?.id}`, { method: "DELETE", key: adminKey })).status).toBe(204);
        await stopServe(first, "pg-dump-first");

        await execFileAsync("pg_restore", [
          "--clean",
          "--if-exists",
          "--no-owner",
          "--single-transaction",
          `--dbname=${POSTGRES_URL}`,
          dump,
        ]);
        const second = await serve(env);
        expect(second.output()).not.toMatch(RAW_KEY);
        expect(await whoamiStatuses(second.url, [{ key: adminKey }, ...before])).toEqual([200, ...before.map(() => 200)]);
        expect(await whoamiStatuses(second.url, after)).toEqual([401, 401, 401]);
        await stopServe(second, "pg-dump-second");
        keepFiles("pg-dump", [dump]);
      } finally {
        await schema.drop();
      }
    });
  });
});
