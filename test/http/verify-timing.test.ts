import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { generateRawKey } from "../../src/auth/key-format.js";
import { TestClock } from "../support/clock.js";
import { recordFigures } from "../support/hygiene.js";
import { createKey } from "../support/keys.js";
import { seedUser } from "../support/seed.js";
import { startTestServer, type TestServer } from "../support/server.js";
import { forEachStore } from "../support/stores.js";
import { MAX_GAP, pairedGaps } from "../support/timing.js";

/**
 * Issue 17, SPEC §13: POST /v2/api-keys/verify does not leak timing between its
 * refusals. Measured as test/http/auth-hardening.test.ts measures authentication:
 * each cause's time less an unknown key's in the same round, the order shuffled
 * every round, after a warm-up that puts every found key in the cache.
 */

forEachStore((store) => {
  describe("verification refusals answer alike in time whatever their code", () => {
    let t: TestServer;
    const clock = new TestClock();
    beforeAll(async () => {
      t = await startTestServer({ store, clock });
    });
    afterAll(async () => t?.close());

    it("NOT_FOUND, REVOKED, EXPIRED and FORBIDDEN (deleted user, no developer access) take the same time", async () => {
      const revoked = await createKey(t, { name: "timing-revoked" });
      expect((await t.call(`/v2/api-keys/${revoked.id}`, { method: "DELETE" })).status).toBe(204);
      const expiring = await createKey(t, { name: "timing-expired", expires_at: clock.inSeconds(1) });
      const gone = await seedUser(t);
      const notDeveloper = await seedUser(t, { role: "annotator", isDeveloper: false });
      expect((await t.call(`/v2/users/${gone.wireId}`, { method: "DELETE" })).status).toBe(204);
      clock.advance(1000);
      const kinds = {
        NOT_FOUND: generateRawKey(),
        REVOKED: revoked.key,
        EXPIRED: expiring.key,
        FORBIDDEN: gone.key,
        NOT_DEVELOPER: notDeveloper.key,
      };
      const names = Object.keys(kinds) as Array<keyof typeof kinds>;
      const { base, relative, meanGap } = await pairedGaps(names, "NOT_FOUND", async (name, agent) => {
        const res = await t.call("/v2/api-keys/verify", { method: "POST", body: { key: kinds[name] }, agent });
        expect(res.status).toBe(200);
        expect(res.body.code).toBe(name === "NOT_DEVELOPER" ? "FORBIDDEN" : name);
      });
      recordFigures(`verify-timing-${store}`, {
        unknownMedianMicros: Math.round(base),
        medianGapFraction: relative,
        meanGap,
        limit: MAX_GAP,
      });
      expect(
        Math.abs(meanGap),
        `median gap to an unknown key, as a fraction of its ${Math.round(base)} µs: ${JSON.stringify(relative)}`,
      ).toBeLessThan(MAX_GAP);
      for (const name of names) expect(Math.abs(relative[name] ?? 0), `${name}: ${JSON.stringify(relative)}`).toBeLessThan(2 * MAX_GAP);
    }, 120_000);
  });
});
