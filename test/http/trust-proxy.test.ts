import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { generateRawKey } from "../../src/auth/key-format.js";
import { TestClock } from "../support/clock.js";
import { expectProblem } from "../support/keys.js";
import { startTestServer, type TestServer } from "../support/server.js";
import { forEachStore } from "../support/stores.js";

const LIMIT = 3;

/** The client address the audit trail recorded for a key creation. */
async function recordedAddress(t: TestServer, headers: Record<string, string>): Promise<string> {
  const res = await t.call("/v2/api-keys", { method: "POST", body: { name: "addressed" }, headers });
  expect(res.status, res.text).toBe(201);
  const events = await t.call(`/v2/audit-events?target_id=${encodeURIComponent(res.body.id)}&action=api_key.created`);
  expect(events.body.audit_events, events.text).toHaveLength(1);
  return events.body.audit_events[0].client_address;
}

forEachStore((store) => {
  describe("KEYHOUSE_TRUST_PROXY=1 (one proxy hop)", () => {
    let t: TestServer;
    const clock = new TestClock();
    beforeAll(async () => {
      t = await startTestServer({ store, clock, env: { KEYHOUSE_TRUST_PROXY: "1", KEYHOUSE_AUTH_FAILURE_LIMIT: String(LIMIT) } });
    });
    afterAll(async () => t.close());

    it("the audit trail records the entry the proxy added (the rightmost), not the one the client wrote", async () => {
      expect(await recordedAddress(t, { "x-forwarded-for": "203.0.113.66, 198.51.100.7" })).toBe("198.51.100.7");
      expect(await recordedAddress(t, { "x-forwarded-for": "198.51.100.8" })).toBe("198.51.100.8");
    });

    it("a client cannot escape the failure budget by varying the leftmost X-Forwarded-For entry", async () => {
      const wrong = generateRawKey();
      const real = "198.51.100.20";
      for (let i = 0; i < LIMIT; i++) {
        const res = await t.call("/v2/api-keys", { key: wrong, headers: { "x-forwarded-for": `203.0.113.${i}, ${real}` } });
        expectProblem(res, 401, "UNAUTHENTICATED");
      }
      for (let i = LIMIT; i < LIMIT + 5; i++) {
        const res = await t.call("/v2/api-keys", { key: wrong, headers: { "x-forwarded-for": `203.0.113.${i}, ${real}` } });
        expectProblem(res, 429, "TOO_MANY_REQUESTS");
        expect(res.headers["retry-after"]).toBeDefined();
      }
      // Framing a victim: writing the victim's address on the left throttles nobody but the sender.
      const victim = await t.call("/v2/api-keys", { key: wrong, headers: { "x-forwarded-for": `${real}, 198.51.100.21` } });
      expectProblem(victim, 401, "UNAUTHENTICATED");
      expect((await t.call("/v2/api-keys", { headers: { "x-forwarded-for": "198.51.100.22" } })).status).toBe(200);
    });
  });
});

describe("KEYHOUSE_TRUST_PROXY as proxy addresses", () => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startTestServer({ env: { KEYHOUSE_TRUST_PROXY: "127.0.0.0/8, 10.0.0.0/8" } });
  });
  afterAll(async () => t.close());

  it("the client is the rightmost entry that is not a listed proxy", async () => {
    expect(await recordedAddress(t, { "x-forwarded-for": "203.0.113.66, 198.51.100.30, 10.1.2.3" })).toBe("198.51.100.30");
    expect(await recordedAddress(t, { "x-forwarded-for": "198.51.100.31" })).toBe("198.51.100.31");
  });
});

describe("KEYHOUSE_TRUST_PROXY unset", () => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startTestServer();
  });
  afterAll(async () => t.close());

  it("X-Forwarded-For is ignored: the socket address is the client", async () => {
    expect(await recordedAddress(t, { "x-forwarded-for": "203.0.113.66, 198.51.100.7" })).toBe("127.0.0.1");
  });
});
