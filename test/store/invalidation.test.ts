import { execFileSync } from "node:child_process";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { markKeyDeleted, touchLastUsed } from "../../src/store/queries/api-keys.js";
import { insertOrganization, upsertMembership } from "../../src/store/queries/identity.js";
import { insertProject } from "../../src/store/queries/projects.js";
import { insertRestriction } from "../../src/store/queries/restrictions.js";
import { insertRoleBinding } from "../../src/store/queries/role-bindings.js";
import { insertRole, updateRole } from "../../src/store/queries/roles.js";
import { deactivateUser, updateUser } from "../../src/store/queries/users.js";
import type { Db, Store } from "../../src/store/store.js";
import { forEachStore } from "../support/stores.js";
import {
  eventually,
  gate,
  openFreshStore,
  seedKey,
  seedUser,
  seedWorld,
  sleep,
  uniqueName,
  type StoreFixture,
  type World,
} from "./support.js";

/** Counts the invalidations a store's feed reports. */
function listen(store: Store): { count: number } {
  const heard = { count: 0 };
  store.invalidation.subscribe(() => {
    heard.count += 1;
  });
  return heard;
}

forEachStore((kind) => {
  let fixture: StoreFixture;
  let store: Store;
  let world: World;
  let heard: { count: number };

  beforeAll(async () => {
    fixture = await openFreshStore(kind);
    store = fixture.store;
    world = await seedWorld(store.db);
    heard = listen(store);
    await eventually(() => store.invalidation.healthy, "the feed to be healthy");
  });
  afterAll(async () => {
    await fixture?.close();
  });

  /**
   * A write, prepared: the setup (seeding through store.db) runs first, the
   * write it returns runs on whatever handle the test gives it. (On SQLite a
   * statement on store.db inside a transaction would wait for it forever: one
   * connection.)
   */
  type Write = () => Promise<(db: Db) => Promise<unknown>>;
  const newUser = () => seedUser(store.db, world.accountId);
  const newKey = async () => seedKey(store.db, await newUser());
  const newProject = (db: Db = store.db) =>
    insertProject(db, { space_id: world.spaceId, name: uniqueName("project"), created_at: 1, updated_at: 1 });
  const newRole = (db: Db = store.db) =>
    insertRole(db, { account_id: world.accountId, name: uniqueName("role"), description: null, permissions: "[]", created_at: 1 });

  /** Writes that can change who a key authenticates as, or whether it does. */
  const authWrites: Array<[string, Write]> = [
    [
      "a key deleted",
      async () => {
        const id = await newKey();
        return (db) => markKeyDeleted(db, id, Date.now());
      },
    ],
    [
      "a user deleted",
      async () => {
        const id = await newUser();
        return (db) => deactivateUser(db, id, Date.now());
      },
    ],
    [
      "a user's role changed",
      async () => {
        const id = await newUser();
        return (db) => updateUser(db, id, { role: "admin" }, Date.now());
      },
    ],
    [
      "a membership granted",
      async () => {
        const id = await newUser();
        const membership = {
          user_id: id,
          scope: "organization",
          scope_id: world.organizationId,
          organization_id: world.organizationId,
          role: "member",
          created_at: 1,
        } as const;
        return (db) => upsertMembership(db, membership);
      },
    ],
    [
      "a role binding granted",
      async () => {
        const id = await newUser();
        const binding = {
          user_id: id,
          role_id: 2,
          resource_type: "SPACE",
          resource_id: world.spaceId,
          space_id: world.spaceId,
          organization_id: world.organizationId,
          created_at: 1,
          updated_at: 1,
        } as const;
        return (db) => insertRoleBinding(db, binding);
      },
    ],
    [
      "a project restricted",
      async () => {
        const project = await newProject();
        return (db) => insertRestriction(db, project.id, Date.now());
      },
    ],
    [
      "a custom role's permissions changed",
      async () => {
        const role = await newRole();
        return (db) => updateRole(db, role.id, { permissions: '["DATASET_READ"]' }, Date.now());
      },
    ],
  ];

  /** Writes that cannot: new keys and users, last-use bookkeeping, audit events, names. */
  const harmlessWrites: Array<[string, Write]> = [
    [
      "a key created",
      async () => {
        const id = await newUser();
        return (db) => seedKey(db, id);
      },
    ],
    ["a user created", async () => (db) => seedUser(db, world.accountId)],
    [
      "a last use recorded",
      async () => {
        const id = await newKey();
        return (db) => touchLastUsed(db, new Map([[id, Date.now()]]));
      },
    ],
    [
      "an audit event",
      async () => (db) =>
        db
          .insertInto("audit_events")
          .values({
            occurred_at: 1,
            action: "test",
            actor_user_id: null,
            actor_key_id: null,
            client_address: null,
            request_id: null,
            details: "{}",
          })
          .execute(),
    ],
    ["a project created", async () => (db) => newProject(db)],
    ["a custom role created", async () => (db) => newRole(db)],
    [
      "an organization created",
      async () => (db) => insertOrganization(db, { account_id: world.accountId, name: uniqueName("org"), description: "", created_at: 1 }),
    ],
  ];

  /** How many invalidations this store reports while `run` runs (its seeding writes are harmless ones). */
  async function counted(run: () => Promise<unknown>): Promise<number> {
    // Settle: the feed may still deliver what earlier writes sent.
    await sleep(kind === "postgres" ? 50 : 2);
    const before = heard.count;
    await run();
    return heard.count - before;
  }

  describe("invalidation feed, in the writing process", () => {
    for (const [what, prepare] of authWrites) {
      it(`tells subscribers before the transaction returns when it commits ${what}`, async () => {
        const write = await prepare();
        let inside = -1;
        const n = await counted(() =>
          store.transaction(async (tx) => {
            await write(tx);
            inside = heard.count;
          }),
        );
        expect(n).toBeGreaterThan(0);
        // Not while the transaction is still open: a cache refilled then would read the old state.
        expect(inside).toBeLessThan(heard.count);
      });

      it(`tells subscribers before the statement returns when ${what} outside a transaction`, async () => {
        const write = await prepare();
        expect(await counted(() => write(store.db))).toBeGreaterThan(0);
      });
    }

    for (const [what, prepare] of harmlessWrites) {
      it(`says nothing for ${what}`, async () => {
        const write = await prepare();
        expect(await counted(() => store.transaction((tx) => write(tx)))).toBe(0);
        const again = await prepare();
        expect(await counted(() => again(store.db))).toBe(0);
      });
    }
  });

  if (kind === "postgres") {
    describe("invalidation feed, across stores: PostgreSQL LISTEN/NOTIFY", () => {
      let other: Store;
      let otherHeard: { count: number };
      beforeAll(async () => {
        other = await fixture.openAnother();
        otherHeard = listen(other);
        expect(other.invalidation.healthy).toBe(false);
        await eventually(() => other.invalidation.healthy, "the other store's listener to connect");
      });

      /** Waits for the other store to hear `expected` more invalidations, then a while for any stray one. */
      async function otherHears(run: () => Promise<unknown>, expected: number): Promise<number> {
        await sleep(100);
        const before = otherHeard.count;
        await run();
        await eventually(() => otherHeard.count - before >= expected, `the other store to hear ${expected}`, 5_000);
        await sleep(200);
        return otherHeard.count - before;
      }

      for (const [what, prepare] of authWrites) {
        it(`tells another store when ${what} commits`, async () => {
          const write = await prepare();
          expect(await otherHears(() => store.transaction((tx) => write(tx)), 1)).toBe(1);
          const again = await prepare();
          expect(await otherHears(() => again(store.db), 1)).toBe(1);
        });
      }

      it("tells it at commit, not before; nothing for a rollback or for harmless writes", async () => {
        const keyId = await seedKey(store.db, await seedUser(store.db, world.accountId));
        const other2 = await seedKey(store.db, await seedUser(store.db, world.accountId));
        const n = await otherHears(async () => {
          const before = otherHeard.count;
          // Rolled back: nothing.
          const boom = new Error("rolled back");
          await expect(
            store.transaction(async (tx) => {
              await markKeyDeleted(tx, keyId, Date.now());
              throw boom;
            }),
          ).rejects.toBe(boom);
          // Harmless commits: nothing.
          for (const [, prepare] of harmlessWrites) {
            const write = await prepare();
            await store.transaction((tx) => write(tx));
          }
          // An open transaction that deleted a key: nothing yet.
          const written = gate();
          const release = gate();
          const open = store.transaction(async (tx) => {
            await markKeyDeleted(tx, other2, Date.now());
            written.open();
            await release.promise;
          });
          await written.promise;
          await sleep(200);
          expect(otherHeard.count).toBe(before);
          // Its commit is the one invalidation the other store hears (NOTIFYs arrive in commit order,
          // so one sent by the rollback or a harmless write would have arrived first).
          release.open();
          await open;
        }, 1);
        expect(n).toBe(1);
      });
    });
  } else {
    describe("invalidation feed, across connections and processes: SQLite data_version", () => {
      let other: Store;
      let otherHeard: { count: number };
      beforeAll(async () => {
        other = await fixture.openAnother();
        otherHeard = listen(other);
      });

      /** What the other store's poll reports after `run` (poll checks at most once a millisecond). */
      async function otherPolls(run: () => Promise<unknown> | unknown): Promise<number> {
        await sleep(2);
        other.invalidation.poll();
        const before = otherHeard.count;
        await run();
        await sleep(2);
        other.invalidation.poll();
        return otherHeard.count - before;
      }

      it("another connection's poll reports a commit, at commit and not before", async () => {
        for (const [, prepare] of authWrites) {
          const write = await prepare();
          expect(await otherPolls(() => store.transaction((tx) => write(tx)))).toBe(1);
          const again = await prepare();
          expect(await otherPolls(() => again(store.db))).toBe(1);
        }
        const keyId = await seedKey(store.db, await seedUser(store.db, world.accountId));
        const written = gate();
        const release = gate();
        const open = store.transaction(async (tx) => {
          await markKeyDeleted(tx, keyId, Date.now());
          written.open();
          await release.promise;
        });
        await written.promise;
        expect(await otherPolls(() => undefined)).toBe(0);
        expect(
          await otherPolls(async () => {
            release.open();
            await open;
          }),
        ).toBe(1);
      });

      it("a rolled-back write moves nothing", async () => {
        const keyId = await seedKey(store.db, await seedUser(store.db, world.accountId));
        const boom = new Error("rolled back");
        const n = await otherPolls(() =>
          expect(
            store.transaction(async (tx) => {
              await markKeyDeleted(tx, keyId, Date.now());
              throw boom;
            }),
          ).rejects.toBe(boom),
        );
        expect(n).toBe(0);
        expect(await otherPolls(() => undefined)).toBe(0);
      });

      it("another process's commit is reported", async () => {
        const keyId = await seedKey(store.db, await seedUser(store.db, world.accountId));
        const script = `
          import Database from "better-sqlite3";
          const db = new Database(process.env.DB_PATH);
          const { changes } = db.prepare("update api_keys set status = 'deleted' where id = ?").run(Number(process.env.KEY_ID));
          if (changes !== 1) process.exit(3);
          db.close();
        `;
        const n = await otherPolls(() =>
          execFileSync(process.execPath, ["--input-type=module", "-e", script], {
            env: { ...process.env, DB_PATH: fixture.path ?? "", KEY_ID: String(keyId) },
            stdio: "inherit",
          }),
        );
        expect(n).toBe(1);
        // The writing store's own feed reports it too: its own commits do not count, another process's do.
        const own = heard.count;
        await sleep(2);
        store.invalidation.poll();
        expect(heard.count).toBe(own + 1);
      });
    });
  }
});
