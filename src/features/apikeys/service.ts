import { requireApiAccess, visibleSpace } from "../../auth/access.js";
import type { Actor, Caller } from "../../auth/actor.js";
import { auditTarget, recordAudit } from "../audit/index.js";
import { accountRoleWithin, memberRoleWithin, type Principal } from "../../auth/permissions.js";
import { holds, isAccountAdmin, organizationRole, spaceResource, spaceRole } from "../../auth/engine.js";
import type { Permission } from "../../auth/catalog.js";
import { encodeId } from "../../http/ids.js";
import { ProblemError } from "../../http/problem.js";
import { findApiKey, insertApiKey, markKeyDeleted, readKeyStateLocked, type ApiKeyRecord } from "../../store/queries/api-keys.js";
import { findSpace, insertUser, upsertMembership, type SpaceRow } from "../../store/queries/identity.js";
import type { AccountRole, MemberRole } from "../../store/schema.js";
import type { Tx } from "../../store/store.js";
import { lockLive } from "../../store/queries/soft-delete.js";
import { readUserStatusLocked } from "../../store/queries/users.js";
import type { FeatureDeps } from "../../auth/deps.js";
import { keyMaterial, newKeyRow } from "./rows.js";

interface ServiceRoles {
  spaceRole: MemberRole;
  orgRole: MemberRole;
  accountRole: AccountRole;
}

export interface CreateKeyInput {
  name: string;
  description: string | null;
  expiresAt: number | null;
  keyType: "user" | "service";
  spaceId: number | null;
  /** The organization the request names for the space (2026-07 body); null: the space's own. */
  organizationId: number | null;
  roles: ServiceRoles;
  /** How the request named each role, for the 400 that refuses one (`roles.space_role`, `organizations[0].spaces[0].role`). */
  roleNames: { space: string; org: string; account: string };
}

/** The bot user a service key acts as, and the roles it was given. */
export interface BotUser {
  id: number;
  name: string;
  organizationId: number;
  spaceId: number;
  roles: ServiceRoles;
}

export interface IssuedKey {
  record: ApiKeyRecord;
  /** The raw key: returned to the client once, never stored or logged. */
  rawKey: string;
  /** A service key's bot user (absent for user keys). */
  bot?: BotUser;
}

/** Checks the requested service-key roles against the caller's own (SPEC §6). */
function checkRolesWithin(principal: Principal, space: SpaceRow, input: CreateKeyInput): void {
  const { roles, roleNames } = input;
  const held = spaceRole(principal, space);
  if (!memberRoleWithin(roles.spaceRole, held)) {
    throw new ProblemError("VALIDATION_FAILED", {
      detail: `${roleNames.space} "${roles.spaceRole}" is above your own role in the space "${space.name}" (${held ?? "none"})`,
    });
  }
  const heldOrg = organizationRole(principal, space.organization_id);
  if (!memberRoleWithin(roles.orgRole, heldOrg)) {
    throw new ProblemError("VALIDATION_FAILED", {
      detail: `${roleNames.org} "${roles.orgRole}" is above your own role in the space's organization (${heldOrg ?? "none"})`,
    });
  }
  if (!accountRoleWithin(roles.accountRole, principal.accountRole)) {
    throw new ProblemError("VALIDATION_FAILED", {
      detail: `${roleNames.account} "${roles.accountRole}" is above your own account role (${principal.accountRole})`,
    });
  }
}

/**
 * Re-checks, inside a transaction that issues a key, that the caller may still
 * act: their user is not deleted and the key they authenticated with still
 * works. Without it a request authenticated a moment before its key or user was
 * revoked mints a key after the revocation, one that outlives it. The rows are
 * read so that the answer holds at commit (locked for share: the
 * revocation waits for this transaction, or this one sees it). Every writer
 * locks users before keys, so the user half must come before any key lock.
 */
async function requireCallerStillValid(tx: Tx, caller: Caller, now: number): Promise<void> {
  await requireCallerUserActive(tx, caller);
  await requireCallerKeyWorks(tx, caller, now);
}

const revoked = () => new ProblemError("UNAUTHENTICATED", { detail: "a valid API key is required: send Authorization: Bearer <key>" });

