import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createVerifier, type Verifier, type VerifierEvent } from "@keyhouse/verify";
import { eventually } from "../support/clock.js";
import { startCluster, type Cluster } from "../support/cluster.js";
import { forEachStore } from "../support/stores.js";

/**
 * Issue 17: the @keyhouse/verify client across a restart of the keyhouse
 * process it listens to (a real `keyhouse serve`, stopped with SIGTERM and
 * started again on the same port and store). A change made while it was gone
 * (through another process) must not survive in the client's cache: the new
 * process cannot resume the old one's ids, so the client is told to flush.
 */
forEachStore((store) => {
  let cluster: Cluster;
  const verifiers: Verifier[] = [];
  beforeAll(async () => {
    cluster = await startCluster(store, 2);
  }, 60_000);
  afterAll(async () => {
    await Promise.all(verifiers.map((v) => v.close()));
    await cluster?.close();
  });

  const node = (i: number) => {
    const n = cluster.nodes[i];
    if (!n) throw new Error(`no node ${i}`);
    return n;
  };

  describe("the verifier across a keyhouse restart", () => {
    it("flushes when the restarted process cannot resume, so a key revoked meanwhile is refused", async () => {
      const events: VerifierEvent[] = [];
      const verifier = createVerifier({
        url: node(0).url,
        key: cluster.adminKey,
        backoff: { initialMs: 100, maxMs: 500 },
        onEvent: (event) => events.push(event),
      });
      verifiers.push(verifier);
      await verifier.ready();
      const created = await node(0).call("/v2/api-keys", { method: "POST", body: { name: "across-restart" } });
      expect(created.status).toBe(201);
      expect(await verifier.verify(created.body.key)).toMatchObject({ code: "VALID", cached: false });

      await cluster.stop(0);
      await eventually(async () => !verifier.stats().connected, "the verifier saw keyhouse go");
      expect((await node(1).call(`/v2/api-keys/${created.body.id}`, { method: "DELETE" })).status).toBe(204);
      // Nothing told it yet: within its TTL the cached answer stands.
      expect(verifier.cached(created.body.key)).toMatchObject({ code: "VALID" });

      await cluster.start(0);
      await eventually(async () => verifier.stats().connected, "the verifier reconnected", { attempts: 500 });
      await eventually(async () => verifier.cached(created.body.key) === undefined, "the cache was flushed", { attempts: 200 });
      expect(events).toContainEqual(expect.objectContaining({ type: "flushed", reason: "resume_impossible" }));
      expect(await verifier.verify(created.body.key)).toMatchObject({ valid: false, code: "REVOKED" });

      // After the flush it resumes from the new process's ids: a later revocation arrives as an event.
      const later = await node(0).call("/v2/api-keys", { method: "POST", body: { name: "after-restart" } });
      expect(await verifier.verify(later.body.key)).toMatchObject({ code: "VALID" });
      expect((await node(1).call(`/v2/api-keys/${later.body.id}`, { method: "DELETE" })).status).toBe(204);
      await eventually(async () => verifier.cached(later.body.key) === undefined, "the revocation through the other process arrived");
      expect(await verifier.verify(later.body.key)).toMatchObject({ code: "REVOKED" });
    });
  });
});
