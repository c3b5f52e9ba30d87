import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { seedUser } from "../support/seed.js";
import { startTestServer, type TestServer } from "../support/server.js";
import { forEachStore } from "../support/stores.js";

forEachStore((store) => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startTestServer({ store });
  });
  afterAll(async () => t.close());

  describe("GET /v2/whoami (extension)", () => {
    it("names the user a user key acts as, and the key itself", async () => {
      const res = await t.call("/v2/whoami");
      expect(res.status, res.text).toBe(200);
      expect(res.body.user).toMatchObject({
        id: t.adminUserId,
        kind: "human",
        role: { type: "predefined", name: "admin" },
        is_developer: true,
        status: "active",
      });
      expect(typeof res.body.user.email).toBe("string");
      expect(res.body.api_key.key_type).toBe("user");
      expect(res.body.api_key.space_id).toBeUndefined();
      const listed = await t.call(`/v2/api-keys/${res.body.api_key.id}`);
      expect(listed.status, listed.text).toBe(200);
    });

    it("names a service key's bot user and space, without an email", async () => {
      const created = await t.call("/v2/api-keys", { method: "POST", body: { name: "svc", key_type: "service", space_id: t.spaceId } });
      expect(created.status, created.text).toBe(201);
      const res = await t.call("/v2/whoami", { key: created.body.key });
      expect(res.status, res.text).toBe(200);
      expect(res.body.user.kind).toBe("bot");
      expect(res.body.user.email).toBeUndefined();
      expect(res.body.user.id).not.toBe(t.adminUserId);
      expect(res.body.api_key).toEqual({ id: created.body.id, key_type: "service", space_id: t.spaceId });
    });

    it("answers a user without the developer flag too: it only describes the caller", async () => {
      const viewer = await seedUser(t, { role: "annotator" });
      const res = await t.call("/v2/whoami", { key: viewer.key });
      expect(res.status, res.text).toBe(200);
      expect(res.body.user).toMatchObject({ id: viewer.wireId, role: { type: "predefined", name: "annotator" }, is_developer: false });
    });

    it("answers 401 problem+json without a valid key", async () => {
      const res = await t.call("/v2/whoami", { key: null });
      expect(res.status).toBe(401);
      expect(String(res.headers["content-type"])).toMatch(/^application\/problem\+json/);
      expect(res.headers["www-authenticate"]).toMatch(/^Bearer/);
    });

    it("never returns the raw key or its hash", async () => {
      const res = await t.call("/v2/whoami");
      expect(res.text).not.toContain(t.adminKey);
      expect(res.text).not.toMatch(/hash/i);
    });
  });
});
