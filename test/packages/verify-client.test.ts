import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { createVerifier, type Verifier, type VerifierEvent, type VerifierOptions } from "@keyhouse/verify";
import { generateRawKey } from "../../src/auth/key-format.js";
import { eventually } from "../support/clock.js";
import { startCutProxy, type CutProxy } from "../support/cut-proxy.js";
import { expectStatus, keyFor, newUser, person, unique } from "../support/identity.js";
import { createKey } from "../support/keys.js";
import { startTestServer, type TestServer } from "../support/server.js";
import { forEachStore } from "../support/stores.js";

/**
 * Issue 17: the @keyhouse/verify client against a real keyhouse over HTTP,
 * through a real proxy that can cut the event stream (test/support/cut-proxy.ts).
 */

const VERIFY = "POST /v2/api-keys/verify";

forEachStore((store) => {
  describe("the @keyhouse/verify verifier", () => {
    let t: TestServer;
    let proxy: CutProxy;
    const verifiers: Verifier[] = [];
    // The verifier's clock: tests move it to pass a TTL without waiting.
    let offset = 0;
    const now = () => Date.now() + offset;

    const make = async (options: Partial<VerifierOptions> = {}) => {
      const events: VerifierEvent[] = [];
      const verifier = createVerifier({
        url: proxy.url,
        key: t.adminKey,
        now,
        backoff: { initialMs: 50, maxMs: 200 },
        onEvent: (event) => events.push(event),
        ...options,
      });
      verifiers.push(verifier);
      await verifier.ready();
      return { verifier, events };
    };
    const revoke = async (id: string) => expect((await t.call(`/v2/api-keys/${id}`, { method: "DELETE" })).status).toBe(204);

    beforeAll(async () => {
      t = await startTestServer({ store });
      proxy = await startCutProxy(t.url);
    });
    afterEach(async () => {
      await Promise.all(verifiers.splice(0).map((v) => v.close()));
      proxy.restore();
      offset = 0;
    });
    afterAll(async () => {
      await proxy?.close();
      await t?.close();
    });

    it("refuses malformed keys in-process: nothing reaches keyhouse", async () => {
      const { verifier } = await make();
      const before = proxy.count(VERIFY);
      const good = generateRawKey();
      const typo = good.slice(0, -1) + (good.endsWith("A") ? "B" : "A");
      for (const garbage of ["", "hello", typo, good.slice(0, 20), `${good}x`, good.replace("ak-", "kc-"), `ak-${"!".repeat(48)}`]) {
        expect(await verifier.verify(garbage)).toMatchObject({ valid: false, code: "NOT_FOUND" });
      }
      expect(proxy.count(VERIFY)).toBe(before);
      // A well-formed key of nobody is asked once, then remembered briefly.
      expect(await verifier.verify(good)).toEqual({ valid: false, code: "NOT_FOUND", cached: false });
      expect(await verifier.verify(good)).toMatchObject({ code: "NOT_FOUND", cached: true });
      expect(proxy.count(VERIFY)).toBe(before + 1);
      offset += 5_001;
      expect(await verifier.verify(good)).toMatchObject({ code: "NOT_FOUND", cached: false });
      expect(proxy.count(VERIFY)).toBe(before + 2);
    });

    it("answers with keyhouse's codes, and serves a repeated question from the cache", async () => {
      const { verifier } = await make();
      const created = await createKey(t, { name: unique("k") });
      const before = proxy.count(VERIFY);
      const first = await verifier.verify(created.key);
      expect(first).toEqual({
        valid: true,
        code: "VALID",
        cached: false,
        key: { id: created.id, name: created.body.name, key_type: "user", expires_at: null },
        subject: { id: t.adminUserId, kind: "human", name: expect.any(String) },
      });
      const concurrent = await Promise.all([1, 2, 3].map(() => verifier.verify(created.key)));
      for (const answer of concurrent) expect(answer).toMatchObject({ code: "VALID", cached: true });
      expect(verifier.cached(created.key)).toMatchObject({ code: "VALID", cached: true });
      expect(proxy.count(VERIFY)).toBe(before + 1);

      // A permission question is its own cache entry, answered by keyhouse's engine.
      const member = await person(t, { org: { id: t.organizationId, role: "member" } });
      const space = { type: "SPACE" as const, id: t.spaceId };
      expect(await verifier.verify(member.key, { permissions: ["SPACE_DELETE"], resource: space })).toMatchObject({
        valid: false,
        code: "INSUFFICIENT_PERMISSIONS",
        permissions: [],
      });
      expect(await verifier.verify(created.key, { permissions: ["SPACE_DELETE"], resource: space })).toMatchObject({
        valid: true,
        permissions: ["SPACE_DELETE"],
        cached: false,
      });
      expect(await verifier.verify(created.key, { permissions: ["SPACE_DELETE"], resource: space })).toMatchObject({ cached: true });
    });

    it("drops an answer the moment the stream names its key: revoked, rotated, user changed, access changed", async () => {
      const { verifier, events } = await make();
      const revoked = await createKey(t, { name: unique("k") });
      expect(await verifier.verify(revoked.key)).toMatchObject({ code: "VALID" });
      await revoke(revoked.id);
      await eventually(async () => verifier.cached(revoked.key) === undefined, "the revocation reached the cache");
      expect(await verifier.verify(revoked.key)).toMatchObject({ valid: false, code: "REVOKED", cached: false });
      expect(await verifier.verify(revoked.key)).toMatchObject({ code: "REVOKED", cached: true });

      const rotated = await createKey(t, { name: unique("k") });
      expect(await verifier.verify(rotated.key)).toMatchObject({ key: { expires_at: null } });
      expectStatus(await t.call(`/v2/api-keys/${rotated.id}/refresh`, { method: "POST", body: {} }), 200);
      await eventually(async () => verifier.cached(rotated.key) === undefined, "the rotation reached the cache");
      // Rotated without a grace period, the old key is gone at once.
      expect(await verifier.verify(rotated.key)).toMatchObject({ valid: false, code: "REVOKED", cached: false });

      const user = await newUser(t);
      const userKey = await keyFor(t, user.id);
      expect(await verifier.verify(userKey)).toMatchObject({ code: "VALID" });
      expectStatus(await t.call(`/v2/users/${user.id}`, { method: "PATCH", body: { is_developer: false } }), 200);
      await eventually(async () => verifier.cached(userKey) === undefined, "the user change reached the cache");
      expect(await verifier.verify(userKey)).toMatchObject({ valid: false, code: "FORBIDDEN" });

      const other = await createKey(t, { name: unique("k") });
      expect(await verifier.verify(other.key)).toMatchObject({ code: "VALID" });
      const org = expectStatus(await t.call("/v2/organizations", { method: "POST", body: { name: unique("o") } }), 201);
      expectStatus(
        await t.call(`/v2/organizations/${org.id}/users`, {
          method: "POST",
          body: { user_id: user.id, role: { type: "predefined", name: "member" } },
        }),
        200,
      );
      await eventually(async () => verifier.cached(other.key) === undefined, "an access change emptied the cache");
      expect(events.some((e) => e.type === "flushed" && e.reason === "access.changed")).toBe(true);
      // Only the named key went on a revocation: others stayed.
      expect(events.find((e) => e.type === "invalidated" && e.event === "key.revoked")).toMatchObject({ dropped: 1 });
    });

    it("with the stream cut, serves nothing older than its TTL", async () => {
      const ttlMs = 10_000;
      const { verifier, events } = await make({ ttlMs });
      const created = await createKey(t, { name: unique("k") });
      expect(await verifier.verify(created.key)).toMatchObject({ code: "VALID", cached: false });
      proxy.cut();
      await eventually(async () => !verifier.stats().connected, "the verifier saw the stream go");
      await revoke(created.id);
      // The change cannot reach it: the answer stands while it is younger than the TTL...
      for (const age of [0, ttlMs / 2, ttlMs - 1_000]) {
        offset = age;
        expect(await verifier.verify(created.key), `age ${age} ms`).toMatchObject({ code: "VALID", cached: true });
      }
      // ...and not past it.
      offset = ttlMs;
      expect(verifier.cached(created.key)).toBeUndefined();
      expect(await verifier.verify(created.key)).toMatchObject({ code: "REVOKED", cached: false });
      // Down longer than the TTL: the whole cache goes.
      offset = 2 * ttlMs + 2_000;
      await eventually(async () => verifier.stats().entries === 0, "the cache was emptied", { attempts: 300 });
      expect(events.some((e) => e.type === "flushed" && e.reason === "stream_down")).toBe(true);
      expect(events.filter((e) => e.type === "disconnected").length).toBeGreaterThan(0);
    });

    it("resumes after a cut with Last-Event-ID and misses nothing", async () => {
      const { verifier, events } = await make();
      const created = await createKey(t, { name: unique("k") });
      expect(await verifier.verify(created.key)).toMatchObject({ code: "VALID" });
      proxy.cut();
      await eventually(async () => !verifier.stats().connected, "the verifier saw the stream go");
      await revoke(created.id);
      expect(await verifier.verify(created.key)).toMatchObject({ code: "VALID", cached: true });
      proxy.restore();
      await eventually(async () => verifier.cached(created.key) === undefined, "the missed revocation arrived on resume", {
        attempts: 300,
      });
      expect(events.filter((e) => e.type === "connected").at(-1)).toEqual({ type: "connected", resumed: true });
      expect(await verifier.verify(created.key)).toMatchObject({ code: "REVOKED" });
    });

    it("reports keyhouse refusing the service's own key instead of answering for the customer's", async () => {
      const member = await person(t, { org: { id: t.organizationId, role: "member" } });
      const verifier = createVerifier({ url: proxy.url, key: member.key, stream: false });
      verifiers.push(verifier);
      const created = await createKey(t, { name: unique("k") });
      await expect(verifier.verify(created.key)).rejects.toMatchObject({ name: "VerifierUnavailableError", status: 403 });
      expect(() => createVerifier({ url: "ftp://x", key: "k" })).toThrow(/http/);
      expect(() => createVerifier({ url: proxy.url, key: "k", ttlMs: -1 })).toThrow(/ttlMs/);
    });
  });
});
