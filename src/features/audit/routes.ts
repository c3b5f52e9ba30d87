import type { FastifyInstance } from "fastify";
import type { KeyDeps } from "../../auth/deps.js";
import { authOf } from "../apikeys/routes.js";
import { paginationOf } from "../../http/page.js";
import { problemResponses } from "../../http/schemas.js";
import { listAudit } from "./list.js";
import { AuditListQuery, AuditListResponse } from "./schemas.js";

/** GET /v2/audit-events (SPEC §10). */
export function auditRoutes(app: FastifyInstance, deps: KeyDeps): void {
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
      const page = await listAudit(deps, authOf(request), request.query as AuditListQuery);
      return { audit_events: page.items, pagination: paginationOf(page) };
    },
  );
}
