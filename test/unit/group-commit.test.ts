import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import BetterSqlite3 from "better-sqlite3";
import { Kysely, SqliteDialect, sql } from "kysely";
import { afterEach, describe, expect, it } from "vitest";
import { GroupCommit } from "../../src/store/sqlite/group-commit.js";
import { openSqliteStore } from "../../src/store/sqlite/open.js";
import type { Database } from "../../src/store/schema.js";
import type { Db } from "../../src/store/store.js";

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function scratch(): string {
  const dir = mkdtempSync(join(tmpdir(), "keyhouse-group-commit-"));
  dirs.push(dir);
  return join(dir, "store.db");
}

async function values(db: Db): Promise<number[]> {
  const { rows } = await sql<{ v: number }>`select v from t order by v`.execute(db);
  return rows.map((r) => r.v);
}

describe("SQLite group commit", () => {
  it("commits concurrent transactions together, each one whole", async () => {
    const store = openSqliteStore(scratch());
    await sql`create table t (v integer not null unique)`.execute(store.db);
    const results = await Promise.all(
      Array.from({ length: 40 }, (_, i) =>
        store.transaction(async (tx) => {
          await sql`insert into t (v) values (${i})`.execute(tx);
          await sql`insert into t (v) values (${1000 + i})`.execute(tx);
          return i;
        }),
      ),
    );
    expect(results).toEqual(Array.from({ length: 40 }, (_, i) => i));
    expect(await values(store.db)).toHaveLength(80);
    await store.close();
  });

  it("rolls back only the transaction that throws; the others in its group commit", async () => {
    const store = openSqliteStore(scratch());
    await sql`create table t (v integer not null unique)`.execute(store.db);
    const outcomes = await Promise.allSettled(
      [1, 2, 3, 4].map((n) =>
        store.transaction(async (tx) => {
          await sql`insert into t (v) values (${n})`.execute(tx);
          // The third inserts a duplicate after its first write: all of it must vanish.
          if (n === 3) await sql`insert into t (v) values (${1})`.execute(tx);
          return n;
        }),
      ),
    );
    expect(outcomes.map((o) => o.status)).toEqual(["fulfilled", "fulfilled", "rejected", "fulfilled"]);
    expect(await values(store.db)).toEqual([1, 2, 4]);
    await store.close();
  });

  it("rejects every member, and keeps nothing, when the shared commit fails", async () => {
    const database = new BetterSqlite3(scratch());
    const db = new Kysely<Database>({ dialect: new SqliteDialect({ database }) });
    await sql`create table t (v integer not null)`.execute(db);
    let groups = 0;
    const group = new GroupCommit(
      (body) =>
        db.transaction().execute(async (tx) => {
          await body(tx);
          throw new Error("commit failed");
        }),
      () => {
        groups += 1;
      },
    );
    const outcomes = await Promise.allSettled([1, 2, 3].map((n) => group.run((tx) => sql`insert into t (v) values (${n})`.execute(tx))));
    expect(outcomes.every((o) => o.status === "rejected")).toBe(true);
    expect(await values(db)).toEqual([]);
    expect(groups).toBeGreaterThanOrEqual(1);
    await db.destroy();
  });

  it("shares commits: concurrent callers need fewer transactions than callers", async () => {
    const database = new BetterSqlite3(scratch());
    const db = new Kysely<Database>({ dialect: new SqliteDialect({ database }) });
    await sql`create table t (v integer not null)`.execute(db);
    let transactions = 0;
    const group = new GroupCommit(
      (body) => {
        transactions += 1;
        return db.transaction().execute(body);
      },
      () => undefined,
    );
    await Promise.all(Array.from({ length: 50 }, (_, i) => group.run((tx) => sql`insert into t (v) values (${i})`.execute(tx))));
    expect(await values(db)).toHaveLength(50);
    expect(transactions).toBeLessThan(50);
    await db.destroy();
  });
});
