import type { Caller } from "../../auth/authenticate.js";
import type { RequestMeta } from "../../auth/deps.js";
import { appendAuditEvent } from "../../store/queries/audit.js";
import type { Db } from "../../store/store.js";

/** Who made a change and from where: the authenticated caller and the request. */
export interface Actor {
  caller: Caller;
  meta: RequestMeta;
}

/**
 * Appends the audit event of a change (docs/audit.md). Call it inside the
 * transaction of the change, so the event exists exactly when the change does.
 */
export async function recordAudit(
  tx: Db,
  actor: Actor,
  occurredAt: number,
  action: string,
  targetIds: string[],
  details: Record<string, unknown>,
): Promise<void> {
  await appendAuditEvent(tx, {
    occurredAt,
    action,
    actorUserId: actor.caller.user.id,
    actorKeyId: actor.caller.keyId,
    clientAddress: actor.meta.clientAddress,
    requestId: actor.meta.requestId,
    targetIds,
    details,
  });
}
