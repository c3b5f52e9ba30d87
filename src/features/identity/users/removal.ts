import type { KeyDeps } from "../../../auth/deps.js";
import { requireApiAccess } from "../../apikeys/service.js";
import { recordAudit, type Actor } from "../../audit/record.js";
import { encodeId } from "../../../http/ids.js";
import { ProblemError } from "../../../http/problem.js";
import { deleteKeysOfPrincipal } from "../../../store/queries/api-keys.js";
import { deleteMembershipsOfUser } from "../../../store/queries/memberships.js";
import { deactivateUser } from "../../../store/queries/users.js";
import { requireAccountAdmin, requireHumanUser } from "../../../auth/access.js";

/**
 * DELETE /v2/users/{id}: account admins only, never oneself. In one
 * transaction the user becomes inactive, loses every membership, and every user
 * key acting as the user is deleted, so those keys stop authenticating before
 * the response is sent. Service keys the user created act as their own bot
 * users and keep working. Deleting a deleted user succeeds again and records
 * nothing.
 *
 * Audit: one `user.deleted` event, plus one `api_key.deleted_by_user_removal`
 * event per key it deleted, so a key's history (target_id filter) and the key
 * events (action filter) both show the deletion.
 */
export async function removeUser(deps: KeyDeps, actor: Actor, id: number): Promise<void> {
  const principal = actor.caller.principal;
  requireApiAccess(principal);
  requireAccountAdmin(principal, "delete users");
  if (id === principal.userId) {
    throw new ProblemError("INVALID_STATE", { detail: "you cannot delete yourself; ask another account admin" });
  }
  await requireHumanUser(deps.store.db, id);
  const now = deps.now();
  const userWireId = encodeId("User", id);
  await deps.store.transaction(async (tx) => {
    if (!(await deactivateUser(tx, id, now))) return;
    const memberships = await deleteMembershipsOfUser(tx, id);
    const keyIds = await deleteKeysOfPrincipal(tx, id, now);
    const keyWireIds = keyIds.map((keyId) => encodeId("ApiKey", keyId));
    for (const keyWireId of keyWireIds) {
      await recordAudit(tx, actor, now, "api_key.deleted_by_user_removal", [keyWireId, userWireId], { key_type: "user" });
    }
    await recordAudit(tx, actor, now, "user.deleted", [userWireId], {
      removed_memberships: memberships.map((m) => ({
        scope: m.scope,
        id: m.scope === "organization" ? encodeId("Organization", m.scope_id) : encodeId("Space", m.scope_id),
        role: m.role,
      })),
      deleted_key_ids: keyWireIds,
    });
  });
}
