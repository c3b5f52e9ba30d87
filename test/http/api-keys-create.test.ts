import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createKey, expectProblem, inSeconds } from "../support/keys.js";
import { seedSpace, seedUser } from "../support/seed.js";
import { startTestServer, type TestServer } from "../support/server.js";
import { forEachStore } from "../support/stores.js";

forEachStore((store) => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startTestServer({ store });
  });
  afterAll(async () => t.close());

  describe("POST /v2/api-keys creates user keys", () => {
    it("returns 201 with the raw key once, its redacted form, and no hash", async () => {
      const res = await t.call("/v2/api-keys", { method: "POST", body: { name: "ci", description: "for CI" } });
      expect(res.status).toBe(201);
      expect(res.headers["cache-control"]).toBe("no-store");
      const body = res.body;
      expect(body.key).toMatch(/^ak-[0-9A-Za-z]{48}$/);
      expect(body.redacted_key).toBe(`ak-${body.key.slice(3, 6)}...${body.key.slice(-3)}`);
      expect(body).toMatchObject({
        name: "ci",
        description: "for CI",
        key_type: "user",
        status: "active",
        created_by_user_id: t.adminUserId,
      });
      expect(Buffer.from(body.id, "base64").toString()).toMatch(/^ApiKey:\d+:/);
      expect(body.created_at).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/);
      expect(Object.keys(body).sort()).toEqual(
        ["created_at", "created_by_user_id", "description", "id", "key", "key_type", "name", "redacted_key", "status"].sort(),
      );
      const get = await t.call(`/v2/api-keys/${body.id}`, { key: body.key });
      expect(get.status).toBe(200);
      expect(get.body.key).toBeUndefined();
    });

    it("omits unset optional fields instead of sending null", async () => {
      const { body } = await createKey(t, { name: "bare" });
      expect("description" in body).toBe(false);
      expect("expires_at" in body).toBe(false);
      expect("last_used_at" in body).toBe(false);
      expect("space_id" in body).toBe(false);
    });

    it("stores expires_at and returns it in RFC 3339 UTC", async () => {
      const { body } = await createKey(t, { name: "expiring", expires_at: "2099-01-15T12:30:00+02:00" });
      expect(body.expires_at).toBe("2099-01-15T10:30:00.000Z");
    });

    it.each([
      [{}, 'body "name" is required'],
      [{ name: "" }, 'body "name" must not be empty'],
      [{ name: "   " }, 'body "name" must not be blank'],
      [{ name: "x".repeat(257) }, 'body "name" must be at most 256 characters'],
      [{ name: 5 }, 'body "name" must be a string'],
      [{ name: "a\u0000b" }, 'body "name" must not contain control characters (U+0000)'],
      [{ name: "ok", description: "d".repeat(1001) }, 'body "description" must be at most 1000 characters'],
      [{ name: "ok", colour: "red" }, 'body "colour" is not allowed'],
      [{ name: "ok", key_type: "admin" }, 'body "key_type" must be one of: user, service'],
      [{ name: "ok", expires_at: "2001-01-01T00:00:00Z" }, 'body "expires_at" must be in the future'],
      [{ name: "ok", expires_at: "tomorrow" }, 'body "expires_at" must be an RFC 3339 timestamp'],
      [{ name: "ok", expires_at: "2099-02-30T00:00:00Z" }, 'body "expires_at" is not a real date'],
      [{ name: "ok", space_id: "U3BhY2U6MTpBQUFB" }, 'body "space_id" is only allowed for service keys'],
      [{ name: "ok", roles: { space_role: "member" } }, 'body "roles" is only allowed for service keys'],
      [{ name: "ok", key_type: "service" }, 'body "space_id" is required for service keys'],
    ])("refuses %j with 400 naming the field", async (body, detail) => {
      const res = await t.call("/v2/api-keys", { method: "POST", body });
      expectProblem(res, 400);
      expect(res.body.detail).toContain(detail);
    });

    it("accepts a 256-character name and refuses invalid Unicode", async () => {
      await createKey(t, { name: "n".repeat(256) });
      const res = await t.call("/v2/api-keys", {
        method: "POST",
        body: '{"name":"bad \\ud800 surrogate"}',
        headers: { "content-type": "application/json" },
      });
      expectProblem(res, 400, "VALIDATION_FAILED");
    });

    it("refuses a body that is not JSON (400) or not declared as JSON (415)", async () => {
      expectProblem(await t.call("/v2/api-keys", { method: "POST", body: "{name:", headers: { "content-type": "application/json" } }), 400);
      expectProblem(
        await t.call("/v2/api-keys", { method: "POST", body: "name=x", headers: { "content-type": "application/x-www-form-urlencoded" } }),
        415,
      );
      expectProblem(await t.call("/v2/api-keys", { method: "POST", body: "[1]", headers: { "content-type": "application/json" } }), 400);
    });

    it("refuses a user without the developer flag with 403", async () => {
      const annotator = await seedUser(t, { role: "annotator" });
      expectProblem(
        await t.call("/v2/api-keys", { method: "POST", body: { name: "x" }, key: annotator.key }),
        403,
        "DEVELOPER_ACCESS_REQUIRED",
      );
    });
  });

  describe("POST /v2/api-keys creates service keys", () => {
    it("creates a key scoped to the space, with a bot user holding the requested roles", async () => {
      const member = await seedUser(t, { orgRole: "member", spaceRole: "member" });
      const { body, key } = await createKey(t, { name: "svc", key_type: "service", space_id: t.spaceId }, member.key);
      expect(body).toMatchObject({ key_type: "service", created_by_user_id: member.wireId });
      // Exactly Arize's ApiKeyCreated: the space is not a member of it; the extension GET names it.
      expect(Object.keys(body).sort()).toEqual(
        ["created_at", "created_by_user_id", "id", "key", "key_type", "name", "redacted_key", "status"].sort(),
      );
      expect((await t.call(`/v2/api-keys/${body.id}`, { key })).body.space_id).toBe(t.spaceId);
      // The bot (space member, org read-only by default) may read service keys of its space...
      const list = await t.call(`/v2/api-keys?space_id=${encodeURIComponent(t.spaceId)}`, { key });
      expect(list.status).toBe(200);
      // ...but a service key may not create user keys.
      expectProblem(await t.call("/v2/api-keys", { method: "POST", body: { name: "u" }, key }), 403, "FORBIDDEN");
    });

    it("refuses roles above the caller's own with 400 naming the role", async () => {
      const member = await seedUser(t, { orgRole: "member", spaceRole: "member" });
      const base = { name: "svc", key_type: "service", space_id: t.spaceId };
      const space = await t.call("/v2/api-keys", { method: "POST", body: { ...base, roles: { space_role: "admin" } }, key: member.key });
      expectProblem(space, 400);
      expect(space.body.detail).toContain("roles.space_role");
      const org = await t.call("/v2/api-keys", { method: "POST", body: { ...base, roles: { org_role: "admin" } }, key: member.key });
      expect(org.body.detail).toContain("roles.org_role");
      const account = await t.call("/v2/api-keys", {
        method: "POST",
        body: { ...base, roles: { account_role: "admin" } },
        key: member.key,
      });
      expect(account.body.detail).toContain("roles.account_role");
      const bad = await t.call("/v2/api-keys", { method: "POST", body: { ...base, roles: { space_role: "owner" } }, key: member.key });
      expectProblem(bad, 400);
    });

    it("lets an account admin grant admin roles", async () => {
      const { key } = await createKey(t, {
        name: "admin-svc",
        key_type: "service",
        space_id: t.spaceId,
        roles: { space_role: "admin", org_role: "admin", account_role: "admin" },
      });
      // An account-admin bot may list any user's keys.
      expect((await t.call(`/v2/api-keys?user_id=${encodeURIComponent(t.adminUserId)}`, { key })).status).toBe(200);
    });

    it("refuses read-only members with 403 and hides the space from non-members (404)", async () => {
      const readOnly = await seedUser(t, { orgRole: "read-only", spaceRole: "read-only" });
      const outsider = await seedUser(t, { orgRole: "member" });
      const body = { name: "svc", key_type: "service", space_id: t.spaceId };
      expectProblem(await t.call("/v2/api-keys", { method: "POST", body, key: readOnly.key }), 403);
      expectProblem(await t.call("/v2/api-keys", { method: "POST", body, key: outsider.key }), 404, "NOT_FOUND");
    });

    it("answers 404 for a space that does not exist and 400 for a malformed or wrong-type id", async () => {
      const missing = Buffer.from("Space:999999:abcd").toString("base64");
      const body = { name: "svc", key_type: "service" };
      expectProblem(await t.call("/v2/api-keys", { method: "POST", body: { ...body, space_id: missing } }), 400, "INVALID_ID");
      const space = await seedSpace(t, `gone-${Date.now()}`);
      await t.server.store.db.deleteFrom("spaces").where("id", "=", space.id).execute();
      expectProblem(await t.call("/v2/api-keys", { method: "POST", body: { ...body, space_id: space.wireId } }), 404, "NOT_FOUND");
      expectProblem(await t.call("/v2/api-keys", { method: "POST", body: { ...body, space_id: "!!" } }), 400, "INVALID_ID");
      expectProblem(await t.call("/v2/api-keys", { method: "POST", body: { ...body, space_id: t.adminUserId } }), 400, "INVALID_ID");
    });

    it("creates an expiring service key", async () => {
      const { body } = await createKey(t, { name: "svc-exp", key_type: "service", space_id: t.spaceId, expires_at: inSeconds(3600) });
      expect(body.expires_at).toBeDefined();
    });
  });
});
