import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { generateRawKey } from "../../src/auth/key-format.js";
import { eventually } from "../support/clock.js";
import { createKey } from "../support/keys.js";
import { leakedKeys, storeBytes } from "../support/scan.js";
import { startTestServer, type TestServer } from "../support/server.js";
import { forEachStore } from "../support/stores.js";

forEachStore((store) => {
  let t: TestServer;
  beforeAll(async () => {
    // Key uses are written every 20 ms (not every 5 s), so the test need not wait for the write.
    t = await startTestServer({ store, lastUsedFlushMs: 20 });
  });
  afterAll(async () => t.close());

  describe("secret hygiene", () => {
    it("after create, list, rotate, delete and failed auth, no raw key is in any log line or in the store", async () => {
      const keys: string[] = [t.adminKey];
      const responses: string[] = [];
      const user = await createKey(t, { name: "user key" });
      const service = await createKey(t, { name: "svc", key_type: "service", space_id: t.spaceId });
      keys.push(user.key, service.key);
      responses.push((await t.call("/v2/api-keys", { key: user.key })).text);
      responses.push((await t.call(`/v2/api-keys?space_id=${encodeURIComponent(t.spaceId)}`, { key: service.key })).text);
      const rotated = await t.call(`/v2/api-keys/${user.id}/refresh`, {
        method: "POST",
        body: { grace_period_seconds: 60 },
        key: user.key,
      });
      keys.push(rotated.body.key);
      const rotated2 = await t.call(`/v2/api-keys/${service.id}/refresh`, { method: "POST" });
      keys.push(rotated2.body.key);
      responses.push((await t.call(`/v2/api-keys/${rotated.body.id}`, { method: "DELETE", key: rotated.body.key })).text);
      // Failed authentication, including keys pasted where they do not belong.
      const unknown = generateRawKey();
      keys.push(unknown);
      responses.push((await t.call("/v2/api-keys", { key: unknown })).text);
      responses.push((await t.call("/v2/api-keys", { key: user.key.slice(0, -1) })).text);
      responses.push((await t.call(`/v2/api-keys/${user.key}`)).text);
      responses.push((await t.call(`/v2/${user.key}`)).text);
      responses.push((await t.call(`/v2/api-keys?cursor=${user.key}`)).text);
      responses.push((await t.call("/v2/api-keys", { method: "POST", body: { name: user.key, colour: 1 } })).text);
      responses.push((await t.call("/v2/api-keys", { key: null, headers: { authorization: `Basic ${user.key}` } })).text);
      // The store has been written after every use: each key used above shows its last use.
      const used = [user.id, service.id, rotated.body.id];
      const lastUses = async () => Promise.all(used.map(async (id) => (await t.call(`/v2/api-keys/${id}`)).body.last_used_at));
      await eventually(async () => (await lastUses()).every((at) => at !== undefined), "every use is written");
      expect(leakedKeys(t.logs(), keys)).toEqual([]);
      expect(leakedKeys(storeBytes(t), keys)).toEqual([]);
      expect(leakedKeys(responses.join("\n"), keys)).toEqual([]);
      // The scan can find a key: it does find one that is written out.
      expect(leakedKeys(`x${user.key}x`, keys)).toEqual([user.key]);
      expect(t.logs().length).toBeGreaterThan(1000);
    });
  });
});
