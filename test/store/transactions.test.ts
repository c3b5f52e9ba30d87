import { randomBytes } from "node:crypto";
import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { insertApiKey } from "../../src/store/queries/api-keys.js";
import { insertOrganization, upsertMembership } from "../../src/store/queries/identity.js";
import type { Database } from "../../src/store/schema.js";
import type { Db, Store } from "../../src/store/store.js";
import { forEachStore } from "../support/stores.js";
import { gate, openFreshStore, seedUser, seedWorld, uniqueName, type StoreFixture, type World } from "./support.js";

const TABLES = [
  "organizations",
  "users",
  "memberships",
  "api_keys",
  "audit_events",
  "audit_event_targets",
] as const satisfies ReadonlyArray<keyof Database>;

/** Row counts of the tables a multi-table write touches. */
async function counts(db: Db): Promise<Record<string, number>> {
  const result: Record<string, number> = {};
  for (const table of TABLES) {
    const row = await db
      .selectFrom(table)
      .select((eb) => eb.fn.countAll<number | string>().as("n"))
      .executeTakeFirstOrThrow();
    result[table] = Number(row.n);
  }
  return result;
}

/** One change touching every table of TABLES: an organization, a user with a membership and a key, an audit event. */
async function writeAcrossTables(tx: Db, world: World): Promise<{ userId: number; keyId: number }> {
  const now = Date.now();
  const organization = await insertOrganization(tx, {
    account_id: world.accountId,
    name: uniqueName("org"),
    description: "",
    created_at: now,
  });
  const email = `${uniqueName("tx")}@example.com`;
  const userId = await seedUser(tx, world.accountId, email);
  await upsertMembership(tx, {
    user_id: userId,
    scope: "organization",
    scope_id: organization.id,
    organization_id: organization.id,
    role: "member",
    created_at: now,
  });
  const key = await insertApiKey(tx, {
    key_type: "user",
    name: "k",
    description: null,
    key_hash: randomBytes(32),
    redacted_key: "ak-…test",
    principal_user_id: userId,
    created_by_user_id: userId,
    space_id: null,
    created_at: now,
    expires_at: null,
    rotated_from_id: null,
  });
  const event = await tx
    .insertInto("audit_events")
    .values({
      occurred_at: now,
      action: "test.written",
      actor_user_id: userId,
      actor_key_id: key.id,
      client_address: null,
      request_id: null,
      details: "{}",
    })
    .returning("id")
    .executeTakeFirstOrThrow();
  await tx
    .insertInto("audit_event_targets")
    .values({ event_id: event.id, target_id: `User:${userId}` })
    .execute();
  return { userId, keyId: key.id };
}

/** The error a constraint failure raised, or a failure of the test when none was raised. */
async function failure(write: Promise<unknown>): Promise<unknown> {
  try {
    await write;
  } catch (error) {
    return error;
  }
  throw new Error("expected the write to fail");
}