/** The user half of requireCallerStillValid. */
export async function requireCallerUserActive(tx: Tx, caller: Caller): Promise<void> {
  const status = await readUserStatusLocked(tx, caller.user.id);
  if (status === undefined || status === "inactive") throw revoked();
}

/** The key half of requireCallerStillValid. */
export async function requireCallerKeyWorks(tx: Tx, caller: Caller, now: number): Promise<void> {
  const key = await readKeyStateLocked(tx, caller.keyId);
  if (key === undefined || key.status !== "active" || (key.expires_at !== null && key.expires_at <= now)) throw revoked();
}

/** POST /v2/api-keys: creates a user key for the caller, or a service key in a space. */
export async function createKey(deps: FeatureDeps, actor: Actor, input: CreateKeyInput): Promise<IssuedKey> {
  const { caller } = actor;
  requireApiAccess(caller.principal);
  if (input.keyType === "user") {
    if (caller.keyType === "service") {
      throw new ProblemError("FORBIDDEN", { detail: "a service key cannot create user keys" });
    }
    return issueUserKey(deps, actor, caller.user.id, input, "api_key.created");
  }
  if (input.spaceId === null) throw new ProblemError("VALIDATION_FAILED", { detail: "space_id is required for service keys" });
  // A space the caller may not see is 404 like a missing one; one it sees but may not create keys in is 403.
  const space = await visibleSpace(deps.store.db, caller.principal, input.spaceId);
  if (!holds(caller.principal, "SERVICE_KEY_CREATE", spaceResource(space))) {
    throw new ProblemError("FORBIDDEN", { detail: "you may not create service keys in this space" });
  }
  if (input.organizationId !== null && input.organizationId !== space.organization_id) {
    throw new ProblemError("VALIDATION_FAILED", {
      detail: `the space "${space.name}" is not in organization ${encodeId("Organization", input.organizationId)}`,
    });
  }
  checkRolesWithin(caller.principal, space, input);
  const now = deps.now();
  const material = keyMaterial(deps.random, deps.secret);
  let bot: BotUser | undefined;
  const record = await deps.store.transaction(async (tx) => {
    await requireCallerStillValid(tx, caller, now);
    // The space must still exist when this commits: a concurrent deletion waits or wins.
    if (!(await lockLive(tx, "spaces", space.id))) {
      throw new ProblemError("NOT_FOUND", { detail: `the space "${space.name}" was deleted meanwhile; no key was issued` });
    }
    const botRow = await insertUser(tx, {
      account_id: caller.user.account_id,
      kind: "bot",
      name: `service key: ${input.name}`,
      email: null,
      role: input.roles.accountRole,
      is_developer: 1,
      status: "active",
      created_at: now,
      updated_at: now,
    });
    bot = { id: botRow.id, name: botRow.name, organizationId: space.organization_id, spaceId: space.id, roles: input.roles };
    const membership = { user_id: botRow.id, organization_id: space.organization_id, created_at: now };
    await upsertMembership(tx, { ...membership, scope: "organization", scope_id: space.organization_id, role: input.roles.orgRole });
    await upsertMembership(tx, { ...membership, scope: "space", scope_id: space.id, role: input.roles.spaceRole });
    const key = await insertApiKey(
      tx,
      newKeyRow(
        material,
        {
          keyType: "service",
          name: input.name,
          description: input.description,
          principalUserId: botRow.id,
          createdByUserId: caller.user.id,
          spaceId: space.id,
          expiresAt: input.expiresAt,
        },
        now,
      ),
    );
    await recordAudit(tx, {
      actor,
      at: now,
      action: "api_key.created",
      targets: [auditTarget("ApiKey", key.id), auditTarget("Space", space.id)],
      details: {
        key_type: "service",
        name: input.name,
        roles: { space_role: input.roles.spaceRole, org_role: input.roles.orgRole, account_role: input.roles.accountRole },
      },
    });
    return key;
  });
  return { record, rawKey: material.rawKey, bot };
}

