import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { generateRawKey } from "../../src/auth/key-format.js";
import { createKey, expectProblem, inSeconds, sleep } from "../support/keys.js";
import { seedUser } from "../support/seed.js";
import { startTestServer, type TestServer } from "../support/server.js";
import { forEachStore } from "../support/stores.js";

/** The parts of a 401 that must be identical whatever the cause. */
function shape(res: { status: number; headers: Record<string, unknown>; body: any }) {
  return { status: res.status, www: res.headers["www-authenticate"], title: res.body.title, detail: res.body.detail, code: res.body.code };
}

forEachStore((store) => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startTestServer({ store, env: { KEYHOUSE_AUTH_FAILURE_LIMIT: "1000" } });
  });
  afterAll(async () => t.close());

  describe("authentication", () => {
    it("answers 401 problem+json with WWW-Authenticate: Bearer when the header is missing", async () => {
      const res = await t.call("/v2/api-keys", { key: null });
      expectProblem(res, 401, "UNAUTHENTICATED");
      expect(res.headers["www-authenticate"]).toMatch(/^Bearer/);
    });

    it("gives the same 401 for malformed, unknown, deleted, expired keys and deleted users", async () => {
      const deleted = await createKey(t, { name: "to-delete" });
      expect((await t.call(`/v2/api-keys/${deleted.id}`, { method: "DELETE" })).status).toBe(204);
      const expiring = await createKey(t, { name: "short", expires_at: inSeconds(1) });
      const gone = await seedUser(t);
      await t.server.store.db.updateTable("users").set({ status: "inactive" }).where("id", "=", gone.id).execute();
      await sleep(1100);
      const causes = [
        { headers: { authorization: "Basic dXNlcjpwYXNz" } },
        { headers: { authorization: "Bearer" } },
        { key: "ak-short" },
        { key: generateRawKey() },
        { key: deleted.key },
        { key: expiring.key },
        { key: gone.key },
      ];
      const shapes = [];
      for (const cause of causes) {
        const res = await t.call("/v2/api-keys", { key: null, ...cause });
        expectProblem(res, 401);
        shapes.push(shape(res));
      }
      for (const s of shapes) expect(s).toEqual(shapes[0]);
    });

    it("accepts the scheme name in any case", async () => {
      const res = await t.call("/v2/api-keys", { key: null, headers: { authorization: `bearer ${t.adminKey}` } });
      expect(res.status).toBe(200);
    });

    it("answers 403 to a user without the developer flag", async () => {
      const viewer = await seedUser(t, { role: "member", isDeveloper: false });
      expectProblem(await t.call("/v2/api-keys", { key: viewer.key }), 403, "DEVELOPER_ACCESS_REQUIRED");
    });

    it("records last_used_at, at most about once a minute, off the request path", async () => {
      const { id, key } = await createKey(t, { name: "used" });
      expect((await t.call(`/v2/api-keys/${id}`, { key })).body.last_used_at).toBeUndefined();
      // The tracker flushes every 5 s; wait for it.
      let lastUsed: string | undefined;
      for (let i = 0; i < 30 && lastUsed === undefined; i++) {
        await sleep(500);
        lastUsed = (await t.call(`/v2/api-keys/${id}`)).body.last_used_at;
      }
      expect(lastUsed).toBeDefined();
      expect(Math.abs(Date.parse(lastUsed ?? "") - Date.now())).toBeLessThan(60_000);
    });

    it("leaves /healthz, /readyz and /v2/openapi.json open", async () => {
      expect((await t.call("/healthz", { key: null })).status).toBe(200);
      expect((await t.call("/readyz", { key: null })).body).toEqual({ status: "ok", store });
      expect((await t.call("/v2/openapi.json", { key: null })).status).toBe(200);
    });
  });
});

describe("failed-authentication throttling", () => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startTestServer({ env: { KEYHOUSE_AUTH_FAILURE_LIMIT: "5", KEYHOUSE_AUTH_FAILURE_WINDOW_SECONDS: "60" } });
  });
  afterAll(async () => t.close());

  it("answers 429 with Retry-After after repeated failures from one address, and spares other addresses", async () => {
    for (let i = 0; i < 5; i++) {
      expectProblem(await t.call("/v2/api-keys", { key: generateRawKey(), localAddress: "127.0.0.3" }), 401);
    }
    const blocked = await t.call("/v2/api-keys", { key: generateRawKey(), localAddress: "127.0.0.3" });
    expectProblem(blocked, 429, "TOO_MANY_REQUESTS");
    const retryAfter = Number(blocked.headers["retry-after"]);
    expect(retryAfter).toBeGreaterThan(0);
    expect(retryAfter).toBeLessThanOrEqual(60);
    // While blocked, even a valid key from that address is not checked.
    expectProblem(await t.call("/v2/api-keys", { localAddress: "127.0.0.3" }), 429);
    // Another address is unaffected.
    expect((await t.call("/v2/api-keys", { localAddress: "127.0.0.4" })).status).toBe(200);
    expectProblem(await t.call("/v2/api-keys", { key: generateRawKey(), localAddress: "127.0.0.4" }), 401);
  });
});
