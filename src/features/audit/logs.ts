import type { Actor } from "../../auth/actor.js";
import type { FeatureDeps } from "../../auth/deps.js";
import { isAccountAdmin } from "../../auth/engine.js";
import { decodeId, encodeId } from "../../http/ids.js";
import { ProblemError } from "../../http/problem.js";
import { parseTimestamp, rfc3339 } from "../../http/time.js";
import { readPage, type Page } from "../../store/page.js";
import { listAuditEvents, targetsOf, type AuditEventRecord } from "../../store/queries/audit.js";
import type { AuditLog, AuditLogsQuery } from "./schemas.js";

/**
 * The Arize REST operation behind each keyhouse action (8.42's operation
 * names). Actions no Arize operation makes (claims, mail, key removal with
 * its user) keep keyhouse's name.
 */
const OPERATIONS: Readonly<Record<string, string>> = {
  "api_key.created": "create_api_key",
  "api_key.issued": "create_user_api_key",
  "api_key.deleted": "revoke_api_key",
  "api_key.refreshed": "refresh_api_key",
  "user.created": "create_user",
  "user.updated": "update_user",
  "user.deleted": "delete_user",
  "user.invitation_issued": "create_user",
  "user.invitation_resent": "resend_user_invitation",
  "user.recovery_issued": "reset_user_password",
  "organization.created": "create_organization",
  "organization.updated": "update_organization",
  "organization.deleted": "delete_organization",
  "space.created": "create_space",
  "space.updated": "update_space",
  "space.deleted": "delete_space",
  "membership.upserted": "add_space_user",
  "membership.removed": "remove_space_user",
  "project.created": "create_project",
  "project.updated": "update_project",
  "project.deleted": "delete_project",
  "role.created": "create_role",
  "role.updated": "update_role",
  "role.deleted": "delete_role",
  "role_binding.created": "create_role_binding",
  "role_binding.updated": "update_role_binding",
  "role_binding.deleted": "delete_role_binding",
  "resource_restriction.created": "create_resource_restriction",
  "resource_restriction.deleted": "delete_resource_restriction",
};

/** The organization-or-space operation of a membership change, from its details. */
function operationOf(event: AuditEventRecord, details: Record<string, unknown>): string {
  if (event.action.startsWith("membership.") && details.scope === "organization") {
    return event.action === "membership.removed" ? "remove_organization_user" : "add_organization_user";
  }
  return OPERATIONS[event.action] ?? event.action;
}

function toLog(event: AuditEventRecord & { actor_user_id: number }, targets: string[]): AuditLog {
  const details = JSON.parse(event.details) as Record<string, unknown>;
  return {
    id: encodeId("AuditEvent", event.id),
    user_id: encodeId("User", event.actor_user_id),
    ip: event.client_address ?? "",
    operation_type: "MUTATION",
    operation_name: operationOf(event, details),
    operation_text: event.action,
    // The audit trail's details never hold a raw key, its hash or a claim token (docs/audit.md).
    variables: JSON.stringify({ target_ids: targets, ...details }),
    created_at: rfc3339(event.occurred_at),
  };
}

/**
 * GET /v2/audit-logs: the audit trail of /v2/audit-events in Arize's shape
 * (account admins only; newest first). Every entry is a change, so a filter on
 * QUERY or SUBSCRIPTION finds nothing; keyhouse init's entries, made by no
 * user, are not listed.
 */
export async function listAuditLogs(deps: FeatureDeps, actor: Actor, query: AuditLogsQuery): Promise<Page<AuditLog>> {
  if (!isAccountAdmin(actor.caller.principal)) {
    throw new ProblemError("FORBIDDEN", { detail: "only account admins may read the audit trail" });
  }
  let actorUserId: number | undefined;
  if (query.user_id !== undefined) {
    const decoded = decodeId("User", query.user_id);
    if (!decoded.ok) throw new ProblemError("INVALID_ID", { detail: 'query parameter "user_id" is not a user id' });
    actorUserId = decoded.n;
  }
  const since = query.start_time === undefined ? undefined : parseTimestamp(query.start_time, 'query parameter "start_time"');
  const until = query.end_time === undefined ? undefined : parseTimestamp(query.end_time, 'query parameter "end_time"');
  if (since !== undefined && until !== undefined && since > until) {
    throw new ProblemError("VALIDATION_FAILED", { detail: 'query parameter "start_time" must not be after "end_time"' });
  }
  const limit = query.limit ?? 50;
  if (query.operation_type !== undefined && query.operation_type !== "MUTATION") return { items: [], nextCursor: undefined };
  const filters = { list: "audit-logs", user_id: actorUserId, since, until, operation_type: query.operation_type };
  const page = await readPage(
    deps.cursors,
    { cursor: query.cursor, limit, filters },
    (after) => listAuditEvents(deps.store.db, { actorUserId, since, until, withActor: true, after, limit }),
    (row) => row.occurred_at,
  );
  const targets = await targetsOf(
    deps.store.db,
    page.items.map((e) => e.id),
  );
  const logs = page.items.flatMap((e) =>
    e.actor_user_id === null ? [] : [toLog({ ...e, actor_user_id: e.actor_user_id }, targets.get(e.id) ?? [])],
  );
  return { items: logs, nextCursor: page.nextCursor };
}
