import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startCluster, type Cluster } from "../support/cluster.js";
import { openEventStream, type EventStreamClient } from "../support/sse.js";
import { forEachStore } from "../support/stores.js";

/**
 * Issue 17, SPEC §13: the invalidation stream is fed by the store's feed, so a
 * subscriber hears of a change made through another process (PostgreSQL
 * LISTEN/NOTIFY; SQLite's data_version watch).
 */
forEachStore((store) => {
  let cluster: Cluster;
  const streams: EventStreamClient[] = [];
  beforeAll(async () => {
    cluster = await startCluster(store, 2);
  }, 60_000);
  afterAll(async () => {
    for (const stream of streams) stream.close();
    await cluster?.close();
  });

  const node = (i: number) => {
    const n = cluster.nodes[i];
    if (!n) throw new Error(`no node ${i}`);
    return n;
  };

  describe("the event stream across processes", () => {
    it("tells a subscriber of one process, within a second, of a key revoked through the other", async () => {
      const stream = await openEventStream(node(1).url, cluster.adminKey);
      streams.push(stream);
      expect(stream.status).toBe(200);
      for (let round = 0; round < 5; round++) {
        const created = await node(0).call("/v2/api-keys", { method: "POST", body: { name: `elsewhere-${round}` } });
        expect(created.status).toBe(201);
        const started = performance.now();
        expect((await node(0).call(`/v2/api-keys/${created.body.id}`, { method: "DELETE" })).status).toBe(204);
        const event = await stream.next(
          (e) => e.event === "key.revoked" && (JSON.parse(e.data) as { ids: string[] }).ids.includes(created.body.id),
          1_000,
        );
        expect(performance.now() - started).toBeLessThan(1_000);
        expect(event.data).not.toMatch(/ak-/);
      }
    });
  });
});