/** Issues a user key acting as `ownerUserId`; used by create and by admins issuing a first key. */
export async function issueUserKey(
  deps: FeatureDeps,
  actor: Actor,
  ownerUserId: number,
  input: Pick<CreateKeyInput, "name" | "description" | "expiresAt">,
  action: "api_key.created" | "api_key.issued",
): Promise<IssuedKey> {
  const { caller } = actor;
  const now = deps.now();
  const material = keyMaterial(deps.random, deps.secret);
  const record = await deps.store.transaction(async (tx) => {
    await requireCallerUserActive(tx, caller);
    // The owner must still be a user when this commits: a key for a deleted user would never work.
    const status = await readUserStatusLocked(tx, ownerUserId);
    if (status === undefined || status === "inactive") {
      throw new ProblemError("INVALID_STATE", { detail: "the user this key would act as has been deleted; no key was issued" });
    }
    await requireCallerKeyWorks(tx, caller, now);
    const key = await insertApiKey(
      tx,
      newKeyRow(
        material,
        {
          keyType: "user",
          name: input.name,
          description: input.description,
          principalUserId: ownerUserId,
          createdByUserId: ownerUserId,
          spaceId: null,
          expiresAt: input.expiresAt,
        },
        now,
      ),
    );
    await recordAudit(tx, {
      actor,
      at: now,
      action,
      targets: [auditTarget("ApiKey", key.id), auditTarget("User", ownerUserId)],
      details: { key_type: "user", name: input.name },
    });
    return key;
  });
  return { record, rawKey: material.rawKey };
}

export type KeyAccess = "read" | "manage";

/**
 * A key by id for reading, from the cache of key records when it holds it. The
 * returned record may be shared with the cache: never modify it. Changes go
 * through findApiKey, which always asks the store.
 */
function readKey(deps: FeatureDeps, keyId: number): Promise<ApiKeyRecord | undefined> {
  return deps.keyCache.read(keyId, deps.now(), () => findApiKey(deps.store.db, keyId));
}

/**
 * Loads a key the caller may act on. A key the caller may not even read answers
 * 404 like a missing one; a readable key the caller may not manage answers 403.
 */
export async function requireKeyAccess(deps: FeatureDeps, caller: Caller, keyId: number, access: KeyAccess): Promise<ApiKeyRecord> {
  requireApiAccess(caller.principal);
  const key = access === "read" ? await readKey(deps, keyId) : await findApiKey(deps.store.db, keyId);
  // Built only when thrown: an Error captures a stack trace, which the hot path
  // (a caller reading its own key) should not pay for.
  const missing = () => new ProblemError("NOT_FOUND", { detail: `API key ${encodeId("ApiKey", keyId)} does not exist` });
  if (!key) throw missing();
  const principal = caller.principal;
  if (key.key_type === "user") {
    if (key.created_by_user_id !== principal.userId && !isAccountAdmin(principal)) throw missing();
    return key;
  }
  const space = key.space_id === null ? undefined : await findSpace(deps.store.db, key.space_id);
  // A service key whose space is gone: account admins only (they hold everything everywhere).
  const may = (permission: Permission) => (space ? holds(principal, permission, spaceResource(space)) : isAccountAdmin(principal));
  if (!may("SERVICE_KEY_READ")) throw missing();
  if (access === "read") return key;
  const own = key.created_by_user_id === principal.userId;
  // SPEC §8: SERVICE_KEY_DELETE manages any key of the space; who may create keys there manages their own.
  if (may("SERVICE_KEY_DELETE") || (own && may("SERVICE_KEY_CREATE"))) return key;
  throw new ProblemError("FORBIDDEN", {
    detail: own ? "your role in this space may not manage service keys" : "only space admins may manage service keys created by others",
  });
}

/** DELETE /v2/api-keys/{id}: soft delete; deleting a deleted key succeeds again. */
export async function deleteKey(deps: FeatureDeps, actor: Actor, keyId: number): Promise<void> {
  const key = await requireKeyAccess(deps, actor.caller, keyId, "manage");
  if (key.status === "deleted") return;
  const now = deps.now();
  await deps.store.transaction(async (tx) => {
    if (await markKeyDeleted(tx, key.id, now)) {
      await recordAudit(tx, {
        actor,
        at: now,
        action: "api_key.deleted",
        targets: [auditTarget("ApiKey", key.id)],
        details: { key_type: key.key_type },
      });
    }
  });
}
