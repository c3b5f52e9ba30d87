import type { FeatureDeps } from "../../auth/deps.js";
import { paginationOf } from "../../http/cursor.js";
import type { App } from "../../http/route.js";
import { problemResponses } from "../../http/schemas.js";
import { listAudit } from "./list.js";
import { listAuditLogs } from "./logs.js";
import { AuditListQuery, AuditListResponse, AuditLogsQuery, AuditLogsResponse } from "./schemas.js";

/** GET /v2/audit-events (SPEC §10) and GET /v2/audit-logs (Arize's shape of the same trail, SPEC §11). */
export function auditRoutes(app: App, deps: FeatureDeps): void {
  app.get(
    "/v2/audit-events",
    {
      schema: {
        tags: ["Audit"],
        summary: "List audit events",
        description:
          "Account admins only. Every key event and identity change, newest first. Filters: action (exact), actor_user_id, " +
          "target_id, since (inclusive) and until (exclusive), RFC 3339.",
        operationId: "listAuditEvents",
        security: [{ bearerAuth: [] }],
        querystring: AuditListQuery,
        response: { 200: AuditListResponse, ...problemResponses(400, 401, 403, 429) },
      },
    },
    async (request) => {
      const page = await listAudit(deps, request.actor, request.query);
      return { audit_events: page.items, pagination: paginationOf(page) };
    },
  );

  app.get(
    "/v2/audit-logs",
    {
      schema: {
        tags: ["Audit"],
        summary: "List audit logs (Arize's shape)",
        description:
          "Account admins only. The audit trail of /v2/audit-events as Arize's AuditLog, newest first: every entry a MUTATION named " +
          "by the Arize operation that made it. Filters: start_time (inclusive), end_time (exclusive), user_id, operation_type.",
        operationId: "listAuditLogs",
        security: [{ bearerAuth: [] }],
        querystring: AuditLogsQuery,
        response: { 200: AuditLogsResponse, ...problemResponses(400, 401, 403, 429) },
      },
    },
    async (request) => {
      const page = await listAuditLogs(deps, request.actor, request.query);
      return { logs: page.items, pagination: paginationOf(page) };
    },
  );
}
