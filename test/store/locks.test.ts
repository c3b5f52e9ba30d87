import BetterSqlite3 from "better-sqlite3";
import { sql } from "kysely";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { findApiKey, markKeyDeleted, readKeyStateLocked } from "../../src/store/queries/api-keys.js";
import { deactivateUser, findHumanUser, readUserStatusLocked } from "../../src/store/queries/users.js";
import type { Store, Tx } from "../../src/store/store.js";
import { POSTGRES_URL, forEachStore } from "../support/stores.js";
import { eventually, gate, openFreshStore, seedKey, seedUser, seedWorld, sleep, type StoreFixture, type World } from "./support.js";

/** A transaction held open after `body` ran, until released. */
interface Held {
  /** Its PostgreSQL backend (0 on SQLite). */
  pid: number;
  /** Lets it commit, and resolves when it has. */
  release(): Promise<void>;
}

async function hold(store: Store, body: (tx: Tx) => Promise<void>, postgres: boolean): Promise<Held> {
  const ready = gate();
  const release = gate();
  let pid = 0;
  const done = store.transaction(async (tx) => {
    if (postgres) pid = (await sql<{ pid: number }>`select pg_backend_pid() as pid`.execute(tx)).rows[0]?.pid ?? 0;
    await body(tx);
    ready.open();
    await release.promise;
  });
  await Promise.race([ready.promise, done]);
  return {
    pid,
    release: async () => {
      release.open();
      await done;
    },
  };
}

/** Records when a promise settles, so a test can tell whether it is still waiting. */
function track<T>(promise: Promise<T>): { done: () => boolean; result: Promise<T> } {
  let settled = false;
  const result = promise.finally(() => {
    settled = true;
  });
  return { done: () => settled, result };
}

