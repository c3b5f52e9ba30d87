import type { FeatureDeps } from "../../auth/deps.js";
import { decodeId, encodeId, type IdType } from "../../http/ids.js";
import { readPage, type Page } from "../../store/page.js";
import { ProblemError } from "../../http/problem.js";
import { parseTimestamp, rfc3339 } from "../../http/time.js";
import { isAccountAdmin } from "../../auth/engine.js";
import { listAuditEvents, targetsOf, type AuditEventRecord } from "../../store/queries/audit.js";
import type { Actor } from "../../auth/actor.js";
import type { AuditEvent, AuditListQuery } from "./schemas.js";

const TARGET_TYPES: IdType[] = ["ApiKey", "User", "Organization", "Space", "Membership"];

function toView(event: AuditEventRecord, targetIds: string[]): AuditEvent {
  const view: AuditEvent = {
    id: encodeId("AuditEvent", event.id),
    occurred_at: rfc3339(event.occurred_at),
    action: event.action,
    target_ids: targetIds,
    details: JSON.parse(event.details) as Record<string, unknown>,
  };
  if (event.actor_user_id !== null) view.actor_user_id = encodeId("User", event.actor_user_id);
  if (event.actor_key_id !== null) view.actor_key_id = encodeId("ApiKey", event.actor_key_id);
  if (event.client_address !== null) view.client_address = event.client_address;
  if (event.request_id !== null) view.request_id = event.request_id;
  return view;
}

/** A target filter must be an id keyhouse could have written: 400 otherwise, like every other id. */
function checkTargetId(targetId: string): void {
  if (!TARGET_TYPES.some((type) => decodeId(type, targetId).ok)) {
    throw new ProblemError("INVALID_ID", { detail: 'query parameter "target_id" is not a valid id' });
  }
}

function actorOf(query: AuditListQuery): number | undefined {
  if (query.actor_user_id === undefined) return undefined;
  const decoded = decodeId("User", query.actor_user_id);
  if (!decoded.ok) throw new ProblemError("INVALID_ID", { detail: 'query parameter "actor_user_id" is not a user id' });
  return decoded.n;
}

/** GET /v2/audit-events: account admins only; newest first, keyset-paginated on (occurred_at, id). */
export async function listAudit(deps: FeatureDeps, actor: Actor, query: AuditListQuery): Promise<Page<AuditEvent>> {
  if (!isAccountAdmin(actor.caller.principal)) {
    throw new ProblemError("FORBIDDEN", { detail: "only account admins may read the audit trail" });
  }
  const actorUserId = actorOf(query);
  if (query.target_id !== undefined) checkTargetId(query.target_id);
  const since = query.since === undefined ? undefined : parseTimestamp(query.since, 'query parameter "since"');
  const until = query.until === undefined ? undefined : parseTimestamp(query.until, 'query parameter "until"');
  if (since !== undefined && until !== undefined && since > until) {
    throw new ProblemError("VALIDATION_FAILED", { detail: 'query parameter "since" must not be after "until"' });
  }
  const limit = query.limit ?? 50;
  const filters = { list: "audit-events", action: query.action, actor_user_id: actorUserId, target_id: query.target_id, since, until };
  const page = await readPage(
    deps.cursors,
    { cursor: query.cursor, limit, filters },
    (after) => listAuditEvents(deps.store.db, { action: query.action, actorUserId, targetId: query.target_id, since, until, after, limit }),
    (row) => row.occurred_at,
  );
  const targets = await targetsOf(
    deps.store.db,
    page.items.map((e) => e.id),
  );
  return { items: page.items.map((e) => toView(e, targets.get(e.id) ?? [])), nextCursor: page.nextCursor };
}
