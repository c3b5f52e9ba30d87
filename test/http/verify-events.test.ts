import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { EventSourceMessage } from "eventsource-parser";
import { expectStatus, newOrganization, newUser } from "../support/identity.js";
import { createKey, expectProblem } from "../support/keys.js";
import { seedUser } from "../support/seed.js";
import { startTestServer, type TestServer } from "../support/server.js";
import { openEventStream, type EventStreamClient } from "../support/sse.js";
import { forEachStore } from "../support/stores.js";

/** Issue 17, SPEC §13: GET /v2/api-keys/events, read by a real SSE client. */

/** An event's id, which every event of this stream carries. */
function idOf(event: EventSourceMessage): string {
  expect(event.id).toMatch(/^[A-Za-z0-9_-]+\.\d+$/);
  return event.id ?? "";
}

const naming = (type: string, id: string) => (event: EventSourceMessage) =>
  event.event === type && (JSON.parse(event.data) as { ids?: string[] }).ids?.includes(id) === true;

forEachStore((store) => {
  describe("GET /v2/api-keys/events", () => {
    let t: TestServer;
    const streams: EventStreamClient[] = [];
    const subscribe = async (headers: Record<string, string> = {}, key: string | null = t.adminKey) => {
      const client = await openEventStream(t.url, key, headers);
      streams.push(client);
      return client;
    };
    beforeAll(async () => {
      t = await startTestServer({ store, app: { eventStream: { heartbeatMs: 100, retained: 3 } } });
    });
    afterAll(async () => {
      for (const stream of streams) stream.close();
      await t?.close();
    });

    it("streams a revoked key as key.revoked naming its id, with an event id, and no secret", async () => {
      const stream = await subscribe();
      expect(stream.status).toBe(200);
      expect(String(stream.headers["content-type"])).toMatch(/^text\/event-stream/);
      expect(stream.headers["cache-control"]).toBe("no-store");
      expect(stream.headers["x-content-type-options"]).toBe("nosniff");
      expect(stream.retry).toBe(1000);
      const created = await createKey(t, { name: "to-revoke" });
      expect((await t.call(`/v2/api-keys/${created.id}`, { method: "DELETE" })).status).toBe(204);
      const revoked = await stream.next(naming("key.revoked", created.id), 1_000);
      expect(revoked.id).toMatch(/^[A-Za-z0-9_-]+\.\d+$/);
      // What happened before the subscriber came is not replayed to it.
      expect(stream.events).toEqual([revoked]);
      expect(JSON.parse(revoked.data)).toEqual({ action: "api_key.deleted", ids: expect.arrayContaining([created.id]) });
      for (const event of stream.events) expect(event.data).not.toMatch(/ak-/);
    });

    it("names a rotation, a changed user and changed access", async () => {
      const stream = await subscribe();
      const created = await createKey(t, { name: "to-rotate" });
      expectStatus(await t.call(`/v2/api-keys/${created.id}/refresh`, { method: "POST", body: {} }), 200);
      await stream.next(naming("key.rotated", created.id));
      const user = await newUser(t);
      expectStatus(await t.call(`/v2/users/${user.id}`, { method: "PATCH", body: { is_developer: false } }), 200);
      await stream.next(naming("user.changed", user.id));
      const org = await newOrganization(t);
      expectStatus(
        await t.call(`/v2/organizations/${org.id}/users`, {
          method: "POST",
          body: { user_id: user.id, role: { type: "predefined", name: "member" } },
        }),
        200,
      );
      await stream.next((event) => event.event === "access.changed");
    });

    it("sends heartbeats as comment lines", async () => {
      const stream = await subscribe();
      await stream.commentsReach(4, 3_000);
      expect(stream.comments.filter((c) => c.trim() === "heartbeat").length).toBeGreaterThanOrEqual(3);
    });

    /** Creates a key, revokes it, and returns its id once `watcher` has seen the revocation. */
    const revokeOne = async (watcher: EventStreamClient, name: string) => {
      const created = await createKey(t, { name });
      expect((await t.call(`/v2/api-keys/${created.id}`, { method: "DELETE" })).status).toBe(204);
      return { keyId: created.id, event: await watcher.next(naming("key.revoked", created.id), 1_000) };
    };

    it("resumes from Last-Event-ID with what was missed, in order", async () => {
      const watcher = await subscribe();
      const first = await revokeOne(watcher, "resume-1");
      const second = await revokeOne(watcher, "resume-2");
      const third = await revokeOne(watcher, "resume-3");
      const resumed = await subscribe({ "last-event-id": idOf(first.event) });
      await resumed.next(naming("key.revoked", third.keyId));
      expect(resumed.events).toEqual([second.event, third.event]);
    });

    it("sends flush when resuming is impossible: another process's id, or older than the retained window", async () => {
      const stranger = await subscribe({ "last-event-id": "someone-else.4" });
      expect((await stranger.next(() => true)).event).toBe("flush");
      const watcher = await subscribe();
      const from = (await revokeOne(watcher, "window-0")).event;
      // Three are retained (the test server's setting): four more push the first resumable point out.
      for (let i = 1; i <= 4; i++) await revokeOne(watcher, `window-${i}`);
      const late = await subscribe({ "last-event-id": idOf(from) });
      const flush = await late.next(() => true);
      expect(flush.event).toBe("flush");
      expect(JSON.parse(flush.data)).toEqual({ reason: "resume_impossible" });
      // Resuming from the flush's own id works: nothing was missed since.
      const after = await subscribe({ "last-event-id": idOf(flush) });
      const next = await revokeOne(watcher, "after-flush");
      expect(await after.next(() => true)).toEqual(next.event);
    });

    it("403 for a caller without API_KEY_VERIFY, 401 without a key, as problems", async () => {
      const member = await seedUser(t, { spaceRole: "admin" });
      const refused = await subscribe({}, member.key);
      expect(refused.status).toBe(403);
      expect(JSON.parse(refused.text).detail).toContain("API_KEY_VERIFY");
      expect((await subscribe({}, null)).status).toBe(401);
      expectProblem(await t.call("/v2/api-keys/events", { key: member.key }), 403, "FORBIDDEN");
    });
  });
});

describe("open event streams and the bound on expensive work", () => {
  let t: TestServer;
  const streams: EventStreamClient[] = [];
  beforeAll(async () => {
    t = await startTestServer({ env: { KEYHOUSE_MAX_CONCURRENT_WORK: "1", KEYHOUSE_MAX_QUEUED_WORK: "1" } });
  });
  afterAll(async () => {
    for (const stream of streams) stream.close();
    await t?.close();
  });

  it("hold no work slot: with three streams open, a write still goes through", async () => {
    for (let i = 0; i < 3; i++) {
      const stream = await openEventStream(t.url, t.adminKey);
      streams.push(stream);
      expect(stream.status).toBe(200);
    }
    expect((await t.call("/v2/api-keys", { method: "POST", body: { name: "while-streaming" } })).status).toBe(201);
  });

  it("are ended when the server shuts down", async () => {
    const stream = await openEventStream(t.url, t.adminKey);
    const ended = new Promise<void>((resolve) => stream.onEnd(resolve));
    await t.close();
    await ended;
  });
});
