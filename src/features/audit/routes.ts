import type { FeatureDeps } from "../../auth/deps.js";
import { paginationOf } from "../../http/cursor.js";
import type { App } from "../../http/route.js";
import { problemResponses } from "../../http/schemas.js";
import { listAudit } from "./list.js";
import { AuditListQuery, AuditListResponse } from "./schemas.js";

/** GET /v2/audit-events (SPEC §10). */
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
}
