import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { decodeId } from "../../src/http/ids.js";
import { touchLastUsed } from "../../src/store/queries/api-keys.js";
import { createKey } from "../support/keys.js";
import { startTestServer, type TestServer } from "../support/server.js";
import { forEachStore } from "../support/stores.js";

forEachStore((store) => {
  let t: TestServer;
  beforeAll(async () => {
    // These tests write through the store directly, not through the tracker that
    // empties the key cache after its writes: read without that cache.
    t = await startTestServer({ store, env: { KEYHOUSE_KEY_CACHE_SIZE: "0" } });
  });
  afterAll(async () => t.close());

  describe("writing batched last-used times", () => {
    it("writes every key of a batch to the second, grouped by second, and never moves a time backwards", async () => {
      const created = await Promise.all(Array.from({ length: 6 }, (_, i) => createKey(t, { name: `touched-${i}` })));
      const ids = created.map((k) => {
        const decoded = decodeId("ApiKey", k.id);
        if (!decoded.ok) throw new Error("bad id");
        return decoded.n;
      });
      const base = Date.UTC(2030, 0, 1, 12, 0, 0);
      // Three seconds, two keys each, with milliseconds inside the second.
      await touchLastUsed(t.server.store.db, new Map(ids.map((id, i) => [id, base + Math.floor(i / 2) * 1000 + 123 + i])));
      const views = await Promise.all(created.map(async (k) => (await t.call(`/v2/api-keys/${k.id}`)).body.last_used_at));
      expect(views).toEqual([0, 0, 1, 1, 2, 2].map((s) => new Date(base + s * 1000).toISOString()));
      // An older time does not overwrite a newer one; a newer one does.
      const [first = 0, second = 0] = ids;
      await touchLastUsed(
        t.server.store.db,
        new Map([
          [first, base - 60_000],
          [second, base + 60_000],
        ]),
      );
      expect((await t.call(`/v2/api-keys/${created[0]?.id}`)).body.last_used_at).toBe(new Date(base).toISOString());
      expect((await t.call(`/v2/api-keys/${created[1]?.id}`)).body.last_used_at).toBe(new Date(base + 60_000).toISOString());
    });

    it("writes batches larger than one statement's chunk", async () => {
      const created = await Promise.all(Array.from({ length: 3 }, (_, i) => createKey(t, { name: `bulk-touched-${i}` })));
      const ids = created.map((k) => {
        const decoded = decodeId("ApiKey", k.id);
        return decoded.ok ? decoded.n : 0;
      });
      // 1,200 ids in one second (most of them do not exist), then the real ones.
      const at = Date.UTC(2031, 5, 1, 0, 0, 0);
      const batch = new Map<number, number>();
      for (let n = 1; n <= 1200; n++) batch.set(10_000_000 + n, at);
      for (const id of ids) batch.set(id, at + 500);
      await touchLastUsed(t.server.store.db, batch);
      for (const k of created) expect((await t.call(`/v2/api-keys/${k.id}`)).body.last_used_at).toBe(new Date(at).toISOString());
    });
  });
});
