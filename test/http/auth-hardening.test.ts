import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { generateRawKey } from "../../src/auth/key-format.js";
import { TestClock } from "../support/clock.js";
import { expectProblem } from "../support/keys.js";
import { seedUser } from "../support/seed.js";
import { startTestServer, type TestServer } from "../support/server.js";
import { forEachStore } from "../support/stores.js";

/**
 * Issue 13 ("Security hardening"): the throttle never locks out a valid key
 * (SPEC §4), and failures answer alike in time whatever their cause (the
 * duplicate Authorization header is in authorization-header.test.ts).
 */

/** A loopback source address of its own, so no other test's failures count against it. */
const address = () => `127.0.${1 + Math.floor(Math.random() * 250)}.${2 + Math.floor(Math.random() * 250)}`;

forEachStore((store) => {
  describe("the failure throttle never refuses a key that authenticates", () => {
    let t: TestServer;
    const clock = new TestClock();
    beforeAll(async () => {
      t = await startTestServer({ store, clock, env: { KEYHOUSE_AUTH_FAILURE_LIMIT: "5", KEYHOUSE_AUTH_FAILURE_WINDOW_SECONDS: "60" } });
    });
    afterAll(async () => t?.close());

    it("past the budget, a bad key gets 429 with Retry-After and a valid key from the same address gets 200", async () => {
      const from = address();
      const windowStart = clock.now();
      for (let i = 0; i < 5; i++) expectProblem(await t.call("/v2/api-keys", { key: generateRawKey(), localAddress: from }), 401);
      const refused = await t.call("/v2/api-keys", { key: generateRawKey(), localAddress: from });
      expectProblem(refused, 429, "TOO_MANY_REQUESTS");
      expect(refused.headers["retry-after"]).toBe("60");
      // No key at all does not authenticate either.
      expectProblem(await t.call("/v2/api-keys", { key: null, headers: { authorization: "Bearer nope" }, localAddress: from }), 429);
      // The neighbour behind the same address with a valid key is served, again and again.
      for (let i = 0; i < 3; i++) expect((await t.call("/v2/api-keys", { localAddress: from })).status).toBe(200);
      const other = await seedUser(t);
      expect((await t.call("/v2/api-keys", { key: other.key, localAddress: from })).status).toBe(200);
      // The bad keys are still refused until the window ends, and only then answered 401 again.
      clock.set(windowStart + 60_000 - 1);
      const last = await t.call("/v2/api-keys", { key: generateRawKey(), localAddress: from });
      expectProblem(last, 429);
      expect(last.headers["retry-after"]).toBe("1");
      clock.set(windowStart + 60_000);
      expectProblem(await t.call("/v2/api-keys", { key: generateRawKey(), localAddress: from }), 401);
    });
  });
});
