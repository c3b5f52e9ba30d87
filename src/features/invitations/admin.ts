import { requireAccountAdmin, requireApiAccess, requireHumanUser, userNotFound } from "../../auth/access.js";
import type { Actor } from "../../auth/actor.js";
import type { FeatureDeps } from "../../auth/deps.js";
import { ProblemError } from "../../http/problem.js";
import { rfc3339 } from "../../http/time.js";
import type { UserRow } from "../../store/queries/identity.js";
import { lockHumanUser } from "../../store/queries/users.js";
import type { ClaimKind } from "../../store/schema.js";
import { auditTarget, recordAudit, type AuditAction } from "../audit/index.js";
import { issueClaimLink, type IssuedLink } from "./links.js";

/** A link and the user it was issued for, as they were when it committed. */
export interface LinkForUser {
  user: UserRow;
  link: IssuedLink;
}

/** The wire status of a stored status (invited splits by invite_expires_at): for details worded for people. */
function statusWord(user: UserRow, now: number): string {
  if (user.status !== "invited") return user.status;
  return user.invite_expires_at !== null && user.invite_expires_at > now ? "invited" : "expired";
}

/** Which kind of link the operation issues for this user, or the 422 that says why none applies. */
type KindFor = (user: UserRow, now: number) => ClaimKind;

const invitationOnly: KindFor = (user, now) => {
  if (user.status === "invited") return "invitation";
  throw new ProblemError("INVALID_STATE", {
    detail:
      `this user is ${statusWord(user, now)}: resend-invitation is for invited or expired users; ` +
      "to give an active user who lost their keys a way back in, use reset-password",
  });
};

const recoveryOnly: KindFor = (user, now) => {
  if (user.status === "active") return "recovery";
  throw new ProblemError("INVALID_STATE", {
    detail:
      `this user is ${statusWord(user, now)} and has not accepted their invitation yet: ` +
      "reset-password is for active users; use resend-invitation instead",
  });
};

/** The link an admin fetches: a fresh invitation for invited or expired users, a recovery link for active ones. */
const eitherKind: KindFor = (user) => (user.status === "invited" ? "invitation" : "recovery");

/**
 * Issues a link for a user in one transaction with its audit event: account
 * admins only; the user is locked so its status holds at commit (a concurrent
 * deletion or claim waits or wins).
 */
async function issueFor(deps: FeatureDeps, actor: Actor, userId: number, kindFor: KindFor, action: AuditAction): Promise<LinkForUser> {
  const principal = actor.caller.principal;
  requireApiAccess(principal);
  requireAccountAdmin(principal, "send invitation or recovery links");
  await requireHumanUser(deps.store.db, userId);
  const now = deps.now();
  return deps.store.transaction(async (tx) => {
    const user = await lockHumanUser(tx, userId);
    if (!user || user.status === "inactive") throw userNotFound(userId);
    const link = await issueClaimLink(tx, deps, userId, kindFor(user, now), now);
    await recordAudit(tx, {
      actor,
      at: now,
      action,
      targets: [auditTarget("User", userId)],
      details: { kind: link.kind, expires_at: rfc3339(link.expiresAt) },
    });
    return { user, link };
  });
}

/** POST /v2/users/{id}/resend-invitation: a new invitation (7 fresh days); the old link dies. */
export function resendInvitation(deps: FeatureDeps, actor: Actor, userId: number): Promise<LinkForUser> {
  return issueFor(deps, actor, userId, invitationOnly, "user.invitation_resent");
}

/** POST /v2/users/{id}/reset-password: a recovery link that mints a new user key; existing keys are left alone. */
export function issueRecovery(deps: FeatureDeps, actor: Actor, userId: number): Promise<LinkForUser> {
  return issueFor(deps, actor, userId, recoveryOnly, "user.recovery_issued");
}

/**
 * POST /v2/users/{id}/claim-link (extension): the link itself, for an admin to
 * hand over. Not with a service key: the link mints a user key, which a
 * service key may not do (SPEC §6).
 */
export function freshClaimLink(deps: FeatureDeps, actor: Actor, userId: number): Promise<LinkForUser> {
  if (actor.caller.keyType === "service") {
    throw new ProblemError("FORBIDDEN", { detail: "a service key cannot fetch claim links: they mint user keys" });
  }
  return issueFor(deps, actor, userId, eitherKind, "user.claim_link_issued");
}
