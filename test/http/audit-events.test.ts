import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { AuditEvent } from "../../src/features/audit/index.js";
import { createKey, expectProblem } from "../support/keys.js";
import { audited, expectStatus, newOrganization, newUser, person, unique } from "../support/identity.js";
import { startTestServer, type TestServer } from "../support/server.js";
import { forEachStore } from "../support/stores.js";

forEachStore((store) => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startTestServer({ store });
  });
  afterAll(async () => t.close());

  const list = async (query: string, key?: string) => expectStatus(await t.call(`/v2/audit-events?${query}`, { key }), 200);
  const actions = (body: { audit_events: AuditEvent[] }) => body.audit_events.map((e) => e.action);

  describe("GET /v2/audit-events", () => {
    it("returns events newest first in the documented shape, omitting unset fields", async () => {
      const org = await newOrganization(t);
      const body = await list("limit=100");
      const event = body.audit_events.find((e: AuditEvent) => e.target_ids.includes(org.id));
      expect(Object.keys(event).sort()).toEqual(
        ["action", "actor_key_id", "actor_user_id", "client_address", "details", "id", "occurred_at", "request_id", "target_ids"].sort(),
      );
      expect(Buffer.from(event.id, "base64").toString()).toMatch(/^AuditEvent:\d+:/);
      expect(event.occurred_at).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/);
      expect(Buffer.from(event.actor_key_id, "base64").toString()).toMatch(/^ApiKey:/);
      const times = body.audit_events.map((e: AuditEvent) => Date.parse(e.occurred_at));
      expect([...times].sort((a, b) => b - a)).toEqual(times);
      const init = (await list("action=keyhouse.initialized")).audit_events;
      expect(init).toHaveLength(1);
      expect(init[0].actor_user_id).toBeUndefined();
      expect(init[0].actor_key_id).toBeUndefined();
    });

    it("records every key event, and never the raw key", async () => {
      const created = await createKey(t, { name: unique("audited") });
      const refreshed = expectStatus(await t.call(`/v2/api-keys/${created.id}/refresh`, { method: "POST", body: {} }), 200);
      expectStatus(await t.call(`/v2/api-keys/${refreshed.id}`, { method: "DELETE" }), 204);
      const first = await list(`target_id=${encodeURIComponent(created.id)}`);
      expect(actions(first)).toEqual(["api_key.refreshed", "api_key.created"]);
      expect(actions(await list(`target_id=${encodeURIComponent(refreshed.id)}`))).toEqual(["api_key.deleted", "api_key.refreshed"]);
      const all = await t.call("/v2/audit-events?limit=100");
      for (const raw of [created.key, refreshed.key]) expect(all.text).not.toContain(raw);
    });

    it("filters by action, actor and target, combined", async () => {
      const actor = await person(t, { role: "admin" });
      const org = await newOrganization(t, { key: actor.key });
      const other = await newOrganization(t);
      const byActor = await list(`actor_user_id=${encodeURIComponent(actor.id)}`);
      expect(byActor.audit_events.map((e: AuditEvent) => e.target_ids)).toEqual([[org.id]]);
      const byAction = await list("action=organization.created&limit=100");
      expect(new Set(actions(byAction))).toEqual(new Set(["organization.created"]));
      expect(byAction.audit_events.map((e: AuditEvent) => e.target_ids[0])).toEqual(expect.arrayContaining([org.id, other.id]));
      const both = await list(
        `action=organization.created&actor_user_id=${encodeURIComponent(actor.id)}&target_id=${encodeURIComponent(org.id)}`,
      );
      expect(both.audit_events).toHaveLength(1);
      expect((await list(`action=organization.deleted&target_id=${encodeURIComponent(org.id)}`)).audit_events).toEqual([]);
    });

    it("filters by time: since is inclusive, until exclusive", async () => {
      const before = new Date(Date.now() - 1).toISOString();
      const user = await newUser(t);
      const event = (await list(`target_id=${encodeURIComponent(user.id)}`)).audit_events[0];
      const at = event.occurred_at;
      const q = (range: string) => list(`target_id=${encodeURIComponent(user.id)}&${range}`).then((b) => b.audit_events.length);
      expect(await q(`since=${encodeURIComponent(at)}`)).toBe(1);
      expect(await q(`until=${encodeURIComponent(at)}`)).toBe(0);
      expect(await q(`since=${encodeURIComponent(before)}&until=${encodeURIComponent(new Date(Date.parse(at) + 1).toISOString())}`)).toBe(
        1,
      );
      expect(await q(`since=${encodeURIComponent(new Date(Date.parse(at) + 1).toISOString())}`)).toBe(0);
      expect(await q(`since=${encodeURIComponent(at.replace("Z", "+00:00"))}`)).toBe(1);
    });

    it("walks every page exactly once; a cursor is bound to its filters", async () => {
      const actor = await person(t, { role: "admin" });
      const made: string[] = [];
      for (let i = 0; i < 5; i++) made.push((await newOrganization(t, { key: actor.key })).id);
      const base = `actor_user_id=${encodeURIComponent(actor.id)}&limit=2`;
      const seen: string[] = [];
      let cursor: string | undefined;
      let firstCursor: string | undefined;
      do {
        const body = await list(`${base}${cursor ? `&cursor=${cursor}` : ""}`);
        seen.push(...body.audit_events.map((e: AuditEvent) => e.target_ids[0]));
        firstCursor ??= body.pagination.next_cursor;
        cursor = body.pagination.next_cursor;
      } while (cursor);
      expect(seen).toEqual([...made].reverse());
      expectProblem(await t.call(`/v2/audit-events?limit=2&cursor=${firstCursor}`), 400, "INVALID_CURSOR");
      expectProblem(await t.call(`/v2/audit-events?${base}&cursor=${firstCursor}x`), 400, "INVALID_CURSOR");
    });

    it.each([
      ["since=yesterday", 'query parameter "since" must be an RFC 3339 timestamp'],
      ["until=2030-02-30T00:00:00Z", 'query parameter "until" is not a real date'],
      ["since=2030-01-02T00:00:00Z&until=2030-01-01T00:00:00Z", '"since" must not be after "until"'],
      ["target_id=not-an-id", 'query parameter "target_id" is not a valid id'],
      ["actor_user_id=T3JnYW5pemF0aW9uOjE6eGd1Zw==", 'query parameter "actor_user_id" is not a user id'],
      ["action=DROP%20TABLE", 'query parameter "action"'],
      ["limit=0", 'query parameter "limit"'],
      ["action=a&action=b", "must not be repeated"],
      ["actor=me", 'query parameter "actor" is not allowed'],
    ])("answers 400 for %s", async (query, detail) => {
      const res = await t.call(`/v2/audit-events?${query}`);
      expectProblem(res, 400);
      expect(res.body.detail).toContain(detail);
    });

    it("is for account admins only: organization admins and members get 403", async () => {
      const orgAdmin = await person(t, { org: { id: t.organizationId, role: "admin" } });
      const res = await t.call("/v2/audit-events", { key: orgAdmin.key });
      expectProblem(res, 403, "FORBIDDEN");
      expect(res.body.detail).toContain("account admins");
      const member = await person(t, { org: { id: t.organizationId, role: "member" } });
      expectProblem(await t.call("/v2/audit-events", { key: member.key }), 403);
    });

    it("answers a service key acting as an account admin, and 401 without a key", async () => {
      const service = await createKey(t, {
        name: "svc",
        key_type: "service",
        space_id: t.spaceId,
        roles: { space_role: "admin", org_role: "admin", account_role: "admin" },
      });
      expectStatus(await t.call("/v2/audit-events?limit=1", { key: service.key }), 200);
      expectProblem(await t.call("/v2/audit-events", { key: null }), 401);
    });

    it("reading the trail records nothing", async () => {
      const { res, events } = await audited(t, "/v2/audit-events?limit=1");
      expectStatus(res, 200);
      expect(events).toEqual([]);
    });
  });
});
