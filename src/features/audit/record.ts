import type { Actor, RequestMeta } from "../../auth/actor.js";
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
  | "membership.removed"
  | "user.invitation_issued"
  | "user.invitation_resent"
  | "user.recovery_issued"
  | "user.claim_link_issued"
  | "user.claim_link_mail_failed"
  | "user.claimed"
  | "project.created"
  | "project.updated"
  | "project.deleted"
  | "role.created"
  | "role.updated"
  | "role.deleted"
  | "role_binding.created"
  | "role_binding.updated"
  | "role_binding.deleted"
  | "resource_restriction.created"
  | "resource_restriction.deleted";

/** Something a change touched: stored as its wire id, so the trail can be filtered by it. */
export interface AuditTarget {
  type: IdType;
  id: number;
}

export function auditTarget(type: IdType, id: number): AuditTarget {
  return { type, id };
}

/**
 * Someone acting without an API key: a person redeeming a claim link, whose
 * token proved who they are (docs/invitations.md).
 */
export interface ClaimantActor {
  claimantUserId: number;
  meta: RequestMeta;
}

/** One audit event: who, what, on which targets, and the details of the change. */
export interface AuditEntry {
  /** The request's actor; a claimant for claim links; null for keyhouse itself (`keyhouse init`). */
  actor: Actor | ClaimantActor | null;
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
  const actor = entry.actor;
  await appendAuditEvent(tx, {
    occurredAt: entry.at,
    action: entry.action,
    actorUserId: actor === null ? null : "caller" in actor ? actor.caller.user.id : actor.claimantUserId,
    actorKeyId: actor !== null && "caller" in actor ? actor.caller.keyId : null,
    clientAddress: actor?.meta.clientAddress ?? null,
    requestId: actor?.meta.requestId ?? null,
    targetIds: entry.targets.map((t) => encodeId(t.type, t.id)),
    details: entry.details,
  });
}
