import { Agent } from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { generateRawKey } from "../../src/auth/key-format.js";
import { TestClock } from "../support/clock.js";
import { recordFigures } from "../support/hygiene.js";
import { createKey } from "../support/keys.js";
import { seedUser } from "../support/seed.js";
import { startTestServer, type TestServer } from "../support/server.js";
import { forEachStore } from "../support/stores.js";

/**
 * Issue 17, SPEC §13: POST /v2/api-keys/verify does not leak timing between its
 * refusals. Measured as test/http/auth-hardening.test.ts measures authentication:
 * each cause's time less an unknown key's in the same round, the order shuffled
 * every round, after a warm-up that puts every found key in the cache.
 */

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? 0;
}

/** As in auth-hardening.test.ts: between a real gap (0.14 and more) and a busy two-core machine's noise (about 0.07). */
const MAX_GAP = 0.1;

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
      const agent = new Agent({ keepAlive: true, maxSockets: 1 });
      const gaps: Record<string, number[]> = Object.fromEntries(names.map((n) => [n, []]));
      const unknownTimes: number[] = [];
      const WARM_UP = 100;
      const SAMPLE = 400;
      try {
        for (let round = 0; round < WARM_UP + SAMPLE; round++) {
          const order = [...names].sort(() => Math.random() - 0.5);
          const took: Record<string, number> = {};
          for (const name of order) {
            const started = process.hrtime.bigint();
            const res = await t.call("/v2/api-keys/verify", { method: "POST", body: { key: kinds[name] }, agent });
            took[name] = Number(process.hrtime.bigint() - started) / 1000;
            expect(res.status).toBe(200);
            expect(res.body.code).toBe(name === "NOT_DEVELOPER" ? "FORBIDDEN" : name);
          }
          if (round < WARM_UP) continue;
          unknownTimes.push(took.NOT_FOUND ?? 0);
          for (const name of names) gaps[name]?.push((took[name] ?? 0) - (took.NOT_FOUND ?? 0));
        }
      } finally {
        agent.destroy();
      }
      const base = median(unknownTimes);
      const relative = Object.fromEntries(names.map((n) => [n, Math.round((median(gaps[n] ?? []) / base) * 1000) / 1000]));
      const refused = names.filter((n) => n !== "NOT_FOUND").map((n) => relative[n] ?? 0);
      const meanGap = Math.round((refused.reduce((sum, g) => sum + g, 0) / refused.length) * 1000) / 1000;
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
