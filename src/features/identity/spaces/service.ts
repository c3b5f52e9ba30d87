import type { FeatureDeps } from "../../../auth/deps.js";
import type { Actor } from "../../../auth/actor.js";
import { auditTarget, recordAudit } from "../../audit/index.js";
import { encodeId } from "../../../http/ids.js";
import { readPage, type Page } from "../../../store/page.js";
import { ProblemError } from "../../../http/problem.js";
import { insertSpace, type SpaceRow } from "../../../store/queries/identity.js";
import { deleteMembershipsOf } from "../../../store/queries/memberships.js";
import { softDeleteProjects } from "../../../store/queries/projects.js";
import { deleteRestrictions } from "../../../store/queries/restrictions.js";
import { deleteBindingsWhere } from "../../../store/queries/role-bindings.js";
import { lockLive, softDelete } from "../../../store/queries/soft-delete.js";
import { countWorkingKeysInSpace, findSpaceByName, listSpaces } from "../../../store/queries/spaces.js";
import {
  organizationNotFound,
  requirePermission,
  spaceScope,
  spaceNotFound,
  visibleOrganization,
  visibleSpace,
  requireApiAccess,
} from "../../../auth/access.js";
import { countOf, patchNamed, requireChange, requireNotBlank, writeUnique, type NamedPatch } from "../common/index.js";
import { organizationResource } from "../../../auth/engine.js";
import type { Principal } from "../../../auth/permissions.js";

function nameTaken(name: string): ProblemError {
  return new ProblemError("CONFLICT", {
    detail: `a space named "${name}" already exists in this organization (names are compared case-insensitively)`,
  });
}

export interface SpaceFilters {
  organizationId: number | undefined;
  name: string | undefined;
}

/** The spaces a principal sees: those it holds any permission on or in (the permission engine). */
function visibility(principal: Principal): { organizationIds: number[]; spaceIds: number[] } | undefined {
  return spaceScope(principal);
}

/** GET /v2/spaces: visible spaces, filtered by organization and by a case-insensitive substring of the name. */
export async function listVisibleSpaces(
  deps: FeatureDeps,
  actor: Actor,
  filters: SpaceFilters,
  page: { limit: number; cursor: string | undefined },
): Promise<Page<SpaceRow>> {
  const principal = actor.caller.principal;
  requireApiAccess(principal);
  return readPage(
    deps.cursors,
    { ...page, filters: { list: "spaces", caller: principal.userId, org_id: filters.organizationId, name: filters.name } },
    (after) =>
      listSpaces(deps.store.db, {
        organizationId: filters.organizationId,
        name: filters.name,
        visible: visibility(principal),
        after,
        limit: page.limit,
      }),
    (row) => row.created_at,
  );
}

export async function getSpace(deps: FeatureDeps, actor: Actor, id: number): Promise<SpaceRow> {
  requireApiAccess(actor.caller.principal);
  return visibleSpace(deps.store.db, actor.caller.principal, id);
}

/** POST /v2/spaces: admins of the organization; names are unique in the organization. */
export async function createSpace(
  deps: FeatureDeps,
  actor: Actor,
  input: { name: string; description: string; organizationId: number },
): Promise<SpaceRow> {
  const principal = actor.caller.principal;
  requireApiAccess(principal);
  requireNotBlank(input.name);
  const organization = await visibleOrganization(deps.store.db, principal, input.organizationId);
  requirePermission(principal, "SPACE_CREATE", organizationResource(organization.id), "create spaces in it");
  if (await findSpaceByName(deps.store.db, organization.id, input.name)) throw nameTaken(input.name);
  const now = deps.now();
  return writeUnique(
    deps.store,
    () => nameTaken(input.name),
    async (tx) => {
      if (!(await lockLive(tx, "organizations", organization.id))) throw organizationNotFound(organization.id);
      const space = await insertSpace(tx, {
        organization_id: organization.id,
        name: input.name,
        description: input.description,
        created_at: now,
      });
      await recordAudit(tx, {
        actor,
        at: now,
        action: "space.created",
        targets: [auditTarget("Space", space.id), auditTarget("Organization", organization.id)],
        details: { name: input.name },
      });
      return space;
    },
  );
}

/** PATCH /v2/spaces/{id}: admins of the space's organization. */
export async function updateSpace(deps: FeatureDeps, actor: Actor, id: number, patch: NamedPatch): Promise<SpaceRow> {
  const principal = actor.caller.principal;
  requireApiAccess(principal);
  requireChange(patch);
  const current = await visibleSpace(deps.store.db, principal, id);
  requirePermission(principal, "SPACE_UPDATE", organizationResource(current.organization_id), "change its spaces");
  return patchNamed(
    deps,
    actor,
    {
      table: "spaces",
      current,
      target: auditTarget("Space", id),
      action: "space.updated",
      holderOf: (name) => findSpaceByName(deps.store.db, current.organization_id, name),
      nameTaken,
      gone: () => spaceNotFound(id),
    },
    patch,
  );
}

/**
 * DELETE /v2/spaces/{id}: admins of the space's organization. Refused (422)
 * while service keys of the space still work; its memberships, its projects
 * and every role binding and restriction in it go with it.
 */
export async function deleteSpace(deps: FeatureDeps, actor: Actor, id: number): Promise<void> {
  const principal = actor.caller.principal;
  requireApiAccess(principal);
  const space = await visibleSpace(deps.store.db, principal, id);
  requirePermission(principal, "SPACE_DELETE", organizationResource(space.organization_id), "delete its spaces");
  const now = deps.now();
  await deps.store.transaction(async (tx) => {
    if (!(await softDelete(tx, "spaces", id, now))) throw spaceNotFound(id);
    const working = await countWorkingKeysInSpace(tx, id, now);
    if (working > 0) {
      throw new ProblemError("INVALID_STATE", {
        detail: `the space "${space.name}" still has ${countOf(working, "working service key")}; delete them (or let them expire) first`,
      });
    }
    const removed = await deleteMembershipsOf(tx, "space", id);
    // Its projects go with it, and with them every binding and restriction in the space.
    const projectIds = await softDeleteProjects(tx, { spaceId: id }, now);
    await deleteRestrictions(tx, projectIds);
    const bindings = await deleteBindingsWhere(tx, { spaceId: id });
    await recordAudit(tx, {
      actor,
      at: now,
      action: "space.deleted",
      targets: [auditTarget("Space", id), auditTarget("Organization", space.organization_id)],
      details: {
        name: space.name,
        removed_memberships: removed,
        deleted_project_ids: projectIds.map((projectId) => encodeId("Project", projectId)),
        removed_role_binding_ids: bindings.map((binding) => encodeId("RoleBinding", binding.id)),
      },
    });
  });
}
