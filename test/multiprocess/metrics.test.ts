import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freePort } from "../support/cli.js";
import { startCluster, type Cluster } from "../support/cluster.js";
import { scrape } from "../support/prometheus.js";
import { forEachStore } from "../support/stores.js";

const LAG = "keyhouse_cache_invalidation_lag_seconds";

/**
 * The invalidation lag across processes (docs/observability.md): a key revoked
 * through one `keyhouse serve` empties the caches of the other, which measures
 * how long after the commit that happened (PostgreSQL: the NOTIFY carries its
 * sending time; SQLite's data_version carries none, so it is not measured).
 */
forEachStore((store) => {
  let cluster: Cluster;
  beforeAll(async () => {
    cluster = await startCluster(store, 2, {}, async () => ({ KEYHOUSE_METRICS_PORT: String(await freePort()) }));
  }, 60_000);
  afterAll(async () => cluster?.close());

  const metricsOf = (i: number) => `http://127.0.0.1:${cluster.nodes[i]?.env.KEYHOUSE_METRICS_PORT}`;

  describe("a revocation through one process, seen by the other", () => {
    it(
      store === "postgres" ? "is measured as remote lag by the other, and as local by the writer" : "is measured as local by the writer",
      async () => {
        const [a, b] = cluster.nodes;
        if (!a || !b) throw new Error("two nodes expected");
        const created = await a.call("/v2/api-keys", { method: "POST", body: { name: "revoked elsewhere" } });
        expect(created.status).toBe(201);
        // Cached by the other process before the revocation.
        expect((await b.call("/v2/whoami", { key: created.body.key })).status).toBe(200);
        const before = [await scrape(metricsOf(0)), await scrape(metricsOf(1))];
        expect((await a.call(`/v2/api-keys/${created.body.id}`, { method: "DELETE" })).status).toBe(204);
        // The other process refuses the key once its caches were emptied.
        let status = 200;
        for (let i = 0; i < 100 && status === 200; i++) {
          status = (await b.call("/v2/whoami", { key: created.body.key })).status;
          if (status === 200) await new Promise((r) => setTimeout(r, 10));
        }
        expect(status).toBe(401);
        const after = [await scrape(metricsOf(0)), await scrape(metricsOf(1))];
        const moved = (i: number, name: string, labels: Record<string, string>) =>
          (after[i]?.value(name, labels) ?? 0) - (before[i]?.value(name, labels) ?? 0);
        expect(moved(0, `${LAG}_count`, { source: "local" })).toBe(1);
        expect(moved(0, `${LAG}_count`, { source: "remote" })).toBe(0);
        if (store === "postgres") {
          expect(moved(1, `${LAG}_count`, { source: "remote" })).toBe(1);
          const seconds = moved(1, `${LAG}_sum`, { source: "remote" });
          expect(seconds).toBeGreaterThan(0);
          expect(seconds).toBeLessThan(1);
        } else {
          expect(moved(1, `${LAG}_count`, {})).toBe(0);
        }
        expect(moved(1, "keyhouse_authentications_total", { result: "revoked" })).toBe(1);
      },
    );
  });
});