forEachStore((kind) => {
  let fixture: StoreFixture;
  let store: Store;
  /** Another store on the same database: what another process sees. */
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

  describe("transactions", () => {
    it("commit every write together, and another connection sees them all", async () => {
      const before = await counts(other.db);
      const { userId, keyId } = await store.transaction((tx) => writeAcrossTables(tx, world));
      const after = await counts(other.db);
      for (const table of TABLES) expect(after[table], table).toBe((before[table] ?? 0) + 1);
      expect(await other.db.selectFrom("api_keys").select("principal_user_id").where("id", "=", keyId).executeTakeFirst()).toEqual({
        principal_user_id: userId,
      });
    });

    it("roll back every write, in every table, when the callback throws, and rethrow its error", async () => {
      const before = await counts(store.db);
      const thrown = new Error("changed my mind");
      let wrote = false;
      await expect(
        store.transaction(async (tx) => {
          await writeAcrossTables(tx, world);
          wrote = true;
          throw thrown;
        }),
      ).rejects.toBe(thrown);
      expect(wrote).toBe(true);
      expect(await counts(store.db)).toEqual(before);
      expect(await counts(other.db)).toEqual(before);
    });

    it("roll back the earlier writes when a later statement fails", async () => {
      const before = await counts(store.db);
      const error = await failure(
        store.transaction(async (tx) => {
          await writeAcrossTables(tx, world);
          // A key acting as a user that does not exist: the foreign key refuses it.
          await tx
            .insertInto("api_keys")
            .values({
              key_type: "user",
              name: "orphan",
              description: null,
              key_hash: randomBytes(32),
              redacted_key: "ak-…test",
              principal_user_id: 987_654_321,
              created_by_user_id: 987_654_321,
              space_id: null,
              status: "active",
              created_at: 1,
              expires_at: null,
            })
            .execute();
        }),
      );
      expect(store.isUniqueViolation(error)).toBe(false);
      expect(await counts(store.db)).toEqual(before);
    });

    it("keep uncommitted writes from other connections, and show them once committed", async () => {
      const email = `${uniqueName("pending")}@example.com`;
      const visibleToOther = async () =>
        (await other.db.selectFrom("users").select("id").where("email_key", "=", email).executeTakeFirst()) !== undefined;
      const written = gate();
      const release = gate();
      const transaction = store.transaction(async (tx) => {
        await seedUser(tx, world.accountId, email);
        written.open();
        await release.promise;
      });
      await written.promise;
      expect(await visibleToOther()).toBe(false);
      release.open();
      await transaction;
      expect(await visibleToOther()).toBe(true);
    });
  });

  describe("unique violations", () => {
    it("are recognized for every unique constraint, inside and outside transactions", async () => {
      const name = uniqueName("dup");
      await insertOrganization(store.db, { account_id: world.accountId, name, description: "", created_at: 1 });
      // The same name in another case: the unique index is on the lower-cased name.
      const outside = await failure(
        insertOrganization(store.db, { account_id: world.accountId, name: name.toUpperCase(), description: "", created_at: 1 }),
      );
      expect(store.isUniqueViolation(outside)).toBe(true);

      const email = `${uniqueName("dup")}@example.com`;
      await seedUser(store.db, world.accountId, email);
      const inside = await failure(store.transaction((tx) => seedUser(tx, world.accountId, email.toUpperCase())));
      expect(store.isUniqueViolation(inside)).toBe(true);

      const userId = await seedUser(store.db, world.accountId);
      const membership = {
        user_id: userId,
        scope: "organization",
        scope_id: world.organizationId,
        organization_id: world.organizationId,
        role: "member",
        created_at: 1,
      } as const;
      await store.db.insertInto("memberships").values(membership).execute();
      expect(store.isUniqueViolation(await failure(store.db.insertInto("memberships").values(membership).execute()))).toBe(true);

      const hash = randomBytes(32);
      const key = {
        key_type: "user",
        name: "k",
        description: null,
        key_hash: hash,
        redacted_key: "x",
        principal_user_id: userId,
        created_by_user_id: userId,
        space_id: null,
        status: "active",
        created_at: 1,
        expires_at: null,
      } as const;
      await store.db.insertInto("api_keys").values(key).execute();
      expect(store.isUniqueViolation(await failure(store.db.insertInto("api_keys").values(key).execute()))).toBe(true);

      // A primary key is unique too.
      const duplicateId = await failure(
        store.db.insertInto("accounts").values({ id: world.accountId, name: "again", created_at: 1 }).execute(),
      );
      expect(store.isUniqueViolation(duplicateId)).toBe(true);
    });

    it("are told apart from every other failure", async () => {
      const userId = await seedUser(store.db, world.accountId);
      const base = {
        account_id: world.accountId,
        kind: "human",
        name: "x",
        email: null,
        email_key: null,
        role: "member",
        is_developer: 1,
        status: "active",
        created_at: 1,
        updated_at: 1,
      } as const;
      const notUnique = [
        // foreign key
        failure(
          store.db
            .insertInto("memberships")
            .values({
              user_id: 987_654_321,
              scope: "space",
              scope_id: 1,
              organization_id: world.organizationId,
              role: "member",
              created_at: 1,
            })
            .execute(),
        ),
        // check constraint
        failure(
          store.db
            .insertInto("users")
            .values({ ...base, status: "gone" as never })
            .execute(),
        ),
        // not null
        failure(
          store.db
            .insertInto("users")
            .values({ ...base, name: null as never })
            .execute(),
        ),
        // no such table
        failure(sql`select * from no_such_table`.execute(store.db)),
        // not the database at all
        failure(
          store.transaction(async () => {
            throw Object.assign(new Error("unique"), { code: "UNIQUE" });
          }),
        ),
      ];
      for (const error of await Promise.all(notUnique)) expect(store.isUniqueViolation(error), String(error)).toBe(false);
      expect(store.isUniqueViolation(undefined)).toBe(false);
      expect(await store.db.selectFrom("users").select("id").where("id", "=", userId).executeTakeFirst()).toBeDefined();
    });

    it("let exactly one of concurrent duplicate inserts commit; every other one fails as a unique violation", async () => {
      const email = `${uniqueName("race")}@example.com`;
      const attempts = 8;
      const outcomes = await Promise.allSettled(
        Array.from({ length: attempts }, (_, i) => (i % 2 === 0 ? store : other).transaction((tx) => seedUser(tx, world.accountId, email))),
      );
      const won = outcomes.filter((o) => o.status === "fulfilled");
      const lost = outcomes.flatMap((o) => (o.status === "rejected" ? [o.reason as unknown] : []));
      expect(won).toHaveLength(1);
      expect(lost).toHaveLength(attempts - 1);
      for (const error of lost) expect(store.isUniqueViolation(error), String(error)).toBe(true);
      const rows = await store.db.selectFrom("users").select("id").where("email_key", "=", email).execute();
      expect(rows).toHaveLength(1);
    });
  });
});
