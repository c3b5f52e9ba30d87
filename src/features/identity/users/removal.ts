import type { FeatureDeps } from "../../../auth/deps.js";
import type { Actor } from "../../../auth/actor.js";
import { auditTarget, recordAudit } from "../../audit/index.js";
import { encodeId } from "../../../http/ids.js";
import { ProblemError } from "../../../http/problem.js";
import { deleteKeysOfPrincipal } from "../../../store/queries/api-keys.js";
import { deleteMembershipsOfUser } from "../../../store/queries/memberships.js";
import { deleteBindingsWhere } from "../../../store/queries/role-bindings.js";
import { deactivateUser, lockHumanUser } from "../../../store/queries/users.js";
import { lockAdminSet, refuseLastAdmin } from "./last-admin.js";
import { requirePermission, requireHumanUser, requireApiAccess, userNotFound } from "../../../auth/access.js";
import { ACCOUNT } from "../../../auth/engine.js";
import { revokeClaimLinks } from "../../../store/queries/claim-links.js";

/**
 * DELETE /v2/users/{id}: account admins only, never oneself. In one
 * transaction the user becomes inactive, loses every membership and role
 * binding, and every user
 * key acting as the user is deleted, so those keys stop authenticating before
 * the response is sent. Service keys the user created act as their own bot
 * users and keep working. The user's live claim links die. A deleted user is
 * gone from the API: deleting again is 404 (docs/identity.md).
 *
 * Audit: one `user.deleted` event, plus one `api_key.deleted_by_user_removal`
 * event per key it deleted, so a key's history (target_id filter) and the key
 * events (action filter) both show the deletion.
 */
export async function removeUser(deps: FeatureDeps, actor: Actor, id: number): Promise<void> {
  const principal = actor.caller.principal;
  requireApiAccess(principal);
  requirePermission(principal, "USER_DELETE", ACCOUNT, "delete users");
  if (id === principal.userId) {
    throw new ProblemError("INVALID_STATE", { detail: "you cannot delete yourself; ask another account admin" });
  }
  await requireHumanUser(deps.store.db, id);
  const now = deps.now();
  await deps.store.transaction(async (tx) => {
    // The admin set first, then the user (the lock order of last-admin.ts).
    const admins = await lockAdminSet(tx);
    const current = await lockHumanUser(tx, id);
    if (current) refuseLastAdmin(admins, current, "delete");
    // A concurrent deletion committed first: this one finds no user.
    if (!(await deactivateUser(tx, id, now))) throw userNotFound(id);
    await revokeClaimLinks(tx, id, now);
    const memberships = await deleteMembershipsOfUser(tx, id);
    const bindings = await deleteBindingsWhere(tx, { userId: id });
    const keyIds = await deleteKeysOfPrincipal(tx, id, now);
    const user = auditTarget("User", id);
    for (const keyId of keyIds) {
      await recordAudit(tx, {
        actor,
        at: now,
        action: "api_key.deleted_by_user_removal",
        targets: [auditTarget("ApiKey", keyId), user],
        details: { key_type: "user" },
      });
    }
    await recordAudit(tx, {
      actor,
      at: now,
      action: "user.deleted",
      targets: [user],
      details: {
        removed_memberships: memberships.map((m) => ({
          scope: m.scope,
          id: m.scope === "organization" ? encodeId("Organization", m.scope_id) : encodeId("Space", m.scope_id),
          role: m.role,
        })),
        deleted_key_ids: keyIds.map((keyId) => encodeId("ApiKey", keyId)),
        removed_role_binding_ids: bindings.map((binding) => encodeId("RoleBinding", binding.id)),
      },
    });
  });
}
