import type { Actor } from "../../auth/actor.js";
import { encodeId } from "../../http/ids.js";
import { ProblemError } from "../../http/problem.js";
import { claimKeyForRotation, findApiKey, insertApiKey, type ApiKeyRecord } from "../../store/queries/api-keys.js";
import { readUserStatusLocked } from "../../store/queries/users.js";
import type { FeatureDeps } from "../../auth/deps.js";
import { auditTarget, recordAudit } from "../audit/index.js";
import { keyMaterial, newKeyRow } from "./rows.js";
import { requireCallerKeyWorks, requireCallerUserActive, requireKeyAccess, type IssuedKey } from "./service.js";

export interface RefreshInput {
  expiresAt: number | null;
  gracePeriodSeconds: number;
}

/** Names a key the caller may act on, for a detail: its name and redacted form. */
function named(key: ApiKeyRecord): string {
  return `the API key "${key.name}" (${key.redacted_key})`;
}

function refuseRotation(key: ApiKeyRecord, now: number): ProblemError | undefined {
  if (key.status === "deleted") return new ProblemError("INVALID_STATE", { detail: `${named(key)} is deleted and cannot be refreshed` });
  if (key.rotated_at !== null) {
    return new ProblemError("INVALID_STATE", {
      detail: `${named(key)} has already been refreshed; refresh its successor, or delete it to end its grace period`,
    });
  }
  if (key.expires_at !== null && key.expires_at <= now) {
    return new ProblemError("INVALID_STATE", { detail: `${named(key)} has expired and cannot be refreshed; create a new key` });
  }
  return undefined;
}

/**
 * POST /v2/api-keys/{id}/refresh: in one transaction, claims the old key (the
 * guarded update lets exactly one concurrent refresh win) and issues its successor.
 */
export async function refreshKey(deps: FeatureDeps, actor: Actor, keyId: number, input: RefreshInput): Promise<IssuedKey> {
  const { caller } = actor;
  const key = await requireKeyAccess(deps, caller, keyId, "manage");
  const now = deps.now();
  const refused = refuseRotation(key, now);
  if (refused) throw refused;
  const graceEndsAt =
    input.gracePeriodSeconds === 0 ? null : Math.min(key.expires_at ?? Number.MAX_SAFE_INTEGER, now + input.gracePeriodSeconds * 1000);
  const material = keyMaterial(deps.random, deps.secret);
  const record = await deps.store.transaction(async (tx) => {
    // Users first (the order every writer locks in): the caller's, and the key's own,
    // so that deleting either waits for this rotation (and then deletes its
    // successor too) or this rotation sees the deletion.
    await requireCallerUserActive(tx, caller);
    if (key.principal_user_id !== caller.user.id && (await readUserStatusLocked(tx, key.principal_user_id)) === "inactive") {
      throw new ProblemError("INVALID_STATE", { detail: `${named(key)} belongs to a deleted user and cannot be refreshed` });
    }
    // Then keys, in id order (the caller's, the claimed one), so two keys rotating each other cannot deadlock.
    // A key refreshing itself is guarded by the claim alone.
    const ownKey = caller.keyId === key.id;
    if (!ownKey && caller.keyId < key.id) await requireCallerKeyWorks(tx, caller, now);
    if (!(await claimKeyForRotation(tx, key.id, now, graceEndsAt))) {
      const current = await findApiKey(tx, key.id);
      throw (
        (current && refuseRotation(current, now)) ?? new ProblemError("INVALID_STATE", { detail: `${named(key)} cannot be refreshed now` })
      );
    }
    if (!ownKey && caller.keyId > key.id) await requireCallerKeyWorks(tx, caller, now);
    const successor = await insertApiKey(
      tx,
      newKeyRow(
        material,
        {
          keyType: key.key_type,
          name: key.name,
          description: key.description,
          principalUserId: key.principal_user_id,
          createdByUserId: key.created_by_user_id,
          spaceId: key.space_id,
          expiresAt: input.expiresAt,
          rotatedFromId: key.id,
        },
        now,
      ),
    );
    await recordAudit(tx, {
      actor,
      at: now,
      action: "api_key.refreshed",
      targets: [auditTarget("ApiKey", key.id), auditTarget("ApiKey", successor.id)],
      details: {
        replaced_key_id: encodeId("ApiKey", key.id),
        new_key_id: encodeId("ApiKey", successor.id),
        grace_period_seconds: input.gracePeriodSeconds,
      },
    });
    return successor;
  });
  return { record, rawKey: material.rawKey };
}
