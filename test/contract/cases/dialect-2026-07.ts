import { expect } from "vitest";
import { idOfNothing, type ContractSuite } from "../suite.js";

const AUDIT_LOGS = "GET /v2/audit-logs";
const RESTRICTIONS = "GET /v2/resource-restrictions";
const CREATE = "POST /v2/api-keys";
const REVOKE = "PUT /v2/api-keys/{api_key_id}/revoke";

/** The operations only sdk-8.42.0.json has (audit logs, the restriction list), and 8.42's own key bodies. */
export function dialect2026_07Cases(s: ContractSuite): void {
  s.case(AUDIT_LOGS, "200 ListAuditLogsResponse: the trail as MUTATIONs, filtered by user, time and type, in pages", async () => {
    const start = new Date(Date.now() - 60_000).toISOString();
    const all = await s.call(AUDIT_LOGS, { query: { start_time: start } }, 200);
    expect(all.logs.length).toBeGreaterThan(0);
    expect(all.logs.every((l: { operation_type: string }) => l.operation_type === "MUTATION")).toBe(true);
    await s.call(AUDIT_LOGS, { query: { user_id: s.t.adminUserId, operation_type: "MUTATION", end_time: new Date().toISOString() } }, 200);
    const first = await s.call(AUDIT_LOGS, { query: { limit: "1" } }, 200);
    expect(first.pagination.has_more).toBe(true);
    await s.call(AUDIT_LOGS, { query: { limit: "1", cursor: first.pagination.next_cursor } }, 200);
  });

  s.case(AUDIT_LOGS, "400 for values outside the client's query; 403 for a member", async () => {
    await s.call(AUDIT_LOGS, { query: { operation_type: "DELETE" } }, 400);
    await s.call(AUDIT_LOGS, { query: { start_time: "yesterday" } }, 400);
    await s.call(AUDIT_LOGS, { key: s.fx.member.key }, 403);
  });

  s.case(RESTRICTIONS, "200 ListResourceRestrictionsResponse, filtered by resource type", async () => {
    const project = await s.call("POST /v2/projects", { body: { name: "restricted, then listed", space_id: s.fx.spaceId } }, 201);
    await s.call("POST /v2/resource-restrictions", { body: { resource_id: project.id } }, 200);
    const listed = await s.call(RESTRICTIONS, { query: { resource_type: "PROJECT" } }, 200);
    expect(listed.resource_restrictions.map((r: { resource_id: string }) => r.resource_id)).toContain(project.id);
  });

  s.case(RESTRICTIONS, "400 for a resource type that is not PROJECT, and a forged cursor", async () => {
    await s.call(RESTRICTIONS, { query: { resource_type: "SPACE" } }, 400);
    await s.call(RESTRICTIONS, { query: { cursor: "forged" } }, 400);
  });

  s.case(CREATE, "201 CreateApiKeyResponse for a service key: its bot_user with its roles", async () => {
    const body = {
      name: "bot of 8.42",
      key_type: "service",
      space_id: s.fx.spaceId,
      roles: { space_role: "member", org_role: "read-only", account_role: "member" },
    };
    const created = await s.call(CREATE, { body }, 201);
    expect(created.bot_user.organizations[0].spaces[0]).toEqual({ space_id: s.fx.spaceId, role: { type: "predefined", name: "member" } });
  });

  s.case(REVOKE, "404 for a key of nothing; 204 for a key revoked twice", async () => {
    await s.call(REVOKE, { params: { api_key_id: idOfNothing("ApiKey") } }, 404);
    const { id } = await s.call(CREATE, { body: { name: "revoked twice" } }, 201);
    await s.call(REVOKE, { params: { api_key_id: id } }, 204);
    await s.call(REVOKE, { params: { api_key_id: id } }, 204);
  });
}
