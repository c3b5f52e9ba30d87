import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { encodeId } from "../../src/http/ids.js";
import { createKey, expectProblem } from "../support/keys.js";
import { seedSpace, seedUser } from "../support/seed.js";
import { startTestServer, type TestServer } from "../support/server.js";
import { forEachStore } from "../support/stores.js";

forEachStore((store) => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startTestServer({ store });
  });
  afterAll(async () => t.close());

  describe("DELETE /v2/api-keys/{id}", () => {
    it("soft-deletes with 204 and an empty body; the key stops authenticating at once", async () => {
      const { id, key } = await createKey(t, { name: "doomed" });
      expect((await t.call("/v2/api-keys", { key })).status).toBe(200);
      // Read it first: the server now holds it in its cache of key records.
      expect((await t.call(`/v2/api-keys/${id}`)).body.status).toBe("active");
      const res = await t.call(`/v2/api-keys/${id}`, { method: "DELETE" });
      expect(res.status).toBe(204);
      expect(res.text).toBe("");
      expectProblem(await t.call("/v2/api-keys", { key }), 401);
      const after = await t.call(`/v2/api-keys/${id}`);
      expect(after.body.status).toBe("deleted");
    });

    it("answers 204 again for an already deleted key", async () => {
      const { id } = await createKey(t, { name: "twice" });
      expect((await t.call(`/v2/api-keys/${id}`, { method: "DELETE" })).status).toBe(204);
      expect((await t.call(`/v2/api-keys/${id}`, { method: "DELETE" })).status).toBe(204);
    });

    it("answers 404 for an unknown id and 400 for a malformed or wrong-type id", async () => {
      expectProblem(
        await t.call(`/v2/api-keys/${encodeURIComponent(encodeId("ApiKey", 999_999))}`, { method: "DELETE" }),
        404,
        "NOT_FOUND",
      );
      expectProblem(await t.call("/v2/api-keys/not-an-id", { method: "DELETE" }), 400, "INVALID_ID");
      expectProblem(await t.call(`/v2/api-keys/${encodeURIComponent(t.adminUserId)}`, { method: "DELETE" }), 400, "INVALID_ID");
    });

    it("lets the creator or an account admin delete a user key; others get 404", async () => {
      const owner = await seedUser(t);
      const other = await seedUser(t);
      const a = await createKey(t, { name: "a" }, owner.key);
      expectProblem(await t.call(`/v2/api-keys/${a.id}`, { method: "DELETE", key: other.key }), 404);
      expect((await t.call(`/v2/api-keys/${a.id}`, { method: "DELETE", key: owner.key })).status).toBe(204);
      const b = await createKey(t, { name: "b" }, owner.key);
      expect((await t.call(`/v2/api-keys/${b.id}`, { method: "DELETE" })).status).toBe(204);
    });

    it("lets space admins delete any service key, members only their own, read-only none", async () => {
      const space = await seedSpace(t, `del-${store}`);
      const spaceAdmin = await seedUser(t, { orgRole: "member", spaceRole: "admin", spaceWireId: space.wireId });
      const member = await seedUser(t, { orgRole: "member", spaceRole: "member", spaceWireId: space.wireId });
      const member2 = await seedUser(t, { orgRole: "member", spaceRole: "member", spaceWireId: space.wireId });
      const reader = await seedUser(t, { orgRole: "read-only", spaceRole: "read-only", spaceWireId: space.wireId });
      const body = { name: "svc", key_type: "service", space_id: space.wireId };
      const own = await createKey(t, body, member.key);
      const others = await createKey(t, body, member2.key);
      expectProblem(await t.call(`/v2/api-keys/${others.id}`, { method: "DELETE", key: member.key }), 403, "FORBIDDEN");
      expectProblem(await t.call(`/v2/api-keys/${own.id}`, { method: "DELETE", key: reader.key }), 403, "FORBIDDEN");
      expect((await t.call(`/v2/api-keys/${own.id}`, { method: "DELETE", key: member.key })).status).toBe(204);
      expect((await t.call(`/v2/api-keys/${others.id}`, { method: "DELETE", key: spaceAdmin.key })).status).toBe(204);
      const outsider = await seedUser(t, { orgRole: "member" });
      const third = await createKey(t, body, member.key);
      expectProblem(await t.call(`/v2/api-keys/${third.id}`, { method: "DELETE", key: outsider.key }), 404);
    });
  });

  describe("GET /v2/api-keys/{id}", () => {
    it("returns the key to its creator and to account admins, and 404 to others", async () => {
      const owner = await seedUser(t);
      const other = await seedUser(t);
      const { id } = await createKey(t, { name: "g" }, owner.key);
      const res = await t.call(`/v2/api-keys/${id}`, { key: owner.key });
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ id, name: "g", key_type: "user" });
      expect(res.body.key).toBeUndefined();
      expect((await t.call(`/v2/api-keys/${id}`)).status).toBe(200);
      expectProblem(await t.call(`/v2/api-keys/${id}`, { key: other.key }), 404);
    });

    it("names when a key was rotated (rotated_at), which the list's ApiKey does not; absent before", async () => {
      const old = await createKey(t, { name: "retiring" });
      const before = await t.call(`/v2/api-keys/${old.id}`);
      expect(before.body.rotated_at).toBeUndefined();
      const refreshed = await t.call(`/v2/api-keys/${old.id}/refresh`, { method: "POST", body: { grace_period_seconds: 3600 } });
      expect(refreshed.status).toBe(200);
      const after = await t.call(`/v2/api-keys/${old.id}`);
      expect(after.body.status).toBe("active");
      expect(typeof after.body.rotated_at).toBe("string");
      expect(Date.parse(after.body.expires_at) - Date.parse(after.body.rotated_at)).toBe(3_600_000);
      expect((await t.call(`/v2/api-keys/${refreshed.body.id}`)).body.rotated_at).toBeUndefined();
      const listed = await t.call("/v2/api-keys?limit=100");
      for (const key of listed.body.api_keys) expect("rotated_at" in key).toBe(false);
    });

    it("returns service keys to readers of the space only", async () => {
      const space = await seedSpace(t, `get-${store}`);
      const reader = await seedUser(t, { orgRole: "read-only", spaceRole: "read-only", spaceWireId: space.wireId });
      const outsider = await seedUser(t, { orgRole: "member" });
      const { id } = await createKey(t, { name: "svc", key_type: "service", space_id: space.wireId });
      expect((await t.call(`/v2/api-keys/${id}`, { key: reader.key })).body.space_id).toBe(space.wireId);
      expectProblem(await t.call(`/v2/api-keys/${id}`, { key: outsider.key }), 404);
    });

    it("lets an organization admin read and manage service keys in every space of the organization", async () => {
      const space = await seedSpace(t, `org-admin-${store}`);
      const orgAdmin = await seedUser(t, { orgRole: "admin" });
      const { id } = await createKey(t, { name: "svc", key_type: "service", space_id: space.wireId });
      expect((await t.call(`/v2/api-keys/${id}`, { key: orgAdmin.key })).status).toBe(200);
      expect((await t.call(`/v2/api-keys/${id}`, { method: "DELETE", key: orgAdmin.key })).status).toBe(204);
    });
  });
});
