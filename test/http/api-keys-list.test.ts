import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { TestClock } from "../support/clock.js";
import { createKey, expectProblem } from "../support/keys.js";
import { seedSpace, seedUser, type SeededUser } from "../support/seed.js";
import { startTestServer, type TestServer } from "../support/server.js";
import { forEachStore } from "../support/stores.js";

const q = encodeURIComponent;

forEachStore((store) => {
  let t: TestServer;
  let alice: SeededUser;
  // keyhouse's time stands still unless a test advances it.
  const clock = new TestClock();
  beforeAll(async () => {
    t = await startTestServer({ store, clock });
    alice = await seedUser(t, { orgRole: "member", spaceRole: "member" });
  });
  afterAll(async () => t.close());

  /** Walks every page; returns the ids in order. */
  async function walk(path: string, key: string, limit: number, between?: (page: number) => Promise<void>): Promise<string[]> {
    const ids: string[] = [];
    let cursor: string | undefined;
    for (let page = 0; page < 1000; page++) {
      const sep = path.includes("?") ? "&" : "?";
      const res = await t.call(`${path}${sep}limit=${limit}${cursor ? `&cursor=${q(cursor)}` : ""}`, { key });
      expect(res.status, res.text).toBe(200);
      ids.push(...res.body.api_keys.map((k: { id: string }) => k.id));
      expect(res.body.api_keys.length).toBeLessThanOrEqual(limit);
      if (!res.body.pagination.has_more) {
        expect("next_cursor" in res.body.pagination).toBe(false);
        return ids;
      }
      cursor = res.body.pagination.next_cursor;
      expect(typeof cursor).toBe("string");
      await between?.(page);
    }
    throw new Error("walk did not end");
  }

  describe("GET /v2/api-keys", () => {
    it("lists the caller's own user keys, newest first, and nobody else's", async () => {
      const user = await seedUser(t);
      const a = await createKey(t, { name: "a" }, user.key);
      const b = await createKey(t, { name: "b" }, user.key);
      await createKey(t, { name: "admin's" });
      const res = await t.call("/v2/api-keys", { key: user.key });
      expect(res.status).toBe(200);
      expect(res.body.api_keys.map((k: { id: string }) => k.id).slice(0, 2)).toEqual([b.id, a.id]);
      expect(res.body.api_keys.every((k: { created_by_user_id: string }) => k.created_by_user_id === user.wireId)).toBe(true);
      expect(res.body.pagination).toEqual({ has_more: false });
    });

    it("lets only account admins list another user's keys (user_id)", async () => {
      const user = await seedUser(t);
      await createKey(t, { name: "mine" }, user.key);
      expectProblem(await t.call(`/v2/api-keys?user_id=${q(user.wireId)}`, { key: alice.key }), 403);
      expect((await t.call(`/v2/api-keys?user_id=${q(alice.wireId)}`, { key: alice.key })).status).toBe(200);
      const asAdmin = await t.call(`/v2/api-keys?user_id=${q(user.wireId)}`);
      expect(asAdmin.status).toBe(200);
      expect(asAdmin.body.api_keys.map((k: { name: string }) => k.name).sort()).toEqual(["mine", "seed"]);
    });

    it("finds keys by a substring of the name (name_contains): ASCII letters in either case, % and _ literal, other letters as typed", async () => {
      const user = await seedUser(t);
      for (const name of ["Deploy-Prod", "deploy-staging", "ci", "50%_off", "500 off", "Ärger", "ärger"])
        await createKey(t, { name }, user.key);
      const names = async (needle: string, extra = "") => {
        const res = await t.call(`/v2/api-keys?name_contains=${q(needle)}${extra}`, { key: user.key });
        expect(res.status, res.text).toBe(200);
        return res.body.api_keys.map((k: { name: string }) => k.name).sort();
      };
      expect(await names("DEPLOY")).toEqual(["Deploy-Prod", "deploy-staging"]);
      expect(await names("prod")).toEqual(["Deploy-Prod"]);
      expect(await names("%_")).toEqual(["50%_off"]);
      expect(await names("Ä")).toEqual(["Ärger"]);
      expect(await names("nothing")).toEqual([]);
      // Bound into the cursor like every filter, and the list's shape is Arize's own.
      const first = await t.call(`/v2/api-keys?name_contains=deploy&limit=1`, { key: user.key });
      expect(Object.keys(first.body).sort()).toEqual(["api_keys", "pagination"]);
      const cursor = q(first.body.pagination.next_cursor);
      const second = await t.call(`/v2/api-keys?name_contains=deploy&limit=1&cursor=${cursor}`, { key: user.key });
      expect(second.body.api_keys.map((k: { name: string }) => k.name)).toEqual(["Deploy-Prod"]);
      expectProblem(await t.call(`/v2/api-keys?name_contains=ci&limit=1&cursor=${cursor}`, { key: user.key }), 400, "INVALID_CURSOR");
      expectProblem(await t.call(`/v2/api-keys?name_contains=`, { key: user.key }), 400, "VALIDATION_FAILED");
      expectProblem(await t.call(`/v2/api-keys?name_contains=${q("a\u0007b")}`, { key: user.key }), 400, "VALIDATION_FAILED");
    });

    it("lets account admins list every user's keys (all_users=true), and nobody else", async () => {
      const bob = await seedUser(t);
      const carol = await seedUser(t);
      await createKey(t, { name: "bob-everywhere" }, bob.key);
      await createKey(t, { name: "carol-everywhere" }, carol.key);
      const all = await t.call(`/v2/api-keys?all_users=true&name_contains=everywhere`);
      expect(all.status, all.text).toBe(200);
      expect(all.body.api_keys.map((k: { name: string }) => k.name).sort()).toEqual(["bob-everywhere", "carol-everywhere"]);
      expectProblem(await t.call(`/v2/api-keys?all_users=true`, { key: bob.key }), 403, "FORBIDDEN");
      expectProblem(await t.call(`/v2/api-keys?all_users=true&user_id=${q(bob.wireId)}`), 400, "VALIDATION_FAILED");
      expectProblem(await t.call(`/v2/api-keys?all_users=true&key_type=service`), 400, "VALIDATION_FAILED");
      expectProblem(await t.call(`/v2/api-keys?all_users=yes`), 400, "VALIDATION_FAILED");
    });

    it("answers the total over every page in keyhouse-total-count when asked with keyhouse-count: exact, and only then", async () => {
      const user = await seedUser(t);
      for (let i = 0; i < 7; i++) await createKey(t, { name: `counted-${i}` }, user.key);
      await createKey(t, { name: "other" }, user.key);
      const asked = await t.call(`/v2/api-keys?name_contains=counted&limit=3`, { key: user.key, headers: { "keyhouse-count": "exact" } });
      expect(asked.status).toBe(200);
      expect(asked.headers["keyhouse-total-count"]).toBe("7");
      expect(asked.body.api_keys).toHaveLength(3);
      const everything = await t.call(`/v2/api-keys`, { key: user.key, headers: { "keyhouse-count": "exact" } });
      // Eight created here plus the seeded user's own first key.
      expect(everything.headers["keyhouse-total-count"]).toBe("9");
      const unasked = await t.call(`/v2/api-keys?name_contains=counted`, { key: user.key });
      expect(unasked.headers["keyhouse-total-count"]).toBeUndefined();
      const deleted = await t.call(`/v2/api-keys?status=deleted`, { key: user.key, headers: { "keyhouse-count": "exact" } });
      expect(deleted.headers["keyhouse-total-count"]).toBe("0");
    });

    it.each([
      ["key_type=user&space_id=SPACE", "key_type=user cannot be combined with space_id"],
      ["limit=0", 'query parameter "limit" must be at least 1'],
      ["limit=101", 'query parameter "limit" must be at most 100'],
      ["limit=abc", 'query parameter "limit" must be an integer'],
      ["limit=2.5", 'query parameter "limit" must be an integer'],
      ["limit=1&limit=2", 'query parameter "limit" must not be repeated'],
      ["status=gone", 'query parameter "status" must be one of: active, deleted, expired'],
      ["key_type=bot", 'query parameter "key_type" must be one of: user, service'],
      ["sort=name", 'query parameter "sort" is not allowed'],
      ["user_id=abc", `"user_id" is not a valid id`],
      ["space_id=USER", `"space_id" is not a space id`],
      ["cursor=forged.cursor", "cursor is invalid"],
    ])("refuses %s with 400", async (query, detail) => {
      const path = `/v2/api-keys?${query.replace("SPACE", q(t.spaceId)).replace("USER", q(t.adminUserId))}`;
      const res = await t.call(path);
      expectProblem(res, 400);
      expect(res.body.detail).toContain(detail);
    });

    it("lists the service keys of a space for readers, refuses members who may not read them (403), and hides it from others (404)", async () => {
      const space = await seedSpace(t, `svc-list-${store}`);
      const reader = await seedUser(t, { orgRole: "read-only", spaceRole: "read-only", spaceWireId: space.wireId });
      const annotator = await seedUser(t, {
        role: "annotator",
        isDeveloper: true,
        orgRole: "annotator",
        spaceRole: "annotator",
        spaceWireId: space.wireId,
      });
      const created = await createKey(t, { name: "svc", key_type: "service", space_id: space.wireId });
      const path = `/v2/api-keys?space_id=${q(space.wireId)}`;
      const res = await t.call(path, { key: reader.key });
      expect(res.status).toBe(200);
      expect(res.body.api_keys.map((k: { id: string }) => k.id)).toEqual([created.id]);
      // Exactly Arize's ApiKey: no space_id (the list was asked for this space's keys).
      expect(Object.keys(res.body.api_keys[0]).sort()).toEqual(
        ["created_at", "created_by_user_id", "id", "key_type", "name", "redacted_key", "status"].sort(),
      );
      expect((await t.call(`${path}&key_type=service`, { key: reader.key })).status).toBe(200);
      expectProblem(await t.call(path, { key: annotator.key }), 403);
      // A caller outside the space cannot tell it exists (docs/identity.md).
      expectProblem(await t.call(path, { key: alice.key }), 404, "NOT_FOUND");
    });

    it("filters service keys of a space by creator with user_id", async () => {
      const space = await seedSpace(t, `by-creator-${store}`);
      const member = await seedUser(t, { orgRole: "member", spaceRole: "member", spaceWireId: space.wireId });
      const mine = await createKey(t, { name: "m", key_type: "service", space_id: space.wireId }, member.key);
      await createKey(t, { name: "admin", key_type: "service", space_id: space.wireId });
      const res = await t.call(`/v2/api-keys?space_id=${q(space.wireId)}&user_id=${q(member.wireId)}`, { key: member.key });
      expect(res.body.api_keys.map((k: { id: string }) => k.id)).toEqual([mine.id]);
    });

    it("lists service keys of every readable space with key_type=service and no space_id", async () => {
      const visible = await seedSpace(t, `visible-${store}`);
      const hidden = await seedSpace(t, `hidden-${store}`);
      const member = await seedUser(t, { orgRole: "member", spaceRole: "member", spaceWireId: visible.wireId });
      const seen = await createKey(t, { name: "seen", key_type: "service", space_id: visible.wireId });
      const unseen = await createKey(t, { name: "unseen", key_type: "service", space_id: hidden.wireId });
      const ids = (await t.call("/v2/api-keys?key_type=service&limit=100", { key: member.key })).body.api_keys.map(
        (k: { id: string }) => k.id,
      );
      expect(ids).toContain(seen.id);
      expect(ids).not.toContain(unseen.id);
      const adminIds = (await t.call("/v2/api-keys?key_type=service&limit=100")).body.api_keys.map((k: { id: string }) => k.id);
      expect(adminIds).toEqual(expect.arrayContaining([seen.id, unseen.id]));
    });

    it("filters by status: active hides deleted and expired; deleted and expired show them", async () => {
      const user = await seedUser(t);
      const live = await createKey(t, { name: "live" }, user.key);
      const dead = await createKey(t, { name: "dead" }, user.key);
      const old = await createKey(t, { name: "old", expires_at: clock.inSeconds(1) }, user.key);
      await t.call(`/v2/api-keys/${dead.id}`, { method: "DELETE", key: user.key });
      const names = async (status: string) =>
        (await t.call(`/v2/api-keys?status=${status}`, { key: user.key })).body.api_keys.map((k: { id: string }) => k.id);
      // One millisecond before its expiry the key is still active; at its expiry it is expired.
      clock.advance(999);
      expect(await names("active")).toContain(old.id);
      expect(await names("expired")).toEqual([]);
      clock.advance(1);
      expect(await names("active")).toContain(live.id);
      expect(await names("active")).not.toContain(dead.id);
      expect(await names("active")).not.toContain(old.id);
      expect(await names("deleted")).toEqual([dead.id]);
      expect(await names("expired")).toEqual([old.id]);
      const deleted = (await t.call("/v2/api-keys?status=deleted", { key: user.key })).body.api_keys[0];
      expect(deleted.status).toBe("deleted");
    });
  });

  describe("keyset pagination", () => {
    it("walks every key exactly once, newest first", async () => {
      const user = await seedUser(t);
      for (let i = 0; i < 11; i++) await createKey(t, { name: `k${i}` }, user.key);
      const ids = await walk("/v2/api-keys", user.key, 3);
      expect(ids.length).toBe(12);
      expect(new Set(ids).size).toBe(12);
      const all = (await t.call("/v2/api-keys?limit=100", { key: user.key })).body.api_keys.map((k: { id: string }) => k.id);
      expect(ids).toEqual(all);
    });

    it("returns every pre-existing key exactly once while keys are created and deleted during the walk", async () => {
      const user = await seedUser(t);
      const before: string[] = [];
      for (let i = 0; i < 10; i++) before.push((await createKey(t, { name: `w${i}` }, user.key)).id);
      const ids = await walk("/v2/api-keys?status=active", user.key, 2, async () => {
        await createKey(t, { name: "during" }, user.key);
      });
      for (const id of before) expect(ids.filter((x) => x === id).length).toBe(1);
      expect(new Set(ids).size).toBe(ids.length);
    });

    it("refuses a cursor reused with other filters, from another caller, or tampered with", async () => {
      const user = await seedUser(t);
      for (let i = 0; i < 3; i++) await createKey(t, { name: `c${i}` }, user.key);
      const first = await t.call("/v2/api-keys?limit=1", { key: user.key });
      const cursor = q(first.body.pagination.next_cursor);
      expect((await t.call(`/v2/api-keys?limit=1&cursor=${cursor}`, { key: user.key })).status).toBe(200);
      expect((await t.call(`/v2/api-keys?limit=5&cursor=${cursor}`, { key: user.key })).status).toBe(200);
      expectProblem(await t.call(`/v2/api-keys?status=deleted&cursor=${cursor}`, { key: user.key }), 400, "INVALID_CURSOR");
      expectProblem(await t.call(`/v2/api-keys?key_type=service&cursor=${cursor}`, { key: user.key }), 400, "INVALID_CURSOR");
      expectProblem(await t.call(`/v2/api-keys?limit=1&cursor=${cursor}`, { key: alice.key }), 400, "INVALID_CURSOR");
      const raw: string = first.body.pagination.next_cursor;
      const tampered = raw.slice(0, 2) + (raw[2] === "A" ? "B" : "A") + raw.slice(3);
      expectProblem(await t.call(`/v2/api-keys?limit=1&cursor=${q(tampered)}`, { key: user.key }), 400, "INVALID_CURSOR");
    });
  });
});
