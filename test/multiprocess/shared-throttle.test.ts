import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { generateRawKey } from "../../src/auth/key-format.js";
import { startCluster, type Cluster } from "../support/cluster.js";
import { forEachStore } from "../support/stores.js";

const REDIS_URL = process.env.KEYHOUSE_TEST_REDIS_URL ?? "redis://127.0.0.1:6379";

async function redisProblem(): Promise<string | undefined> {
  const { Redis } = await import("ioredis");
  const redis = new Redis(REDIS_URL, { lazyConnect: true, connectTimeout: 2000, maxRetriesPerRequest: 0 });
  try {
    await redis.connect();
    await redis.ping();
    return undefined;
  } catch (error) {
    return `Redis not reachable at ${REDIS_URL}: ${(error as Error).message}`;
  } finally {
    redis.disconnect();
  }
}
const noRedis = await redisProblem();
if (noRedis && process.env.CI) throw new Error(`${noRedis} (CI must run the shared throttling tests)`);

/** A loopback source address of its own, so no other test's failures count here. */
const address = () => `127.0.${1 + Math.floor(Math.random() * 250)}.${2 + Math.floor(Math.random() * 250)}`;

forEachStore((store) => {
  describe.skipIf(noRedis !== undefined)(
    `failed-authentication throttling shared through Redis${noRedis ? ` (skipped: ${noRedis})` : ""}`,
    () => {
      let cluster: Cluster;
      beforeAll(async () => {
        cluster = await startCluster(store, 2, { KEYHOUSE_REDIS_URL: REDIS_URL, KEYHOUSE_AUTH_FAILURE_LIMIT: "6" });
      }, 60_000);
      afterAll(async () => cluster?.close());

      it("counts failures at every process and refuses further bad keys at every process, never a valid key", async () => {
        const [a, b] = cluster.nodes;
        if (!a || !b) throw new Error("two nodes expected");
        const from = address();
        for (let i = 0; i < 3; i++) {
          expect((await a.call("/v2/api-keys", { key: generateRawKey(), localAddress: from })).status).toBe(401);
          expect((await b.call("/v2/api-keys", { key: generateRawKey(), localAddress: from })).status).toBe(401);
        }
        const blockedA = await a.call("/v2/api-keys", { key: generateRawKey(), localAddress: from });
        const blockedB = await b.call("/v2/api-keys", { key: generateRawKey(), localAddress: from });
        expect(blockedA.status).toBe(429);
        expect(blockedB.status).toBe(429);
        expect(Number(blockedB.headers["retry-after"])).toBeGreaterThan(0);
        // The valid key behind the same address is served by both processes (SPEC §4).
        expect((await a.call("/v2/api-keys", { localAddress: from })).status).toBe(200);
        expect((await b.call("/v2/api-keys", { localAddress: from })).status).toBe(200);
        expect((await a.call("/v2/api-keys", { key: generateRawKey(), localAddress: from })).status).toBe(429);
        expect((await b.call("/v2/api-keys", { localAddress: address() })).status).toBe(200);
      });
    },
  );

  describe("failed-authentication throttling without Redis", () => {
    let cluster: Cluster;
    beforeAll(async () => {
      cluster = await startCluster(store, 2, { KEYHOUSE_AUTH_FAILURE_LIMIT: "4" });
    }, 60_000);
    afterAll(async () => cluster?.close());

    it("counts per process", async () => {
      const [a, b] = cluster.nodes;
      if (!a || !b) throw new Error("two nodes expected");
      const from = address();
      for (let i = 0; i < 3; i++) {
        expect((await a.call("/v2/api-keys", { key: generateRawKey(), localAddress: from })).status).toBe(401);
        expect((await b.call("/v2/api-keys", { key: generateRawKey(), localAddress: from })).status).toBe(401);
      }
      expect((await a.call("/v2/api-keys", { key: generateRawKey(), localAddress: from })).status).toBe(401);
      expect((await a.call("/v2/api-keys", { key: generateRawKey(), localAddress: from })).status).toBe(429);
      expect((await a.call("/v2/api-keys", { localAddress: from })).status).toBe(200);
      expect((await b.call("/v2/api-keys", { key: generateRawKey(), localAddress: from })).status).toBe(401);
      expect((await b.call("/v2/api-keys", { localAddress: from })).status).toBe(200);
    });
  });
});
