import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ApiKey } from "../../src/features/apikeys/index.js";
import { createKey, expectProblem } from "../support/keys.js";
import { audited, expectStatus, newUser, person } from "../support/identity.js";
import { startTestServer, type TestServer } from "../support/server.js";
import { forEachStore } from "../support/stores.js";

forEachStore((store) => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startTestServer({ store });
  });
  afterAll(async () => t.close());

  describe("POST /v2/users/{user_id}/api-keys (extension)", () => {
    it("issues a user key that acts as the new user, shown once, with one api_key.issued event", async () => {
      const user = await newUser(t, { invite_mode: "email_link" });
      const { res, events } = await audited(t, `/v2/users/${user.id}/api-keys`, {
        method: "POST",
        body: { name: "first", description: "onboarding" },
      });
      const issued = expectStatus(res, 201);
      expect(res.headers["cache-control"]).toBe("no-store");
      expect(issued.key).toMatch(/^ak-[0-9A-Za-z]{48}$/);
      expect(issued).toMatchObject({
        name: "first",
        description: "onboarding",
        key_type: "user",
        status: "active",
        created_by_user_id: user.id,
      });
      expect(issued.space_id).toBeUndefined();
      const me = expectStatus(await t.call("/v2/whoami", { key: issued.key }), 200);
      expect(me.user.id).toBe(user.id);
      expect(me.api_key.id).toBe(issued.id);
      expect(events).toHaveLength(1);
      expect(events[0]).toMatchObject({
        action: "api_key.issued",
        actor_user_id: t.adminUserId,
        target_ids: expect.arrayContaining([issued.id, user.id]),
      });
      expect(JSON.stringify(events[0])).not.toContain(issued.key);
      const owned = expectStatus(await t.call("/v2/api-keys", { key: issued.key }), 200);
      expect(owned.api_keys.map((k: ApiKey) => k.id)).toEqual([issued.id]);
    });

    it("accepts key_type user and expires_at, and refuses key_type service with 400", async () => {
      const user = await newUser(t);
      const expiresAt = "2099-01-01T00:00:00Z";
      const ok = expectStatus(
        await t.call(`/v2/users/${user.id}/api-keys`, { method: "POST", body: { name: "k", key_type: "user", expires_at: expiresAt } }),
        201,
      );
      expect(ok.expires_at).toBe("2099-01-01T00:00:00.000Z");
      const service = await t.call(`/v2/users/${user.id}/api-keys`, {
        method: "POST",
        body: { name: "k", key_type: "service", space_id: t.spaceId },
      });
      expectProblem(service, 400, "VALIDATION_FAILED");
      expect(service.body.detail).toContain('"key_type" must be user');
    });

    it.each([
      [{}, 'body "name" is required'],
      [{ name: " " }, 'body "name" must not be blank'],
      [{ name: "k", space_id: "U3BhY2U6MTpBQUFB" }, 'body "space_id" is only allowed for service keys'],
      [{ name: "k", expires_at: "2001-01-01T00:00:00Z" }, "must be in the future"],
      [{ name: "k", owner: "x" }, 'body "owner" is not allowed'],
    ])("answers 400 for %j, issuing nothing", async (body, detail) => {
      const user = await newUser(t);
      const { res, events } = await audited(t, `/v2/users/${user.id}/api-keys`, { method: "POST", body });
      expectProblem(res, 400);
      expect(res.body.detail).toContain(detail);
      expect(events).toEqual([]);
    });

    it("is for account admins only: an organization admin gets 403 and nothing is issued", async () => {
      const orgAdmin = await person(t, { org: { id: t.organizationId, role: "admin" } });
      const user = await newUser(t);
      const { res, events } = await audited(t, `/v2/users/${user.id}/api-keys`, { method: "POST", body: { name: "k" }, key: orgAdmin.key });
      expectProblem(res, 403, "FORBIDDEN");
      expect(events).toEqual([]);
    });

    it("refuses a service key caller, even one acting as an account admin (403)", async () => {
      const service = await createKey(t, {
        name: "svc",
        key_type: "service",
        space_id: t.spaceId,
        roles: { space_role: "admin", org_role: "admin", account_role: "admin" },
      });
      const user = await newUser(t);
      const res = await t.call(`/v2/users/${user.id}/api-keys`, { method: "POST", body: { name: "k" }, key: service.key });
      expectProblem(res, 403, "FORBIDDEN");
      expect(res.body.detail).toContain("service key");
    });

    it("refuses a user without developer access (422), and answers 404 for a deleted user and a bot user", async () => {
      const gone = await newUser(t);
      expectStatus(await t.call(`/v2/users/${gone.id}`, { method: "DELETE" }), 204);
      expectProblem(await t.call(`/v2/users/${gone.id}/api-keys`, { method: "POST", body: { name: "k" } }), 404, "NOT_FOUND");
      const annotator = await newUser(t, { role: "annotator" });
      const refused = await t.call(`/v2/users/${annotator.id}/api-keys`, { method: "POST", body: { name: "k" } });
      expectProblem(refused, 422, "INVALID_STATE");
      expect(refused.body.detail).toContain("developer access");
      const service = await createKey(t, { name: "svc", key_type: "service", space_id: t.spaceId });
      const bot = expectStatus(await t.call("/v2/whoami", { key: service.key }), 200).user.id;
      expectProblem(await t.call(`/v2/users/${bot}/api-keys`, { method: "POST", body: { name: "k" } }), 404);
      expectProblem(await t.call(`/v2/users/${t.spaceId}/api-keys`, { method: "POST", body: { name: "k" } }), 400, "INVALID_ID");
    });

    it("answers 401 without a key", async () => {
      expectProblem(await t.call(`/v2/users/${t.adminUserId}/api-keys`, { method: "POST", body: { name: "k" }, key: null }), 401);
    });
  });
});
