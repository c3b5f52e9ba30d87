import type { FeatureDeps } from "../../../auth/deps.js";
import type { Actor } from "../../../auth/actor.js";
import { auditTarget, recordAudit, type AuditTarget } from "../../audit/index.js";
import { encodeId } from "../../../http/ids.js";
import { readPage, type Page } from "../../../store/page.js";
import { ProblemError } from "../../../http/problem.js";
import { findOrganization, upsertMembership, type MembershipRow } from "../../../store/queries/identity.js";
import {
  deleteMembership,
  deleteSpaceMembershipsIn,
  findMembership,
  listMemberships,
  lockMembership,
} from "../../../store/queries/memberships.js";
import { deleteBindingsWhere } from "../../../store/queries/role-bindings.js";
import { lockLive } from "../../../store/queries/soft-delete.js";
import { findHumanUser, lockHumanUser } from "../../../store/queries/users.js";
import type { MemberRole, MembershipScope } from "../../../store/schema.js";
import type { Db } from "../../../store/store.js";
import { organizationResource, spaceResource } from "../../../auth/engine.js";
import {
  organizationNotFound,
  requireAdministeredUser,
  requirePermission,
  spaceNotFound,
  userNotFound,
  visibleOrganization,
  visibleSpace,
  visibleUser,
  requireApiAccess,
} from "../../../auth/access.js";
import { annotatorConflict } from "../common/index.js";

/** An organization or a space, resolved and checked for the caller (who may see it, so details may name it). */
interface Scope {
  scope: MembershipScope;
  id: number;
  /** The organization's or space's name. */
  name: string;
  organizationId: number;
  /** The name of the organization (for a space: of its organization). */
  organizationName: string;
  target: AuditTarget;
}

/**
 * Resolves the organization or space of a membership route. Seeing it is
 * enough to list its members; changing them takes an admin of it (for a space:
 * its admins, and the admins of its organization).
 */
async function resolveScope(deps: FeatureDeps, actor: Actor, scope: MembershipScope, id: number, manage: boolean): Promise<Scope> {
  const principal = actor.caller.principal;
  requireApiAccess(principal);
  const db = deps.store.db;
  if (scope === "organization") {
    const organization = await visibleOrganization(db, principal, id);
    if (manage) requirePermission(principal, "USER_PERMISSION_UPDATE", organizationResource(id), "manage its members");
    const names = { name: organization.name, organizationName: organization.name };
    return { scope, id, ...names, organizationId: organization.id, target: auditTarget("Organization", id) };
  }
  const space = await visibleSpace(db, principal, id);
  if (manage) requirePermission(principal, "USER_PERMISSION_UPDATE", spaceResource(space), "manage its members");
  // Whoever sees a space belongs to its organization (or administers the account): its name is theirs to read.
  const organizationName = (await findOrganization(db, space.organization_id))?.name ?? "";
  return { scope, id, name: space.name, organizationName, organizationId: space.organization_id, target: auditTarget("Space", id) };
}

/** The checks that must still hold when an upsert commits; each takes a row lock. */
async function checkUpsert(tx: Db, target: Scope, userId: number, role: MemberRole): Promise<void> {
  const user = await lockHumanUser(tx, userId);
  if (!user) throw userNotFound(userId);
  if (user.status === "inactive") {
    throw new ProblemError("INVALID_STATE", { detail: "this user is deleted and cannot be given roles" });
  }
  const live = await lockLive(tx, target.scope === "organization" ? "organizations" : "spaces", target.id);
  if (!live) throw target.scope === "organization" ? organizationNotFound(target.id) : spaceNotFound(target.id);
  if (target.scope === "space" && !(await lockMembership(tx, "organization", target.organizationId, userId))) {
    throw new ProblemError("INVALID_STATE", {
      detail: `the space's organization (${target.organizationName}) does not include this user; add them to it first`,
    });
  }
  const conflict = annotatorConflict(user.role, role);
  if (conflict) throw new ProblemError("INVALID_STATE", { detail: conflict });
}

