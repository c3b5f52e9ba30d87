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
import { spaceIdsOfMember } from "../../store/queries/memberships.js";
import { readUserStatusLocked } from "../../store/queries/users.js";
import type { FeatureDeps } from "../../auth/deps.js";
import { keyMaterial, newKeyRow } from "./rows.js";

/** A role the request asks for, and where it asked (`roles.space_role`, `organizations[0].spaces[1].role`) for the 400 that refuses it. */
interface Asked<R> {
  role: R;
  asked: string;
}

/** An organization a service key's bot user is granted, with its role there and its spaces. */
interface ServiceGrant {
  /** The organization the request names; null: the space's own (2026-06 body, one space). */
  organizationId: number | null;
  orgRole: Asked<MemberRole>;
  spaces: { spaceId: number; role: Asked<MemberRole> }[];
}

export interface CreateKeyInput {
  name: string;
  description: string | null;
  expiresAt: number | null;
  keyType: "user" | "service";
  /** Service keys: 1..100 organizations of 1..100 spaces each (SPEC §11); empty for user keys. */
  grants: ServiceGrant[];
  accountRole: Asked<AccountRole>;
}

/** The bot user a service key acts as, and the roles it was given. */
export interface BotUser {
  id: number;
  name: string;
  accountRole: AccountRole;
  organizations: { organizationId: number; role: MemberRole; spaces: { spaceId: number; role: MemberRole }[] }[];
}

export interface IssuedKey {
  record: ApiKeyRecord;
  /** The raw key: returned to the client once, never stored or logged. */
  rawKey: string;
  /** A service key's bot user (absent for user keys). */
  bot?: BotUser;
}

const above = (asked: Asked<string>, where: string, held: string | undefined) =>
  new ProblemError("VALIDATION_FAILED", {
    detail: `${asked.asked} "${asked.role}" is above your own role in ${where} (${held ?? "none"})`,
  });

/**
 * The spaces of a service key, each checked for the caller (SPEC §6, §11): a
 * space it may not see is 404, one it may not create keys in 403, one outside
 * the organization named 400, and every role at or below the caller's own
 * there, else a 400 naming the first that is not.
 */
