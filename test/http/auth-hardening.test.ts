import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { generateRawKey } from "../../src/auth/key-format.js";
import { TestClock } from "../support/clock.js";
import { recordFigures } from "../support/hygiene.js";
import { createKey, expectProblem } from "../support/keys.js";
import { seedUser } from "../support/seed.js";
import { startTestServer, type TestServer } from "../support/server.js";
import { forEachStore } from "../support/stores.js";
import { MAX_GAP, pairedGaps } from "../support/timing.js";

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

  describe("failures answer alike whatever their cause", () => {
    let t: TestServer;
    const clock = new TestClock();
    /** When set, the server's next random draws (the bytes of the next key it makes). */
    let replay: Buffer[] = [];
    beforeAll(async () => {
      t = await startTestServer({
        store,
        clock,
        env: { KEYHOUSE_AUTH_FAILURE_LIMIT: "1000000" },
        app: { random: (size: number) => replay.shift() ?? randomBytes(size) },
      });
    });
    afterAll(async () => t?.close());

    it("a key created after its hash was refused as unknown authenticates at once", async () => {
      const drawn: Buffer[] = [];
      const raw = generateRawKey((size) => {
        const bytes = randomBytes(size);
        drawn.push(bytes);
        return bytes;
      });
      for (let i = 0; i < 3; i++) expectProblem(await t.call("/v2/api-keys", { key: raw }), 401);
      replay = [...drawn];
      const created = await createKey(t, { name: "seen-before" });
      replay = [];
      expect(created.key).toBe(raw);
      expect((await t.call("/v2/api-keys", { key: raw })).status).toBe(200);
    });

    it("unknown, deleted, expired and deleted-user keys take the same time to refuse", async () => {
      const deleted = await createKey(t, { name: "timing-deleted" });
      expect((await t.call(`/v2/api-keys/${deleted.id}`, { method: "DELETE" })).status).toBe(204);
      const expiring = await createKey(t, { name: "timing-expired", expires_at: clock.inSeconds(1) });
      const gone = await seedUser(t);
      // Each key is seen working once (so it sits in the authentication cache), then fails.
      expect((await t.call("/v2/api-keys", { key: expiring.key })).status).toBe(200);
      expect((await t.call("/v2/api-keys", { key: gone.key })).status).toBe(200);
      await t.server.store.db.updateTable("users").set({ status: "inactive" }).where("id", "=", gone.id).execute();
      clock.advance(1000);
      const kinds = { unknown: generateRawKey(), deleted: deleted.key, expired: expiring.key, deletedUser: gone.key };
      const names = Object.keys(kinds) as Array<keyof typeof kinds>;
      // Each cause paired with an unknown key in the same round (test/support/timing.ts).
      const { base, relative, meanGap } = await pairedGaps(names, "unknown", async (name, agent) => {
        const res = await t.call("/v2/api-keys", { key: kinds[name], agent });
        expect(res.status).toBe(401);
      });
      recordFigures(`failure-timing-${store}`, {
        unknownMedianMicros: Math.round(base),
        medianGapFraction: relative,
        meanGap,
        limit: MAX_GAP,
      });
      // The old code answered cached failures a store lookup sooner than unknown keys:
      // a mean gap of about -0.15 on SQLite and -0.5 to -0.8 on PostgreSQL.
      expect(
        Math.abs(meanGap),
        `median gap to an unknown key, as a fraction of its ${Math.round(base)} µs: ${JSON.stringify(relative)}`,
      ).toBeLessThan(MAX_GAP);
    }, 120_000);
  });
});

describe("the throttle counts an IPv6 client by its /64 (behind one trusted proxy hop)", () => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startTestServer({ env: { KEYHOUSE_TRUST_PROXY: "1", KEYHOUSE_AUTH_FAILURE_LIMIT: "3" } });
  });
  afterAll(async () => t?.close());

  const from = (client: string) => ({ "x-forwarded-for": client });

  it("spends one budget for every address in a /64, and spares valid keys and other prefixes", async () => {
    for (const client of ["2001:db8:77:1::1", "2001:db8:77:1::2", "2001:db8:77:1:aaaa::3"]) {
      expectProblem(await t.call("/v2/api-keys", { key: generateRawKey(), headers: from(client) }), 401);
    }
    expectProblem(
      await t.call("/v2/api-keys", { key: generateRawKey(), headers: from("2001:db8:77:1:ffff::9") }),
      429,
      "TOO_MANY_REQUESTS",
    );
    expect((await t.call("/v2/api-keys", { headers: from("2001:db8:77:1::1") })).status).toBe(200);
    expectProblem(await t.call("/v2/api-keys", { key: generateRawKey(), headers: from("2001:db8:77:2::1") }), 401);
  });

  it("counts an IPv4-mapped IPv6 address as its IPv4 address", async () => {
    for (let i = 0; i < 3; i++) expectProblem(await t.call("/v2/api-keys", { key: generateRawKey(), headers: from("198.51.100.9") }), 401);
    expectProblem(await t.call("/v2/api-keys", { key: generateRawKey(), headers: from("::ffff:198.51.100.9") }), 429);
  });
});
