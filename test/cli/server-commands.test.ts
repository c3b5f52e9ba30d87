import { mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { sql, type Kysely } from "kysely";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { MIGRATIONS } from "../../src/store/migrations/index.js";
import { createMigrator } from "../../src/store/migrator.js";
import { openPostgresStore } from "../../src/store/postgres/open.js";
import { openSqliteStore } from "../../src/store/sqlite/open.js";
import { freshPostgresSchema } from "../support/server.js";
import { forEachStore } from "../support/stores.js";
import { freePort, runCli, startServeProcess, stop } from "../support/cli.js";

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "keyhouse-cli-"));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe("keyhouse init", () => {
  it("initializes an empty store once, prints the admin key as JSON, then refuses without printing a key", async () => {
    const env = { KEYHOUSE_DATABASE_URL: join(dir, "k.db"), KEYHOUSE_PORT: "9999" };
    const first = await runCli(["init", "--json"], env);
    expect(first.code, first.stderr).toBe(0);
    const result = JSON.parse(first.stdout);
    expect(Object.keys(result).sort()).toEqual(["api_key", "organization_id", "space_id", "url", "user_id"]);
    expect(result.api_key).toMatch(/^ak-[0-9A-Za-z]{48}$/);
    expect(result.url).toBe("http://127.0.0.1:9999");
    expect(statSync(join(dir, "keyhouse.secret")).mode & 0o777).toBe(0o600);
    const second = await runCli(["init", "--json"], env);
    expect(second.code).toBe(1);
    expect(second.stdout).toBe("");
    expect(second.stderr).toContain("already initialized");
    expect(second.stderr).not.toMatch(/ak-[0-9A-Za-z]{48}/);
  });

  it("refuses invalid configuration with one line naming the variable and exit code 2", async () => {
    const res = await runCli(["serve"], { KEYHOUSE_DATABASE_URL: join(dir, "k.db"), KEYHOUSE_PORT: "http" });
    expect(res.code).toBe(2);
    expect(res.stderr.trim().split("\n")).toHaveLength(1);
    expect(res.stderr).toContain("KEYHOUSE_PORT");
    const short = await runCli(["init"], { KEYHOUSE_DATABASE_URL: join(dir, "k.db"), KEYHOUSE_SECRET: "short" });
    expect(short.code).toBe(2);
    expect(short.stderr).toContain("KEYHOUSE_SECRET");
    const pg = await runCli(["serve"], { KEYHOUSE_DATABASE_URL: "postgres://postgres@127.0.0.1:5432/test" });
    expect(pg.code).toBe(2);
    expect(pg.stderr).toContain("KEYHOUSE_SECRET");
  });

  it("names every invalid variable, one line each, before refusing to start", async () => {
    const env = { KEYHOUSE_DATABASE_URL: join(dir, "k.db"), KEYHOUSE_PORT: "http", KEYHOUSE_BODY_LIMIT_BYTES: "1" };
    for (const command of ["serve", "init", "migrate"]) {
      const res = await runCli([command], env);
      expect(res.code, command).toBe(2);
      expect(res.stderr.trim().split("\n")).toEqual([
        'keyhouse: invalid configuration: KEYHOUSE_PORT: must be a whole number, got "http"',
        "keyhouse: invalid configuration: KEYHOUSE_BODY_LIMIT_BYTES: must be between 1024 and 10485760, got 1",
      ]);
    }
    // A value is quoted on its variable's line, never breaking it.
    const res = await runCli(["serve"], { ...env, KEYHOUSE_PORT: "80\nKEYHOUSE_X: forged", KEYHOUSE_BODY_LIMIT_BYTES: "" });
    expect(res.stderr).toBe('keyhouse: invalid configuration: KEYHOUSE_PORT: must be a whole number, got "80\\nKEYHOUSE_X: forged"\n');
  });

  it("exits 2 on an unknown command or option", async () => {
    expect((await runCli(["frobnicate"], {})).code).toBe(2);
    expect((await runCli(["init", "--bogus"], {})).code).toBe(2);
  });
});

