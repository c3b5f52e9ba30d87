import { afterAll, beforeAll, describe, expect, it } from "vitest";
import pg from "pg";
import { generateRawKey } from "../../src/auth/key-format.js";
import { encodeId } from "../../src/http/ids.js";
import { TestClock } from "../support/clock.js";
import { send } from "../support/http.js";
import { createKey, expectProblem } from "../support/keys.js";
import { scrape, type Scrape } from "../support/prometheus.js";
import { startTestServer, type TestServer } from "../support/server.js";
import { forEachStore, POSTGRES_URL } from "../support/stores.js";

/** How much each series moved between two scrapes. */
function moved(before: Scrape, after: Scrape) {
  return (name: string, labels: Record<string, string> = {}) => after.value(name, labels) - before.value(name, labels);
}

const REQUESTS = "keyhouse_http_request_duration_seconds";
const AUTH = "keyhouse_authentications_total";
const LOOKUPS = "keyhouse_cache_lookups_total";
const QUERIES = "keyhouse_store_query_duration_seconds_count";
const LAG = "keyhouse_cache_invalidation_lag_seconds";

forEachStore((store) => {
  describe("GET /metrics on KEYHOUSE_METRICS_PORT (docs/observability.md)", () => {
    const clock = new TestClock();
    let t: TestServer;
    let metricsUrl: string;
    beforeAll(async () => {
      t = await startTestServer({
        store,
        clock,
        // No last-use write during the test: it would empty the key cache at a moment the test does not choose.
        lastUsedFlushMs: 3_600_000,
        env: { KEYHOUSE_METRICS_PORT: "0", KEYHOUSE_AUTH_FAILURE_LIMIT: "8" },
      });
      metricsUrl = t.server.metricsUrl ?? "";
    });
    afterAll(async () => t.close());

    it("listens on its own port, not on the API's", async () => {
      expect(metricsUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      expect(metricsUrl).not.toBe(t.url);
      expectProblem(await t.call("/metrics", { key: null }), 404, "ROUTE_NOT_FOUND");
      expectProblem(await t.call("/v2/metrics"), 404, "ROUTE_NOT_FOUND");
      expectProblem(await send(metricsUrl, "/v2/api-keys"), 404, "ROUTE_NOT_FOUND");
      expectProblem(await send(metricsUrl, "/metrics", { method: "POST", body: {} }), 404, "ROUTE_NOT_FOUND");
    });

    it("counts requests by route and status, in seconds", async () => {
      const key = await createKey(t, { name: "reader" });
      const before = await scrape(metricsUrl);
      for (let i = 0; i < 3; i++) expect((await t.call(`/v2/api-keys/${key.id}`, { key: key.key })).status).toBe(200);
      expectProblem(await t.call(`/v2/api-keys/${encodeId("ApiKey", 999_999)}`), 404);
      expectProblem(await t.call("/no/such/route"), 404);
      const after = await scrape(metricsUrl);
      const delta = moved(before, after);
      const byId = { method: "GET", route: "/v2/api-keys/:api_key_id" };
      expect(delta(`${REQUESTS}_count`, { ...byId, status_code: "200" })).toBe(3);
      expect(delta(`${REQUESTS}_count`, { ...byId, status_code: "404" })).toBe(1);
      expect(delta(`${REQUESTS}_count`, { method: "GET", route: "unmatched", status_code: "404" })).toBe(1);
      // Base units: three local requests take well under a second each, and more than nothing.
      const seconds = delta(`${REQUESTS}_sum`, { ...byId, status_code: "200" });
      expect(seconds).toBeGreaterThan(0);
      expect(seconds).toBeLessThan(3);
      expect(delta(`${REQUESTS}_bucket`, { ...byId, status_code: "200", le: "+Inf" })).toBe(3);
      // Buckets are cumulative: each holds at least the one below it, the last finite one all of them here.
      const buckets = after.samples.filter(
        (s) =>
          s.name === `${REQUESTS}_bucket` && s.labels.route === byId.route && s.labels.status_code === "200" && s.labels.method === "GET",
      );
      expect(buckets.map((b) => b.labels.le)).toEqual([
        "0.0005",
        "0.001",
        "0.0025",
        "0.005",
        "0.01",
        "0.025",
        "0.05",
        "0.1",
        "0.25",
        "0.5",
        "1",
        "2.5",
        "5",
        "10",
        "30",
        "+Inf",
      ]);
      for (let i = 1; i < buckets.length; i++) expect(buckets[i]?.value).toBeGreaterThanOrEqual(buckets[i - 1]?.value ?? 0);
      expect(after.value(`${REQUESTS}_bucket`, { ...byId, status_code: "200", le: "30" })).toBe(
        after.value(`${REQUESTS}_count`, { ...byId, status_code: "200" }),
      );
      // The scrapes themselves are not requests of the API.
      expect(after.samples.some((s) => s.labels.route === "/metrics")).toBe(false);
    });

    it("counts authentication results: valid, missing, unknown, revoked, expired, throttled", async () => {
      const revoked = await createKey(t, { name: "to revoke" });
      const expiring = await createKey(t, { name: "to expire", expires_at: clock.inSeconds(60) });
      expect((await t.call(`/v2/api-keys/${revoked.id}`, { method: "DELETE" })).status).toBe(204);
      clock.advance(61_000);
      const before = await scrape(metricsUrl);
      const from = "127.0.0.44";
      expect((await t.call("/v2/whoami", { localAddress: from })).status).toBe(200);
      expect((await t.call("/v2/whoami", { key: null, localAddress: from })).status).toBe(401);
      expect((await t.call("/v2/whoami", { key: null, headers: { authorization: "Basic abc" }, localAddress: from })).status).toBe(401);
      expect((await t.call("/v2/whoami", { key: generateRawKey(), localAddress: from })).status).toBe(401);
      expect((await t.call("/v2/whoami", { key: revoked.key, localAddress: from })).status).toBe(401);
      expect((await t.call("/v2/whoami", { key: expiring.key, localAddress: from })).status).toBe(401);
      // The address has 4 failures of its budget of 8: four more unknown keys, then 429s.
      let refusals = 0;
      for (let i = 0; i < 6; i++) {
        const status = (await t.call("/v2/whoami", { key: generateRawKey(), localAddress: from })).status;
        if (status === 429) refusals += 1;
        else expect(status).toBe(401);
      }
      const delta = moved(before, await scrape(metricsUrl));
      expect({
        valid: delta(AUTH, { result: "valid" }),
        missing: delta(AUTH, { result: "missing" }),
        unknown: delta(AUTH, { result: "unknown" }),
        revoked: delta(AUTH, { result: "revoked" }),
        expired: delta(AUTH, { result: "expired" }),
        inactive_user: delta(AUTH, { result: "inactive_user" }),
        throttled: delta(AUTH, { result: "throttled" }),
      }).toEqual({ valid: 1, missing: 1, unknown: 2 + 6 - refusals, revoked: 1, expired: 1, inactive_user: 0, throttled: refusals });
      expect(refusals).toBe(2);
    });

    it("counts cache hits and misses, and statements only for what the caches did not answer", async () => {
      const key = await createKey(t, { name: "cached" });
      // The first read fills both caches.
      expect((await t.call(`/v2/api-keys/${key.id}`, { key: key.key })).status).toBe(200);
      const before = await scrape(metricsUrl);
      for (let i = 0; i < 4; i++) expect((await t.call(`/v2/api-keys/${key.id}`, { key: key.key })).status).toBe(200);
      const middle = await scrape(metricsUrl);
      let delta = moved(before, middle);
      expect(delta(LOOKUPS, { cache: "auth", result: "hit" })).toBe(4);
      expect(delta(LOOKUPS, { cache: "auth", result: "miss" })).toBe(0);
      expect(delta(LOOKUPS, { cache: "key", result: "hit" })).toBe(4);
      expect(delta(LOOKUPS, { cache: "key", result: "miss" })).toBe(0);
      expect(delta(QUERIES)).toBe(0);
      // An unknown key misses the cache and costs exactly one lookup of api_keys.
      expect((await t.call("/v2/whoami", { key: generateRawKey() })).status).toBe(401);
      delta = moved(middle, await scrape(metricsUrl));
      expect(delta(LOOKUPS, { cache: "auth", result: "miss" })).toBe(1);
      expect(delta(QUERIES)).toBe(1);
      expect(delta(QUERIES, { operation: "select", table: "api_keys", result: "ok" })).toBe(1);
      expect(middle.value("keyhouse_cache_entries", { cache: "auth" })).toBeGreaterThanOrEqual(1);
    });

    it("measures the invalidation lag of a committed revocation, and the cache misses after it", async () => {
      const key = await createKey(t, { name: "revoked while cached" });
      expect((await t.call(`/v2/api-keys/${key.id}`, { key: key.key })).status).toBe(200);
      const before = await scrape(metricsUrl);
      expect((await t.call(`/v2/api-keys/${key.id}`, { method: "DELETE" })).status).toBe(204);
      expect((await t.call("/v2/whoami", { key: key.key })).status).toBe(401);
      const delta = moved(before, await scrape(metricsUrl));
      expect(delta(`${LAG}_count`, { source: "local" })).toBe(1);
      expect(delta(`${LAG}_count`, { source: "remote" })).toBe(0);
      const lag = delta(`${LAG}_sum`, { source: "local" });
      expect(lag).toBeGreaterThanOrEqual(0);
      expect(lag).toBeLessThan(1);
      // The revoked key was asked of the store again: the flush emptied the cache.
      expect(delta(AUTH, { result: "revoked" })).toBe(1);
      expect(delta(LOOKUPS, { cache: "auth", result: "miss" })).toBe(1);
    });

    it("has the process's metrics and the event loop's delay, and never a key", async () => {
      const now = await scrape(metricsUrl);
      for (const name of [
        "process_cpu_user_seconds_total",
        "process_resident_memory_bytes",
        "nodejs_eventloop_lag_p99_seconds",
        "nodejs_heap_size_used_bytes",
      ]) {
        expect(
          now.samples.some((s) => s.name === name),
          name,
        ).toBe(true);
      }
      expect(now.text).toContain("# TYPE keyhouse_authentications_total counter");
      expect(now.text).toContain("# TYPE keyhouse_http_request_duration_seconds histogram");
      expect(now.text).not.toMatch(/ak-[0-9A-Za-z]/);
      expect(now.text).not.toContain(t.adminKey);
    });
  });

  describe("the work limiter's metrics", () => {
    let t: TestServer;
    beforeAll(async () => {
      t = await startTestServer({
        store,
        env: { KEYHOUSE_METRICS_PORT: "0", KEYHOUSE_MAX_CONCURRENT_WORK: "1", KEYHOUSE_MAX_QUEUED_WORK: "1" },
      });
    });
    afterAll(async () => t.close());

    it("counts every OVERLOADED refusal of a burst, and shows nothing running or queued after it", async () => {
      const metricsUrl = t.server.metricsUrl ?? "";
      const before = await scrape(metricsUrl);
      const statuses = await Promise.all(
        Array.from({ length: 24 }, (_, i) =>
          t.call("/v2/api-keys", { method: "POST", body: { name: `burst ${i}` } }).then((r) => r.status),
        ),
      );
      // SQLite's synchronous driver rarely lets the work overlap (test/reliability/overload.test.ts): refusals may be none there.
      const refused = statuses.filter((s) => s === 503).length;
      expect(statuses.filter((s) => s !== 503 && s !== 201)).toEqual([]);
      const after = await scrape(metricsUrl);
      expect(moved(before, after)("keyhouse_work_limiter_refusals_total")).toBe(refused);
      expect(moved(before, after)(`${REQUESTS}_count`, { method: "POST", route: "/v2/api-keys", status_code: "503" })).toBe(refused);
      expect(moved(before, after)(`${REQUESTS}_count`, { method: "POST", route: "/v2/api-keys", status_code: "201" })).toBe(24 - refused);
      expect(after.value("keyhouse_work_limiter_running")).toBe(0);
      expect(after.value("keyhouse_work_limiter_queued")).toBe(0);
    });

    it.runIf(store === "postgres")("shows the request running and the one in line while the store holds them up", async () => {
      const metricsUrl = t.server.metricsUrl ?? "";
      const locker = new pg.Client({ connectionString: POSTGRES_URL });
      await locker.connect();
      try {
        const before = await scrape(metricsUrl);
        // Every write to api_keys waits (test/reliability/overload.test.ts does the same).
        await locker.query("begin");
        await locker.query(`lock table ${t.pgSchema}.api_keys in exclusive mode`);
        const first = t.call("/v2/api-keys", { method: "POST", body: { name: "first" } });
        const second = t.call("/v2/api-keys", { method: "POST", body: { name: "second" } });
        let busy = await scrape(metricsUrl);
        for (let i = 0; i < 250 && busy.value("keyhouse_work_limiter_queued") < 1; i++) {
          await new Promise((r) => setTimeout(r, 20));
          busy = await scrape(metricsUrl);
        }
        expect(busy.value("keyhouse_work_limiter_running")).toBe(1);
        expect(busy.value("keyhouse_work_limiter_queued")).toBe(1);
        expectProblem(await t.call("/v2/api-keys", { method: "POST", body: { name: "third" } }), 503, "OVERLOADED");
        await locker.query("commit");
        expect([(await first).status, (await second).status]).toEqual([201, 201]);
        const after = await scrape(metricsUrl);
        expect(moved(before, after)("keyhouse_work_limiter_refusals_total")).toBe(1);
        expect(after.value("keyhouse_work_limiter_running")).toBe(0);
        expect(after.value("keyhouse_work_limiter_queued")).toBe(0);
      } finally {
        await locker.end();
      }
    });
  });
});

describe("without KEYHOUSE_METRICS_PORT", () => {
  it("keeps no metrics and opens no listener", async () => {
    const t = await startTestServer();
    try {
      expect(t.server.metricsUrl).toBeUndefined();
      expectProblem(await t.call("/metrics", { key: null }), 404, "ROUTE_NOT_FOUND");
    } finally {
      await t.close();
    }
  });
});