async function checkGrants(
  deps: FeatureDeps,
  principal: Principal,
  input: CreateKeyInput,
): Promise<BotUser["organizations"] & { spaces: { row: SpaceRow }[] }[]> {
  if (!accountRoleWithin(input.accountRole.role, principal.accountRole))
    throw above(input.accountRole, "the account", principal.accountRole);
  const checked = [];
  for (const grant of input.grants) {
    const spaces = [];
    let organizationId = grant.organizationId;
    for (const wanted of grant.spaces) {
      // A space the caller may not see is 404 like a missing one; one it sees but may not create keys in is 403.
      const space = await visibleSpace(deps.store.db, principal, wanted.spaceId);
      if (!holds(principal, "SERVICE_KEY_CREATE", spaceResource(space))) {
        throw new ProblemError("FORBIDDEN", { detail: `you may not create service keys in the space "${space.name}"` });
      }
      organizationId ??= space.organization_id;
      if (space.organization_id !== organizationId) {
        throw new ProblemError("VALIDATION_FAILED", {
          detail: `the space "${space.name}" is not in organization ${encodeId("Organization", organizationId)}`,
        });
      }
      const heldOrg = organizationRole(principal, organizationId);
      if (!memberRoleWithin(grant.orgRole.role, heldOrg)) throw above(grant.orgRole, "the space's organization", heldOrg);
      const held = spaceRole(principal, space);
      if (!memberRoleWithin(wanted.role.role, held)) throw above(wanted.role, `the space "${space.name}"`, held);
      spaces.push({ spaceId: space.id, role: wanted.role.role, row: space });
    }
    if (organizationId === null) throw new ProblemError("VALIDATION_FAILED", { detail: "a service key needs at least one space" });
    checked.push({ organizationId, role: grant.orgRole.role, spaces });
  }
  return checked;
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
  const grants = await checkGrants(deps, caller.principal, input);
  const [first] = grants;
  const primary = first?.spaces[0]?.row;
  if (first === undefined || primary === undefined)
    throw new ProblemError("VALIDATION_FAILED", { detail: "a service key needs at least one space" });
  const now = deps.now();
  const material = keyMaterial(deps.random, deps.secret);
  let bot: BotUser | undefined;
  const record = await deps.store.transaction(async (tx) => {
    await requireCallerStillValid(tx, caller, now);
    // The spaces must still exist when this commits: a concurrent deletion waits or wins.
    for (const grant of grants) {
      for (const { row } of grant.spaces) {
        if (!(await lockLive(tx, "spaces", row.id))) {
          throw new ProblemError("NOT_FOUND", { detail: `the space "${row.name}" was deleted meanwhile; no key was issued` });
        }
      }
    }
    const botRow = await insertUser(tx, {
      account_id: caller.user.account_id,
      kind: "bot",
      name: `service key: ${input.name}`,
      email: null,
      role: input.accountRole.role,
      is_developer: 1,
      status: "active",
      created_at: now,
      updated_at: now,
    });
    for (const grant of grants) {
      const membership = { user_id: botRow.id, organization_id: grant.organizationId, created_at: now };
      await upsertMembership(tx, { ...membership, scope: "organization", scope_id: grant.organizationId, role: grant.role });
      for (const space of grant.spaces)
        await upsertMembership(tx, { ...membership, scope: "space", scope_id: space.spaceId, role: space.role });
    }
    bot = {
      id: botRow.id,
      name: botRow.name,
      accountRole: input.accountRole.role,
      organizations: grants.map((g) => ({
        organizationId: g.organizationId,
        role: g.role,
        spaces: g.spaces.map(({ spaceId, role }) => ({ spaceId, role })),
      })),
    };
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
          // Its first space; the others are its bot user's memberships (listed there too).
          spaceId: primary.id,
          expiresAt: input.expiresAt,
        },
        now,
      ),
    );
    const spaceIds = grants.flatMap((g) => g.spaces.map((sp) => sp.spaceId));
    await recordAudit(tx, {
      actor,
      at: now,
      action: "api_key.created",
      targets: [auditTarget("ApiKey", key.id), ...spaceIds.map((id) => auditTarget("Space", id))],
      details: {
        key_type: "service",
        name: input.name,
        roles: { space_role: first.spaces[0]?.role, org_role: first.role, account_role: input.accountRole.role },
        ...(spaceIds.length > 1
          ? {
              grants: grants.map((g) => ({
                organization: g.organizationId,
                role: g.role,
                spaces: g.spaces.map((sp) => ({ space: sp.spaceId, role: sp.role })),
              })),
            }
          : {}),
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
  const mayInOwn = (permission: Permission) => (space ? holds(principal, permission, spaceResource(space)) : isAccountAdmin(principal));
  // A key granted several spaces (2026-07, SPEC §11) is as much in each of them: it is listed in
  // each, and read and managed there by whoever may do so in any of them. Its other spaces are
  // its bot user's memberships, looked up only when its own space does not already answer.
  let others: SpaceRow[] | undefined;
  const otherSpaces = async () => (others ??= await spacesOfBot(deps, key.principal_user_id, key.space_id));
  const may = async (permission: Permission) =>
    mayInOwn(permission) || (await otherSpaces()).some((s) => holds(principal, permission, spaceResource(s)));
  if (!(await may("SERVICE_KEY_READ"))) throw missing();
  if (access === "read") return key;
  const own = key.created_by_user_id === principal.userId;
  // SPEC §8: SERVICE_KEY_DELETE manages any key of the space; who may create keys there manages their own.
  if ((await may("SERVICE_KEY_DELETE")) || (own && (await may("SERVICE_KEY_CREATE")))) return key;
  throw new ProblemError("FORBIDDEN", {
    detail: own ? "your role in this space may not manage service keys" : "only space admins may manage service keys created by others",
  });
}

/** The live spaces of a service key's bot user other than the key's own. */
async function spacesOfBot(deps: FeatureDeps, botUserId: number, ownSpaceId: number | null): Promise<SpaceRow[]> {
  const ids = (await spaceIdsOfMember(deps.store.db, botUserId)).filter((id) => id !== ownSpaceId);
  const spaces = await Promise.all(ids.map((id) => findSpace(deps.store.db, id)));
  return spaces.filter((s): s is SpaceRow => s !== undefined);
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