forEachStore((kind) => {
  let fixture: StoreFixture;
  let store: Store;
  /** Another store on the same database, as another process would hold. */
  let other: Store;
  let world: World;

  beforeAll(async () => {
    fixture = await openFreshStore(kind);
    store = fixture.store;
    other = await fixture.openAnother();
    world = await seedWorld(store.db);
  });
  afterAll(async () => {
    await fixture?.close();
  });

  // Each backend proves its own half; the other's would not apply.
  if (kind === "postgres")
    describe("locked reads: PostgreSQL row locks", () => {
      let observer: pg.Client;
      beforeAll(async () => {
        observer = new pg.Client({ connectionString: POSTGRES_URL });
        await observer.connect();
      });
      afterAll(async () => {
        await observer?.end();
      });

      /** True when some backend is waiting for a lock `pid` holds. */
      async function blocksSomeone(pid: number): Promise<boolean> {
        const { rows } = await observer.query<{ n: number }>(
          "select count(*)::int as n from pg_stat_activity where $1 = any(pg_blocking_pids(pid))",
          [pid],
        );
        return (rows[0]?.n ?? 0) > 0;
      }

      it("a key read with readKeyStateLocked holds: a concurrent delete waits until the reader commits", async () => {
        const keyId = await seedKey(store.db, await seedUser(store.db, world.accountId));
        const reader = await hold(
          store,
          async (tx) => {
            expect(await readKeyStateLocked(tx, keyId)).toMatchObject({ status: "active" });
          },
          true,
        );
        const deletion = track(markKeyDeleted(other.db, keyId, Date.now()));
        try {
          await eventually(() => blocksSomeone(reader.pid), "the delete waiting for the reader's lock", 5_000);
          expect(deletion.done()).toBe(false);
        } finally {
          await reader.release();
        }
        expect(await deletion.result).toBe(true);
      });

      it("a user read with readUserStatusLocked holds: a concurrent deletion waits until the reader commits", async () => {
        const userId = await seedUser(store.db, world.accountId);
        const reader = await hold(
          store,
          async (tx) => {
            expect(await readUserStatusLocked(tx, userId)).toBe("active");
          },
          true,
        );
        const deletion = track(other.transaction((tx) => deactivateUser(tx, userId, Date.now())));
        try {
          await eventually(() => blocksSomeone(reader.pid), "the deletion waiting for the reader's lock", 5_000);
          expect(deletion.done()).toBe(false);
        } finally {
          await reader.release();
        }
        expect(await deletion.result).toBe(true);
        expect((await findHumanUser(store.db, userId))?.status).toBe("inactive");
      });

      it("a plain read holds nothing: the same delete goes through while the reader is open", async () => {
        const keyId = await seedKey(store.db, await seedUser(store.db, world.accountId));
        const reader = await hold(
          store,
          async (tx) => {
            expect((await findApiKey(tx, keyId))?.status).toBe("active");
          },
          true,
        );
        try {
          expect(await markKeyDeleted(other.db, keyId, Date.now())).toBe(true);
        } finally {
          await reader.release();
        }
      });

      it("lockForShare lets other share locks through; lockForUpdate makes them wait", async () => {
        const keyId = await seedKey(store.db, await seedUser(store.db, world.accountId));
        const select = (tx: Tx) => tx.selectFrom("api_keys").select("status").where("id", "=", keyId);

        const sharer = await hold(store, async (tx) => void (await tx.lockForShare(select(tx)).execute()), true);
        try {
          expect(await other.transaction((tx) => tx.lockForShare(select(tx)).executeTakeFirst())).toEqual({ status: "active" });
        } finally {
          await sharer.release();
        }

        const updater = await hold(store, async (tx) => void (await tx.lockForUpdate(select(tx)).execute()), true);
        const shared = track(other.transaction((tx) => tx.lockForShare(select(tx)).executeTakeFirst()));
        try {
          await eventually(() => blocksSomeone(updater.pid), "the share lock waiting for the update lock", 5_000);
          expect(shared.done()).toBe(false);
        } finally {
          await updater.release();
        }
        expect(await shared.result).toEqual({ status: "active" });
      });
    });

  if (kind === "sqlite")
    describe("locked reads: SQLite has one writer at a time, so they need no lock", () => {
      it("a write transaction excludes every other connection's writes from its start, even one that only reads", async () => {
        const keyId = await seedKey(store.db, await seedUser(store.db, world.accountId));
        // Another connection that fails at once instead of waiting for the lock.
        const raw = new BetterSqlite3(fixture.path ?? "", { timeout: 0 });
        const remove = raw.prepare("update api_keys set status = 'deleted' where id = ?");
        const busy = (fn: () => unknown) => {
          try {
            fn();
          } catch (error) {
            return (error as { code?: string }).code;
          }
          return "no error";
        };
        try {
          const reader = await hold(
            store,
            async (tx) => {
              expect(await readKeyStateLocked(tx, keyId)).toMatchObject({ status: "active" });
            },
            false,
          );
          try {
            expect(busy(() => remove.run(keyId))).toBe("SQLITE_BUSY");
            expect(busy(() => raw.exec("begin immediate"))).toBe("SQLITE_BUSY");
            // Readers are not excluded (WAL): they see the last commit.
            expect(raw.prepare("select status from api_keys where id = ?").get(keyId)).toEqual({ status: "active" });
          } finally {
            await reader.release();
          }
          expect(remove.run(keyId).changes).toBe(1);
        } finally {
          raw.close();
        }
      });

      it("a store runs its transactions one after another, never interleaved", async () => {
        const keyId = await seedKey(store.db, await seedUser(store.db, world.accountId));
        const events: string[] = [];
        const first = store.transaction(async (tx) => {
          events.push("first reads");
          expect(await readKeyStateLocked(tx, keyId)).toMatchObject({ status: "active" });
          // The event loop is free meanwhile: the second transaction is already waiting.
          await sleep(50);
          expect(await readKeyStateLocked(tx, keyId)).toMatchObject({ status: "active" });
          events.push("first ends");
        });
        const second = store.transaction(async (tx) => {
          events.push("second deletes");
          return markKeyDeleted(tx, keyId, Date.now());
        });
        await first;
        expect(await second).toBe(true);
        expect(events).toEqual(["first reads", "first ends", "second deletes"]);
      });
    });
});