/** POST /v2/{organizations|spaces}/{id}/users: adds the user, or sets the user's role (upsert). */
export async function upsertMember(
  deps: FeatureDeps,
  actor: Actor,
  scope: MembershipScope,
  scopeId: number,
  input: { userId: number; role: MemberRole },
): Promise<MembershipRow> {
  const target = await resolveScope(deps, actor, scope, scopeId, true);
  // A user the caller may not see is 404 like a missing id. Into an organization, a
  // visible user the caller administers nowhere is 403; into a space, the user must
  // already be a member of its organization (422 below), so seeing them is enough.
  const principal = actor.caller.principal;
  const user = await visibleUser(deps.store.db, principal, input.userId);
  if (scope === "organization") await requireAdministeredUser(deps.store.db, principal, user);
  const now = deps.now();
  return deps.store.transaction(async (tx) => {
    await checkUpsert(tx, target, input.userId, input.role);
    const previous = await findMembership(tx, scope, scopeId, input.userId);
    const membership = await upsertMembership(tx, {
      user_id: input.userId,
      scope,
      scope_id: scopeId,
      organization_id: target.organizationId,
      role: input.role,
      created_at: now,
    });
    await recordAudit(tx, {
      actor,
      at: now,
      action: "membership.upserted",
      targets: [auditTarget("Membership", membership.id), auditTarget("User", input.userId), target.target],
      details: {
        scope,
        role: input.role,
        previous_role: previous?.role ?? null,
      },
    });
    return membership;
  });
}

/**
 * DELETE /v2/{organizations|spaces}/{id}/users/{user_id}. Leaving an
 * organization also ends the user's memberships of its spaces and role
 * bindings in it, since both need the organization's membership.
 */
export async function removeMember(
  deps: FeatureDeps,
  actor: Actor,
  scope: MembershipScope,
  scopeId: number,
  userId: number,
): Promise<void> {
  const target = await resolveScope(deps, actor, scope, scopeId, true);
  // One answer for a missing user, a bot user, a deleted user and a non-member alike:
  // the route does not tell which user ids exist.
  const notMember = () =>
    new ProblemError("NOT_FOUND", { detail: `user ${encodeId("User", userId)} is not a member of the ${scope} "${target.name}"` });
  if (!(await findHumanUser(deps.store.db, userId))) throw notMember();
  const now = deps.now();
  await deps.store.transaction(async (tx) => {
    const removed = await deleteMembership(tx, scope, scopeId, userId);
    if (!removed) throw notMember();
    const spaces = scope === "organization" ? await deleteSpaceMembershipsIn(tx, scopeId, userId) : [];
    const spaceIds = spaces.map((m) => encodeId("Space", m.scope_id));
    // A binding needs its user in the resource's organization (SPEC §12): leaving it ends them.
    const bindings = scope === "organization" ? await deleteBindingsWhere(tx, { userId, organizationId: scopeId }) : [];
    await recordAudit(tx, {
      actor,
      at: now,
      action: "membership.removed",
      targets: [
        auditTarget("Membership", removed.id),
        auditTarget("User", userId),
        target.target,
        ...spaces.map((m) => auditTarget("Space", m.scope_id)),
      ],
      details: {
        scope,
        role: removed.role,
        ...(scope === "organization"
          ? { removed_space_ids: spaceIds, removed_role_binding_ids: bindings.map((b) => encodeId("RoleBinding", b.id)) }
          : {}),
      },
    });
  });
}

/** GET /v2/{organizations|spaces}/{id}/users (extension): the human members, newest first. */
export async function listMembers(
  deps: FeatureDeps,
  actor: Actor,
  scope: MembershipScope,
  scopeId: number,
  page: { limit: number; cursor: string | undefined },
): Promise<Page<MembershipRow>> {
  await resolveScope(deps, actor, scope, scopeId, false);
  return readPage(
    deps.cursors,
    { ...page, filters: { list: `${scope}-members`, caller: actor.caller.principal.userId, scope_id: scopeId } },
    (after) => listMemberships(deps.store.db, { scope, scopeId, after, limit: page.limit }),
    (row) => row.created_at,
  );
}
