import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { send, type HttpResponse } from "../support/http.js";
import { createKey, expectProblem } from "../support/keys.js";
import { startTestServer, type TestServer } from "../support/server.js";
import { forEachStore, POSTGRES_URL } from "../support/stores.js";

/**
 * The bound on concurrent expensive work (src/http/work-limiter.ts), through
 * HTTP: one slot, no line (or a line of one), and more requests than that.
 */

function expectOverloaded(res: HttpResponse): void {
  expectProblem(res, 503, "OVERLOADED");
  expect(Number(res.headers["retry-after"])).toBeGreaterThan(0);
  expect(res.headers["x-content-type-options"]).toBe("nosniff");
}

forEachStore((store) => {
  describe("a burst of expensive requests beyond the bound", () => {
    let t: TestServer;
    beforeAll(async () => {
      t = await startTestServer({ store, env: { KEYHOUSE_MAX_CONCURRENT_WORK: "1", KEYHOUSE_MAX_QUEUED_WORK: "0" } });
    });
    afterAll(async () => t.close());

    it("is answered 201 or 503 OVERLOADED with Retry-After, never anything else, and every 201 key is whole", async () => {
      const results = await Promise.all(
        Array.from({ length: 40 }, (_, i) => t.call("/v2/api-keys", { method: "POST", body: { name: `burst ${i}` } })),
      );
      const created = results.filter((r) => r.status === 201);
      const refused = results.filter((r) => r.status === 503);
      expect(created.length + refused.length, results.map((r) => r.status).join(",")).toBe(40);
      expect(created.length).toBeGreaterThan(0);
      // SQLite's driver is synchronous: a request's store work never yields to another
      // request, so work cannot overlap and the bound is never reached there.
      if (store === "postgres") expect(refused.length).toBeGreaterThan(0);
      for (const res of refused) expectOverloaded(res);
      for (const res of created) expect((await t.call(`/v2/api-keys/${res.body.id}`, { key: res.body.key })).status).toBe(200);
      // A refused create left nothing behind: the admin's keys are the bootstrap key and the created ones.
      const listed = (await t.call("/v2/api-keys?limit=100")).body.api_keys;
      expect(listed.length).toBe(created.length + 1);
    });
  });

  describe.runIf(store === "postgres")("expensive work held up in the store", () => {
    let t: TestServer;
    beforeAll(async () => {
      t = await startTestServer({ store: "postgres", env: { KEYHOUSE_MAX_CONCURRENT_WORK: "1", KEYHOUSE_MAX_QUEUED_WORK: "1" } });
    });
    afterAll(async () => t.close());

    it("runs one, queues one, refuses the rest with 503 until the slot frees, and never limits reads by id", async () => {
      const existing = await createKey(t, { name: "readable" });
      const locker = new pg.Client({ connectionString: POSTGRES_URL });
      await locker.connect();
      try {
        // Hold every write to api_keys (reads still pass) so the first create keeps its slot.
        await locker.query("begin");
        await locker.query(`lock table ${t.pgSchema}.api_keys in exclusive mode`);
        const first = t.call("/v2/api-keys", { method: "POST", body: { name: "first" } });
        for (let i = 0; i < 500; i++) {
          const waiting = await locker.query(
            `select count(*)::int as n from pg_locks where not granted and relation = '${t.pgSchema}.api_keys'::regclass`,
          );
          if (waiting.rows[0].n > 0) break;
          await new Promise((r) => setTimeout(r, 20));
        }
        const answered: HttpResponse[] = [];
        const more = Promise.all(
          [1, 2, 3].map(async (i) => {
            const res = await t.call("/v2/api-keys", { method: "POST", body: { name: `more ${i}` } });
            answered.push(res);
            return res;
          }),
        );
        // While the slot and the line are taken, two of the three are refused at once; one waits in line.
        while (answered.length < 2) await new Promise((r) => setTimeout(r, 20));
        for (const res of answered) expectOverloaded(res);
        const read = await send(t.url, `/v2/api-keys/${existing.id}`, { key: t.adminKey });
        expect(read.status).toBe(200);
        const listWhileBusy = await t.call("/v2/api-keys");
        expectOverloaded(listWhileBusy);
        await locker.query("commit");
        const [firstRes, moreRes] = [await first, await more];
        expect(firstRes.status).toBe(201);
        expect(moreRes.map((r) => r.status).sort()).toEqual([201, 503, 503]);
        for (const res of moreRes.filter((r) => r.status === 503)) expectOverloaded(res);
        // The slot is free again.
        expect((await t.call("/v2/api-keys", { method: "POST", body: { name: "after" } })).status).toBe(201);
      } finally {
        await locker.end();
      }
    });
  });
});
