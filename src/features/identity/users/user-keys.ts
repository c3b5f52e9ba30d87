import type { FeatureDeps } from "../../../auth/deps.js";
import type { Actor } from "../../../auth/actor.js";
import { issueUserKey, type CreateKeyInput, type IssuedKey } from "../../apikeys/index.js";
import { ProblemError } from "../../../http/problem.js";
import { requireAccountAdmin, requireApiAccess, requireHumanUser } from "../../../auth/access.js";

/**
 * POST /v2/users/{id}/api-keys (SPEC §7 extension): an account admin issues a
 * user key that acts as that user, which is how a new user gets a first key.
 * Recorded as `api_key.issued`, in the transaction that creates the key.
 */
export async function issueKeyForUser(
  deps: FeatureDeps,
  actor: Actor,
  userId: number,
  input: Pick<CreateKeyInput, "name" | "description" | "expiresAt">,
): Promise<IssuedKey> {
  const { principal, keyType } = actor.caller;
  requireApiAccess(principal);
  if (keyType === "service") throw new ProblemError("FORBIDDEN", { detail: "a service key cannot create user keys" });
  requireAccountAdmin(principal, "issue keys for other users");
  const user = await requireHumanUser(deps.store.db, userId);
  if (user.is_developer !== 1 && user.role !== "admin") {
    throw new ProblemError("INVALID_STATE", {
      detail: "this user does not have developer access, so a key would be refused; set is_developer first",
    });
  }
  return issueUserKey(deps, actor, userId, input, "api_key.issued");
}
