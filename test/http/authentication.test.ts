import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { generateRawKey } from "../../src/auth/key-format.js";
import { LAST_USED_RESOLUTION_MS } from "../../src/auth/last-used.js";
import { eventually, TestClock } from "../support/clock.js";
import type { Json } from "../support/http.js";
import { createKey, expectProblem } from "../support/keys.js";
import { seedUser } from "../support/seed.js";
import { startTestServer, type TestServer } from "../support/server.js";
import { forEachStore } from "../support/stores.js";

/** The parts of a 401 that must be identical whatever the cause. */
function shape(res: { status: number; headers: Record<string, unknown>; body: Json }) {
  return { status: res.status, www: res.headers["www-authenticate"], title: res.body.title, detail: res.body.detail, type: res.body.type };
}

forEachStore((store) => {
  let t: TestServer;
  // keyhouse's time stands still unless a test advances it; key uses are written every 20 ms.
  const clock = new TestClock();
  beforeAll(async () => {
    t = await startTestServer({ store, clock, lastUsedFlushMs: 20, env: { KEYHOUSE_AUTH_FAILURE_LIMIT: "1000" } });
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
      const expiring = await createKey(t, { name: "short", expires_at: clock.inSeconds(1) });
      const gone = await seedUser(t);
      await t.server.store.db.updateTable("users").set({ status: "inactive" }).where("id", "=", gone.id).execute();
      // The key works until the millisecond before its expiry (and is cached as working), not at it.
      clock.advance(999);
      expect((await t.call("/v2/api-keys", { key: expiring.key })).status).toBe(200);
      clock.advance(1);
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
      const lastUsed = async (): Promise<string | undefined> => (await t.call(`/v2/api-keys/${id}`)).body.last_used_at;
      const firstUse = clock.now();
      // Off the request path: the answer to the first use does not show it yet.
      expect((await t.call(`/v2/api-keys/${id}`, { key })).body.last_used_at).toBeUndefined();
      // The write is real asynchronous work (the tracker's timer, 20 ms here): poll for it.
      await eventually(async () => (await lastUsed()) !== undefined, "the first use is written");
      expect(await lastUsed()).toBe(new Date(firstUse).toISOString());
      // A use one millisecond short of a minute later is not recorded; one a whole minute later is.
      clock.advance(LAST_USED_RESOLUTION_MS - 1);
      expect((await t.call("/v2/api-keys", { key })).status).toBe(200);
      clock.advance(1);
      expect((await t.call("/v2/api-keys", { key })).status).toBe(200);
      await eventually(async () => (await lastUsed()) !== new Date(firstUse).toISOString(), "the later use is written");
      // Times are written to the second: the skipped use would show as firstUse + 59 s.
      expect(await lastUsed()).toBe(new Date(firstUse + LAST_USED_RESOLUTION_MS).toISOString());
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
  const clock = new TestClock();
  beforeAll(async () => {
    t = await startTestServer({ clock, env: { KEYHOUSE_AUTH_FAILURE_LIMIT: "5", KEYHOUSE_AUTH_FAILURE_WINDOW_SECONDS: "60" } });
  });
  afterAll(async () => t.close());

  it("answers 429 with Retry-After after repeated failures from one address, and spares other addresses", async () => {
    for (let i = 0; i < 5; i++) {
      expectProblem(await t.call("/v2/api-keys", { key: generateRawKey(), localAddress: "127.0.0.3" }), 401);
    }
    const blocked = await t.call("/v2/api-keys", { key: generateRawKey(), localAddress: "127.0.0.3" });
    expectProblem(blocked, 429, "TOO_MANY_REQUESTS");
    // The window opened with the first failure, at this very instant: all 60 s of it remain.
    expect(blocked.headers["retry-after"]).toBe("60");
    // A valid key from that address is still served (SPEC §4: no lockout of neighbours).
    expect((await t.call("/v2/api-keys", { localAddress: "127.0.0.3" })).status).toBe(200);
    // Another address is unaffected.
    expect((await t.call("/v2/api-keys", { localAddress: "127.0.0.4" })).status).toBe(200);
    expectProblem(await t.call("/v2/api-keys", { key: generateRawKey(), localAddress: "127.0.0.4" }), 401);
  });

  it("lifts the block when the window ends, not a millisecond before", async () => {
    const from = "127.0.0.5";
    const windowStart = clock.now();
    for (let i = 0; i < 5; i++) expectProblem(await t.call("/v2/api-keys", { key: generateRawKey(), localAddress: from }), 401);
    clock.set(windowStart + 60_000 - 1);
    const last = await t.call("/v2/api-keys", { key: generateRawKey(), localAddress: from });
    expectProblem(last, 429);
    expect(last.headers["retry-after"]).toBe("1");
    clock.set(windowStart + 60_000);
    expectProblem(await t.call("/v2/api-keys", { key: generateRawKey(), localAddress: from }), 401);
  });
});