describe("keyhouse serve", () => {
  it("initializes an empty store at ./data/keyhouse.db, prints the first key once, and the key works", async () => {
    const port = String(await freePort());
    const server = await startServeProcess({ KEYHOUSE_PORT: port }, dir);
    const key = /ak-[0-9A-Za-z]{48}/.exec(server.output())?.[0];
    expect(key).toBeDefined();
    expect(statSync(join(dir, "data", "keyhouse.db")).isFile()).toBe(true);
    expect(statSync(join(dir, "data", "keyhouse.secret")).mode & 0o777).toBe(0o600);
    const res = await fetch(`${server.url}/v2/api-keys`, { headers: { authorization: `Bearer ${key}` } });
    expect(res.status).toBe(200);
    expect(await stop(server.child)).toBe(0);
    // A restart reuses the store and the secret file: no new key, the old one still works.
    const again = await startServeProcess({ KEYHOUSE_PORT: port }, dir);
    expect(again.output()).not.toMatch(/ak-[0-9A-Za-z]{48}/);
    expect((await fetch(`${again.url}/v2/api-keys`, { headers: { authorization: `Bearer ${key}` } })).status).toBe(200);
    await stop(again.child);
  });
});

forEachStore((store) => {
  describe("keyhouse serve and migrate", () => {
    it("refuse a schema that is behind (pointing at keyhouse migrate) or ahead of the code", async () => {
      const postgres = store === "postgres" ? await freshPostgresSchema() : undefined;
      const url = postgres?.url ?? join(dir, "k.db");
      const env = { KEYHOUSE_DATABASE_URL: url, KEYHOUSE_PORT: String(await freePort()), KEYHOUSE_SECRET: "s".repeat(40) };
      try {
        // A store that only has the first migration, as an older keyhouse left it.
        const old = postgres ? openPostgresStore(url) : openSqliteStore(url);
        const migrator = await createMigrator(old.db as Kysely<unknown>, store);
        const first = MIGRATIONS[0]?.name ?? "";
        const last = MIGRATIONS[MIGRATIONS.length - 1]?.name ?? "";
        expect((await migrator.migrateTo(first)).error).toBeUndefined();
        const behind = await runCli(["serve"], env);
        expect(behind.code).toBe(1);
        expect(behind.stderr.trim().split("\n")).toHaveLength(1);
        expect(behind.stderr).toContain("run: keyhouse migrate");
        const migrate = await runCli(["migrate"], env);
        expect(migrate.code, migrate.stderr).toBe(0);
        expect(migrate.stdout).toContain(last);
        expect((await runCli(["migrate"], env)).stdout).toContain("up to date");
        await sql`insert into keyhouse_migrations (name, timestamp) values ('9999-future', '2099-01-01')`.execute(old.db);
        await old.close();
        const ahead = await runCli(["serve"], env);
        expect(ahead.code).toBe(1);
        expect(ahead.stderr).toContain("ahead");
        // migrate and init refuse it with the same line, changing nothing.
        for (const command of ["migrate", "init"]) {
          const refused = await runCli([command], env);
          expect(refused.code, command).toBe(1);
          expect(refused.stderr, command).toBe(ahead.stderr);
          expect(refused.stdout, command).toBe("");
        }
      } finally {
        await postgres?.drop();
      }
    });

    it("init on an empty database applies the migrations itself", async () => {
      const postgres = store === "postgres" ? await freshPostgresSchema() : undefined;
      const env = { KEYHOUSE_DATABASE_URL: postgres?.url ?? join(dir, "k.db"), KEYHOUSE_SECRET: "s".repeat(40) };
      try {
        const init = await runCli(["init", "--json"], env);
        expect(init.code, init.stderr).toBe(0);
        expect((await runCli(["migrate"], env)).stdout).toContain("up to date");
      } finally {
        await postgres?.drop();
      }
    });
  });
});
