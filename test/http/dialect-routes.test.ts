import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createKey, expectProblem } from "../support/keys.js";
import { seedSpace, seedUser } from "../support/seed.js";
import { startTestServer, type TestServer } from "../support/server.js";
import { forEachStore } from "../support/stores.js";

const PIN_07 = { "keyhouse-dialect": "2026-07" };

forEachStore((store) => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startTestServer({ store });
  });
  afterAll(async () => t.close());

  describe("GET /v2/audit-logs", () => {
    it("shows the audit trail in Arize's shape: a MUTATION named by its operation, newest first, never a secret", async () => {
      const since = new Date(Date.now() - 1000).toISOString();
      const { id, key } = await createKey(t, { name: "audited" });
      expect((await t.call(`/v2/api-keys/${id}/revoke`, { method: "PUT" })).status).toBe(204);
      const res = await t.call(`/v2/audit-logs?start_time=${encodeURIComponent(since)}`, { headers: PIN_07 });
      expect(res.status, res.text).toBe(200);
      const [revoked, created] = res.body.logs;
      expect(revoked).toMatchObject({
        user_id: t.adminUserId,
        operation_type: "MUTATION",
        operation_name: "revoke_api_key",
        operation_text: "api_key.deleted",
      });
      expect(created).toMatchObject({ operation_name: "create_api_key", operation_text: "api_key.created" });
      expect(typeof created.ip).toBe("string");
      expect(JSON.parse(created.variables).target_ids).toContain(id);
      expect(res.text).not.toContain(key);
      expect(res.text).not.toContain(key.slice(3, 20));
      const events = await t.call(`/v2/audit-events?since=${encodeURIComponent(since)}`);
      // The same trail; keyhouse init's entry (made by no user) is not an audit log.
      const byUsers = events.body.audit_events.filter((e: { actor_user_id?: string }) => e.actor_user_id !== undefined);
      expect(res.body.logs.map((l: { id: string }) => l.id)).toEqual(byUsers.map((e: { id: string }) => e.id));
    });

    it("filters by user, time and operation type, and pages", async () => {
      const other = await seedUser(t, { role: "admin" });
      await createKey(t, { name: "by-other" }, other.key);
      const mine = await t.call(`/v2/audit-logs?user_id=${encodeURIComponent(other.wireId)}`);
      expect(mine.body.logs.length).toBeGreaterThan(0);
      expect(mine.body.logs.every((l: { user_id: string }) => l.user_id === other.wireId)).toBe(true);
      expect((await t.call("/v2/audit-logs?operation_type=QUERY")).body.logs).toEqual([]);
      expect((await t.call("/v2/audit-logs?operation_type=MUTATION")).body.logs.length).toBeGreaterThan(0);
      const future = new Date(Date.now() + 3_600_000).toISOString();
      expect((await t.call(`/v2/audit-logs?start_time=${encodeURIComponent(future)}`)).body.logs).toEqual([]);
      const first = await t.call("/v2/audit-logs?limit=1");
      expect(first.body.pagination.has_more).toBe(true);
      const second = await t.call(`/v2/audit-logs?limit=1&cursor=${encodeURIComponent(first.body.pagination.next_cursor)}`);
      expect(second.body.logs[0].id).not.toBe(first.body.logs[0].id);
    });

    it("is for account admins (403), and refuses bad filters with 400", async () => {
      const member = await seedUser(t);
      expectProblem(await t.call("/v2/audit-logs", { key: member.key }), 403);
      expectProblem(await t.call("/v2/audit-logs?operation_type=DELETE"), 400, "VALIDATION_FAILED");
      expectProblem(await t.call("/v2/audit-logs?user_id=not-an-id"), 400);
      expectProblem(await t.call("/v2/audit-logs?start_time=2026-02-01T00:00:00Z&end_time=2026-01-01T00:00:00Z"), 400, "VALIDATION_FAILED");
    });
  });

  describe("GET /v2/resource-restrictions", () => {
    it("lists the restrictions of the projects the caller sees, newest first, filtered by resource_type, in pages", async () => {
      const space = await seedSpace(t, "restrictions-listed");
      const ids: string[] = [];
      for (const name of ["r1", "r2"]) {
        const project = await t.call("/v2/projects", { method: "POST", body: { name, space_id: space.wireId } });
        expect(project.status, project.text).toBe(201);
        expect((await t.call("/v2/resource-restrictions", { method: "POST", body: { resource_id: project.body.id } })).status).toBe(200);
        ids.push(project.body.id);
      }
      const res = await t.call("/v2/resource-restrictions?resource_type=PROJECT", { headers: PIN_07 });
      expect(res.status, res.text).toBe(200);
      const listed = res.body.resource_restrictions.map((r: { resource_id: string }) => r.resource_id);
      expect(listed.slice(0, 2)).toEqual([ids[1], ids[0]]);
      expect(res.body.resource_restrictions[0].resource_type).toBe("PROJECT");
      const page = await t.call("/v2/resource-restrictions?limit=1");
      expect(page.body.pagination.has_more).toBe(true);
      const next = await t.call(`/v2/resource-restrictions?limit=1&cursor=${encodeURIComponent(page.body.pagination.next_cursor)}`);
      expect(next.body.resource_restrictions[0].resource_id).toBe(ids[0]);
      // A restricted project is hidden from a space member without a binding on it (SPEC §12): so is its restriction.
      const member = await seedUser(t, { spaceRole: "member", spaceWireId: space.wireId });
      expect((await t.call("/v2/resource-restrictions", { key: member.key })).body.resource_restrictions).toEqual([]);
      const outsider = await seedUser(t, { isDeveloper: true });
      expect((await t.call("/v2/resource-restrictions", { key: outsider.key })).body.resource_restrictions).toEqual([]);
      expectProblem(await t.call("/v2/resource-restrictions?resource_type=SPACE"), 400, "VALIDATION_FAILED");
    });
  });
});
