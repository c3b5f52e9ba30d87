import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { claimKeyForRotation, findApiKey, markKeyDeleted } from "../../src/store/queries/api-keys.js";
import { softDelete } from "../../src/store/queries/soft-delete.js";
import { deactivateUser, findHumanUser } from "../../src/store/queries/users.js";
import { insertOrganization } from "../../src/store/queries/identity.js";
import type { Store, Tx } from "../../src/store/store.js";
import { forEachStore, type StoreKind } from "../support/stores.js";
import { barrier, openFreshStore, seedKey, seedUser, seedWorld, uniqueName, type StoreFixture, type World } from "./support.js";

/** Concurrent attempts per race; PostgreSQL gives each its own connection (the pool holds 10). */
const ATTEMPTS = 8;

/**
 * Runs ATTEMPTS transactions at once, each reading the row with `read` and then
 * trying the guarded update `attempt` (given its index). On PostgreSQL every
 * attempt reads before any updates (a barrier), so each saw the row in its old
 * state and only the guard can keep the others out. SQLite runs a store's
 * transactions one after another, so a barrier inside them would wait forever;
 * there the guard must stop the attempts that come after the winner.
 */
async function race(
  kind: StoreKind,
  store: Store,
  read: (tx: Tx) => Promise<boolean>,
  attempt: (tx: Tx, i: number) => Promise<boolean>,
): Promise<{ winners: number[]; sawBefore: boolean[] }> {
  const arrive = kind === "postgres" ? barrier(ATTEMPTS) : async () => undefined;
  const results = await Promise.all(
    Array.from({ length: ATTEMPTS }, (_, i) =>
      store.transaction(async (tx) => {
        const saw = await read(tx);
        await arrive();
        return { saw, won: await attempt(tx, i) };
      }),
    ),
  );
  return { winners: results.flatMap((r, i) => (r.won ? [i] : [])), sawBefore: results.map((r) => r.saw) };
}

forEachStore((kind) => {
  let fixture: StoreFixture;
  let store: Store;
  let world: World;
  const base = 1_900_000_000_000;

  beforeAll(async () => {
    fixture = await openFreshStore(kind);
    store = fixture.store;
    world = await seedWorld(store.db);
  });
  afterAll(async () => {
    await fixture?.close();
  });

  describe("guarded updates have exactly one winner", () => {
    it("concurrent deletes of one key: one reports the change, and the key holds the winner's time", async () => {
      const keyId = await seedKey(store.db, await seedUser(store.db, world.accountId));
      const isActive = async (tx: Tx) => (await findApiKey(tx, keyId))?.status === "active";
      const { winners, sawBefore } = await race(kind, store, isActive, (tx, i) => markKeyDeleted(tx, keyId, base + i));
      expect(winners).toHaveLength(1);
      if (kind === "postgres") expect(sawBefore.every(Boolean)).toBe(true);
      const key = await findApiKey(store.db, keyId);
      expect(key).toMatchObject({ status: "deleted", deleted_at: base + (winners[0] ?? -1) });
    });

    it("concurrent rotations of one key (with and without grace): one claims it", async () => {
      const keyId = await seedKey(store.db, await seedUser(store.db, world.accountId));
      const now = Date.now();
      const claimable = async (tx: Tx) => (await findApiKey(tx, keyId))?.rotated_at === null;
      const { winners, sawBefore } = await race(kind, store, claimable, (tx, i) =>
        claimKeyForRotation(tx, keyId, now + i, i % 2 === 0 ? null : now + 60_000),
      );
      expect(winners).toHaveLength(1);
      if (kind === "postgres") expect(sawBefore.every(Boolean)).toBe(true);
      const winner = winners[0] ?? -1;
      const key = await findApiKey(store.db, keyId);
      expect(key?.rotated_at).toBe(now + winner);
      expect(key?.status).toBe(winner % 2 === 0 ? "deleted" : "active");
      // The claim also fails once the key is deleted by other means.
      expect(await claimKeyForRotation(store.db, keyId, now, null)).toBe(false);
    });

    it("concurrent deletions of one user: one deactivates it", async () => {
      const userId = await seedUser(store.db, world.accountId);
      const isActive = async (tx: Tx) => (await findHumanUser(tx, userId))?.status === "active";
      const { winners, sawBefore } = await race(kind, store, isActive, (tx, i) => deactivateUser(tx, userId, base + i));
      expect(winners).toHaveLength(1);
      if (kind === "postgres") expect(sawBefore.every(Boolean)).toBe(true);
      expect(await findHumanUser(store.db, userId)).toMatchObject({ status: "inactive", updated_at: base + (winners[0] ?? -1) });
    });

    it("concurrent soft deletes of one organization: one deletes it", async () => {
      const organization = await insertOrganization(store.db, {
        account_id: world.accountId,
        name: uniqueName("org"),
        description: "",
        created_at: 1,
      });
      const isLive = async (tx: Tx) =>
        (await tx.selectFrom("organizations").select("deleted_at").where("id", "=", organization.id).executeTakeFirst())?.deleted_at ===
        null;
      const { winners, sawBefore } = await race(kind, store, isLive, (tx, i) => softDelete(tx, "organizations", organization.id, base + i));
      expect(winners).toHaveLength(1);
      if (kind === "postgres") expect(sawBefore.every(Boolean)).toBe(true);
    });
  });
});
