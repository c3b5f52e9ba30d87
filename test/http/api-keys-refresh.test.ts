import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { TestClock } from "../support/clock.js";
import { createKey, expectProblem } from "../support/keys.js";
import { seedSpace, seedUser } from "../support/seed.js";
import { startTestServer, type TestServer } from "../support/server.js";
import { forEachStore } from "../support/stores.js";

forEachStore((store) => {
  let t: TestServer;
  // keyhouse's time stands still unless a test advances it (no test here sleeps).
  const clock = new TestClock();
  const inSeconds = (seconds: number) => clock.inSeconds(seconds);
  beforeAll(async () => {
    t = await startTestServer({ store, clock });
  });
  afterAll(async () => t.close());

  const refresh = (id: string, body?: unknown, key?: string) => t.call(`/v2/api-keys/${id}/refresh`, { method: "POST", body, key });

  describe("POST /v2/api-keys/{id}/refresh", () => {
    it("without grace issues a new key with the same attributes and deletes the old one at once", async () => {
      const old = await createKey(t, { name: "rot", description: "rotating", expires_at: inSeconds(3600) });
      const res = await refresh(old.id);
      expect(res.status, res.text).toBe(200);
      expect(res.headers["cache-control"]).toBe("no-store");
      expect(res.body.key).toMatch(/^ak-[0-9A-Za-z]{48}$/);
      expect(res.body.id).not.toBe(old.id);
      expect(res.body).toMatchObject({ name: "rot", description: "rotating", key_type: "user", status: "active" });
      expect("expires_at" in res.body).toBe(false);
      expect("last_used_at" in res.body).toBe(false);
      expectProblem(await t.call("/v2/api-keys", { key: old.key }), 401);
      expect((await t.call("/v2/api-keys", { key: res.body.key })).status).toBe(200);
      expect((await t.call(`/v2/api-keys/${old.id}`)).body.status).toBe("deleted");
    });

    it("with grace keeps the old key working until now + grace, and both keys work meanwhile", async () => {
      const old = await createKey(t, { name: "graceful" });
      // Read it first: the server now holds it, without an expiry, in its cache of key records.
      expect((await t.call(`/v2/api-keys/${old.id}`)).body.expires_at).toBeUndefined();
      const refreshedAt = clock.now();
      const res = await refresh(old.id, { grace_period_seconds: 2, expires_at: inSeconds(7200) });
      expect(res.status).toBe(200);
      expect(res.body.expires_at).toBe(new Date(refreshedAt + 7_200_000).toISOString());
      expect((await t.call("/v2/api-keys", { key: old.key })).status).toBe(200);
      expect((await t.call("/v2/api-keys", { key: res.body.key })).status).toBe(200);
      const oldView = (await t.call(`/v2/api-keys/${old.id}`)).body;
      expect(oldView.status).toBe("active");
      const graceEnd = refreshedAt + 2000;
      expect(oldView.expires_at).toBe(new Date(graceEnd).toISOString());
      // The last millisecond of grace: the old key still works (and is cached as working).
      clock.set(graceEnd - 1);
      expect((await t.call("/v2/api-keys", { key: old.key })).status).toBe(200);
      // Grace ends at graceEnd exactly, even for a key the authentication cache holds.
      clock.set(graceEnd);
      expectProblem(await t.call("/v2/api-keys", { key: old.key }), 401);
      expect((await t.call("/v2/api-keys", { key: res.body.key })).status).toBe(200);
    });

    it("never extends the old key beyond its own expiry", async () => {
      const old = await createKey(t, { name: "short", expires_at: inSeconds(30) });
      const oldExpiry = Date.parse(old.body.expires_at);
      expect((await refresh(old.id, { grace_period_seconds: 86_400 })).status).toBe(200);
      expect(Date.parse((await t.call(`/v2/api-keys/${old.id}`)).body.expires_at)).toBe(oldExpiry);
    });

    it("refuses deleted, expired and already-rotated keys with 422", async () => {
      const deleted = await createKey(t, { name: "d" });
      await t.call(`/v2/api-keys/${deleted.id}`, { method: "DELETE" });
      const refusedDeleted = await refresh(deleted.id);
      expectProblem(refusedDeleted, 422, "INVALID_STATE");
      // Named as the caller knows it, not by an encoded id.
      expect(refusedDeleted.body.detail).toBe(`the API key "d" (${deleted.body.redacted_key}) is deleted and cannot be refreshed`);
      const expired = await createKey(t, { name: "e", expires_at: inSeconds(1) });
      const notYet = await createKey(t, { name: "e2", expires_at: inSeconds(1) });
      // One millisecond before its expiry a key can still be refreshed; at its expiry it cannot.
      clock.advance(999);
      expect((await refresh(notYet.id)).status).toBe(200);
      clock.advance(1);
      const refused = await refresh(expired.id);
      expectProblem(refused, 422, "INVALID_STATE");
      expect(refused.body.detail).toContain("has expired");
      const rotated = await createKey(t, { name: "r" });
      expect((await refresh(rotated.id, { grace_period_seconds: 60 })).status).toBe(200);
      const again = await refresh(rotated.id);
      expectProblem(again, 422, "INVALID_STATE");
      expect(again.body.detail).toContain("already been refreshed");
    });

    it.each([
      [{ grace_period_seconds: -1 }, 'body "grace_period_seconds" must be at least 0'],
      [{ grace_period_seconds: 86_401 }, 'body "grace_period_seconds" must be at most 86400'],
      [{ grace_period_seconds: "60" }, 'body "grace_period_seconds" must be an integer'],
      [{ grace_period_seconds: 1.5 }, 'body "grace_period_seconds" must be an integer'],
      [{ expires_at: "2000-01-01T00:00:00Z" }, 'body "expires_at" must be in the future'],
      [{ name: "renamed" }, 'body "name" is not allowed'],
    ])("refuses %j with 400", async (body, detail) => {
      const { id } = await createKey(t, { name: "v" });
      const res = await refresh(id, body);
      expectProblem(res, 400);
      expect(res.body.detail).toContain(detail);
      expect((await t.call(`/v2/api-keys/${id}`)).body.status).toBe("active");
    });

    it("accepts no body, an empty JSON object, and answers 404/400 for unknown/malformed ids", async () => {
      expect((await refresh((await createKey(t, { name: "n" })).id)).status).toBe(200);
      expect((await refresh((await createKey(t, { name: "n" })).id, {})).status).toBe(200);
      expectProblem(await refresh(Buffer.from("ApiKey:999999:abcd").toString("base64")), 400);
      expectProblem(await refresh("QXBpS2V5"), 400, "INVALID_ID");
    });

    it("lets exactly one of many concurrent refreshes of one key win", async () => {
      const { id } = await createKey(t, { name: "race" });
      const results = await Promise.all(
        Array.from({ length: 12 }, (_, i) => refresh(id, i % 2 ? { grace_period_seconds: 30 } : undefined)),
      );
      const statuses = results.map((r) => r.status).sort();
      expect(statuses.filter((s) => s === 200).length).toBe(1);
      expect(statuses.filter((s) => s === 422).length).toBe(11);
      const successors = (await t.call("/v2/api-keys?limit=100")).body.api_keys.filter((k: { name: string }) => k.name === "race");
      expect(successors.length).toBeLessThanOrEqual(2);
    });

    it("agrees on one outcome when a refresh and a delete race", async () => {
      for (let i = 0; i < 5; i++) {
        const { id, key } = await createKey(t, { name: `rd${i}` });
        const [r, d] = await Promise.all([refresh(id), t.call(`/v2/api-keys/${id}`, { method: "DELETE" })]);
        expect(d.status).toBe(204);
        expect([200, 422]).toContain(r.status);
        expectProblem(await t.call("/v2/api-keys", { key }), 401);
        if (r.status === 200) expect((await t.call("/v2/api-keys", { key: r.body.key })).status).toBe(200);
      }
    });

    it("keeps a service key's bot user, space and roles", async () => {
      const space = await seedSpace(t, `svc-rot-${store}`);
      const member = await seedUser(t, { orgRole: "member", spaceRole: "member", spaceWireId: space.wireId });
      const old = await createKey(t, { name: "svc", key_type: "service", space_id: space.wireId }, member.key);
      const res = await refresh(old.id, undefined, member.key);
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ key_type: "service", created_by_user_id: member.wireId });
      expect("space_id" in res.body).toBe(false);
      expect((await t.call(`/v2/api-keys/${res.body.id}`, { key: member.key })).body.space_id).toBe(space.wireId);
      const list = await t.call(`/v2/api-keys?space_id=${encodeURIComponent(space.wireId)}`, { key: res.body.key });
      expect(list.status).toBe(200);
      const other = await seedUser(t, { orgRole: "member", spaceRole: "member", spaceWireId: space.wireId });
      expectProblem(await refresh(res.body.id, undefined, other.key), 403);
    });
  });
});
