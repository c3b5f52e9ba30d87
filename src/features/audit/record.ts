import type { Actor } from "../../auth/actor.js";
import { encodeId, type IdType } from "../../http/ids.js";
import { appendAuditEvent } from "../../store/queries/audit.js";
import type { Db } from "../../store/store.js";

/** The actions the audit trail records (docs/audit.md). */
export type AuditAction =
  | "keyhouse.initialized"
  | "api_key.created"
  | "api_key.issued"
  | "api_key.refreshed"
  | "api_key.deleted"
  | "api_key.deleted_by_user_removal"
  | "user.created"
  | "user.updated"
  | "user.deleted"
  | "organization.created"
  | "organization.updated"
  | "organization.deleted"
  | "space.created"
  | "space.updated"
  | "space.deleted"
  | "membership.upserted"
  | "membership.removed";

/** Something a change touched: stored as its wire id, so the trail can be filtered by it. */
export interface AuditTarget {
  type: IdType;
  id: number;
}

export function auditTarget(type: IdType, id: number): AuditTarget {
  return { type, id };
}

/** One audit event: who, what, on which targets, and the details of the change. */
export interface AuditEntry {
  /** The request's actor; null for keyhouse itself (`keyhouse init`). */
  actor: Actor | null;
  at: number;
  action: AuditAction;
  targets: AuditTarget[];
  details: Record<string, unknown>;
}

/**
 * Appends the audit event of a change (docs/audit.md). The one entry point of
 * the audit trail: call it inside the transaction of the change, so the event
 * exists exactly when the change does.
 */
export async function recordAudit(tx: Db, entry: AuditEntry): Promise<void> {
  await appendAuditEvent(tx, {
    occurredAt: entry.at,
    action: entry.action,
    actorUserId: entry.actor?.caller.user.id ?? null,
    actorKeyId: entry.actor?.caller.keyId ?? null,
    clientAddress: entry.actor?.meta.clientAddress ?? null,
    requestId: entry.actor?.meta.requestId ?? null,
    targetIds: entry.targets.map((t) => encodeId(t.type, t.id)),
    details: entry.details,
  });
}
