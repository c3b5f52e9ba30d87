import type { RequestMeta } from "../../auth/actor.js";
import type { FeatureDeps } from "../../auth/deps.js";
import { hashKey, isWellFormedClaimToken } from "../../auth/key-format.js";
import { throttleGroup } from "../../auth/throttle.js";
import { encodeId } from "../../http/ids.js";
import { ProblemError } from "../../http/problem.js";
import { rfc3339 } from "../../http/time.js";
import { insertApiKey } from "../../store/queries/api-keys.js";
import { consumeClaimLink, findLiveClaimLink, revokeClaimLinks, type ClaimLinkRow } from "../../store/queries/claim-links.js";
import type { UserRow } from "../../store/queries/identity.js";
import { activateInvitedUser, findHumanUser, lockHumanUser } from "../../store/queries/users.js";
import type { Tx } from "../../store/store.js";
import { keyMaterial, newKeyRow, type IssuedKey } from "../apikeys/index.js";
import { auditTarget, recordAudit, type ClaimantActor } from "../audit/index.js";
import type { ClaimInspection } from "./schemas.js";

/**
 * One answer for every link that does not work (malformed, unknown, used,
 * replaced, expired, or of a deleted user), so a guesser learns nothing; each
 * costs the client address one failure of the authentication throttle
 * (SPEC §4), and past the budget it is 429 instead.
 */
async function refuseLink(deps: FeatureDeps, clientAddress: string): Promise<never> {
  const verdict = await deps.throttle.recordFailure(throttleGroup(clientAddress));
  if (verdict.blocked) {
    throw new ProblemError("TOO_MANY_REQUESTS", {
      detail: "too many failed attempts from this address; retry later",
      headers: { "retry-after": String(verdict.retryAfterSeconds) },
    });
  }
  throw new ProblemError("NOT_FOUND", {
    detail:
      "this link does not work: it was already used, replaced by a newer one, or has expired; ask an account admin of keyhouse for a new one",
  });
}

/** True when the link still applies to its user: an invitation to an invited user, a recovery link to an active one. */
function appliesTo(link: ClaimLinkRow, user: UserRow | undefined): user is UserRow {
  if (user === undefined) return false;
  return link.kind === "invitation" ? user.status === "invited" : user.status === "active";
}

/** POST /v2/claims/inspect: who a live link is for, which kind, until when. */
export async function inspectClaim(deps: FeatureDeps, token: string, clientAddress: string): Promise<ClaimInspection> {
  const now = deps.now();
  const link = isWellFormedClaimToken(token) ? await findLiveClaimLink(deps.store.db, hashKey(deps.secret, token), now) : undefined;
  const user = link && (await findHumanUser(deps.store.db, link.user_id));
  if (!link || !appliesTo(link, user)) return refuseLink(deps, clientAddress);
  return {
    kind: link.kind,
    expires_at: rfc3339(link.expires_at),
    user: { id: encodeId("User", user.id), name: user.name, email: user.email ?? "" },
  };
}

export interface RedeemInput {
  name: string;
  description: string | null;
}

/**
 * POST /v2/claims/redeem: in one transaction, the link is used up (a guarded
 * write: of two concurrent redemptions exactly one wins), an invited user
 * becomes active (and every other link of theirs dies), and a user key acting
 * as the user is created. The key is returned once; the audit trail records
 * `user.claimed` and `api_key.created`, acted by the user, never the token.
 */
export async function redeemClaim(deps: FeatureDeps, token: string, input: RedeemInput, meta: RequestMeta): Promise<IssuedKey> {
  if (!isWellFormedClaimToken(token)) return refuseLink(deps, meta.clientAddress);
  const now = deps.now();
  const tokenHash = hashKey(deps.secret, token);
  const material = keyMaterial(deps.random, deps.secret);
  const record = await deps.store.transaction(async (tx) => {
    // The user first, then the link (users are locked before anything else, as every writer does).
    const live = await findLiveClaimLink(tx, tokenHash, now);
    const user = live && (await lockHumanUser(tx, live.user_id));
    if (!live || !appliesTo(live, user)) return undefined;
    requireDeveloper(user);
    const link = await consumeClaimLink(tx, tokenHash, now);
    if (!link) return undefined;
    if (link.kind === "invitation") {
      await activateInvitedUser(tx, user.id, now);
      await revokeClaimLinks(tx, user.id, now);
    }
    const key = await insertApiKey(
      tx,
      newKeyRow(
        material,
        {
          keyType: "user",
          name: input.name,
          description: input.description,
          principalUserId: user.id,
          createdByUserId: user.id,
          spaceId: null,
          expiresAt: null,
        },
        now,
      ),
    );
    await recordClaim(tx, { claimantUserId: user.id, meta }, link, key.id, input.name, now);
    return key;
  });
  if (!record) return refuseLink(deps, meta.clientAddress);
  return { record, rawKey: material.rawKey };
}

/** The audit events of a redemption, acted by the user the link was for. */
async function recordClaim(tx: Tx, actor: ClaimantActor, link: ClaimLinkRow, keyId: number, name: string, at: number): Promise<void> {
  const userTarget = auditTarget("User", link.user_id);
  await recordAudit(tx, { actor, at, action: "user.claimed", targets: [userTarget], details: { kind: link.kind } });
  await recordAudit(tx, {
    actor,
    at,
    action: "api_key.created",
    targets: [auditTarget("ApiKey", keyId), userTarget],
    details: { key_type: "user", name, via: `${link.kind} link` },
  });
}

/** A user without developer access would hold a key every route refuses: 422, and the link stays unused. */
function requireDeveloper(user: UserRow): void {
  if (user.is_developer === 1 || user.role === "admin") return;
  throw new ProblemError("INVALID_STATE", {
    detail:
      "this link is for a user without developer access, so an API key would be refused; " +
      "ask an account admin to turn on developer access, then open the link again",
  });
}
