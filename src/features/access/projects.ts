import type { Actor } from "../../auth/actor.js";
import type { FeatureDeps } from "../../auth/deps.js";
import { projectNotFound, requireApiAccess, requirePermission, spaceNotFound, visibleProject } from "../../auth/access.js";
import { holdsAny, projectResource, projectScope, spaceResource } from "../../auth/engine.js";
import { encodeId } from "../../http/ids.js";
import { ProblemError } from "../../http/problem.js";
import type { Principal } from "../../auth/permissions.js";
import { readPage, type Page } from "../../store/page.js";
import { findSpace, type SpaceRow } from "../../store/queries/identity.js";
import {
  findProjectByName,
  insertProject,
  listProjects,
  renameProject,
  softDeleteProjects,
  spaceIdsNamed,
  type ProjectRow,
} from "../../store/queries/projects.js";
import { deleteRestrictions } from "../../store/queries/restrictions.js";
import { deleteBindingsWhere } from "../../store/queries/role-bindings.js";
import { lockLive } from "../../store/queries/soft-delete.js";
import { auditTarget, recordAudit } from "../audit/index.js";
import { requireNotBlank, writeUnique } from "../identity/index.js";

function nameTaken(name: string, status: "CONFLICT" | "INVALID_STATE" = "CONFLICT"): ProblemError {
  return new ProblemError(status, {
    detail: `a project named "${name}" already exists in this space (names are compared case-insensitively)`,
  });
}

export interface ProjectFilters {
  spaceId: number | undefined;
  spaceName: string | undefined;
  name: string | undefined;
}

/** GET /v2/projects: projects of the spaces the caller sees, newest first. */
export async function listVisibleProjects(
  deps: FeatureDeps,
  actor: Actor,
  filters: ProjectFilters,
  page: { limit: number; cursor: string | undefined },
): Promise<Page<ProjectRow>> {
  const principal = actor.caller.principal;
  requireApiAccess(principal);
  const db = deps.store.db;
  // A filter, not a lookup: a space the caller cannot see (or that does not
  // exist) selects nothing, which tells nothing (Arize's list has no 404).
  let spaceIds = filters.spaceId === undefined ? undefined : [filters.spaceId];
  if (filters.spaceName !== undefined) {
    const named = await spaceIdsNamed(db, filters.spaceName);
    spaceIds = spaceIds === undefined ? named : spaceIds.filter((id) => named.includes(id));
  }
  return readPage(
    deps.cursors,
    {
      ...page,
      filters: { list: "projects", caller: principal.userId, space_id: filters.spaceId, space_name: filters.spaceName, name: filters.name },
    },
    (after) => listProjects(db, { spaceIds, name: filters.name, visible: projectScope(principal), after, limit: page.limit }),
    (row) => row.created_at,
  );
}

export async function getProject(deps: FeatureDeps, actor: Actor, id: number): Promise<ProjectRow> {
  requireApiAccess(actor.caller.principal);
  return (await visibleProject(deps.store.db, actor.caller.principal, id)).project;
}

/**
 * The space a project is created in. One the caller cannot see answers like
 * one that does not exist, with 422 and not 404: Arize's create lists no 404
 * (its space is a body member, not the resource of the route).
 */
async function spaceForCreate(deps: FeatureDeps, principal: Principal, spaceId: number): Promise<SpaceRow> {
  const space = await findSpace(deps.store.db, spaceId);
  if (!space || !holdsAny(principal, spaceResource(space))) {
    throw new ProblemError("INVALID_STATE", { detail: 'body "space_id" names no space you can see' });
  }
  return space;
}

/** POST /v2/projects: PROJECT_CREATE on the space (admin, member, or a role bound there); names unique in the space (409). */
export async function createProject(deps: FeatureDeps, actor: Actor, input: { name: string; spaceId: number }): Promise<ProjectRow> {
  const principal = actor.caller.principal;
  requireApiAccess(principal);
  requireNotBlank(input.name);
  const space = await spaceForCreate(deps, principal, input.spaceId);
  requirePermission(principal, "PROJECT_CREATE", spaceResource(space), "create projects in it");
  if (await findProjectByName(deps.store.db, space.id, input.name)) throw nameTaken(input.name);
  const now = deps.now();
  return writeUnique(
    deps.store,
    () => nameTaken(input.name),
    async (tx) => {
      if (!(await lockLive(tx, "spaces", space.id))) throw spaceNotFound(space.id);
      const project = await insertProject(tx, { space_id: space.id, name: input.name, created_at: now, updated_at: now });
      await recordAudit(tx, {
        actor,
        at: now,
        action: "project.created",
        targets: [auditTarget("Project", project.id), auditTarget("Space", space.id)],
        details: { name: input.name },
      });
      return project;
    },
  );
}

/**
 * PATCH /v2/projects/{id}: renames; PROJECT_UPDATE on the project. A name another
 * project of the space holds is 422 here (Arize's update has no 409; create's is 409).
 */
export async function updateProject(deps: FeatureDeps, actor: Actor, id: number, name: string): Promise<ProjectRow> {
  const principal = actor.caller.principal;
  requireApiAccess(principal);
  requireNotBlank(name);
  const { project, space } = await visibleProject(deps.store.db, principal, id);
  requirePermission(principal, "PROJECT_UPDATE", projectResource(project, space), "rename it");
  const holder = await findProjectByName(deps.store.db, space.id, name);
  if (holder && holder.id !== id) throw nameTaken(name, "INVALID_STATE");
  const now = deps.now();
  return writeUnique(
    deps.store,
    () => nameTaken(name, "INVALID_STATE"),
    async (tx) => {
      const updated = await renameProject(tx, id, name, now);
      if (!updated) throw projectNotFound(id);
      await recordAudit(tx, {
        actor,
        at: now,
        action: "project.updated",
        targets: [auditTarget("Project", id), auditTarget("Space", space.id)],
        details: { before: { name: project.name }, after: { name } },
      });
      return updated;
    },
  );
}

/** DELETE /v2/projects/{id}: PROJECT_DELETE on the project; its role bindings and its restriction go with it. */
export async function deleteProject(deps: FeatureDeps, actor: Actor, id: number): Promise<void> {
  const principal = actor.caller.principal;
  requireApiAccess(principal);
  const { project, space } = await visibleProject(deps.store.db, principal, id);
  requirePermission(principal, "PROJECT_DELETE", projectResource(project, space), "delete it");
  const now = deps.now();
  await deps.store.transaction(async (tx) => {
    if ((await softDeleteProjects(tx, { id }, now)).length === 0) throw projectNotFound(id);
    const bindings = await deleteBindingsWhere(tx, { projectId: id });
    const restricted = (await deleteRestrictions(tx, [id])).length > 0;
    await recordAudit(tx, {
      actor,
      at: now,
      action: "project.deleted",
      targets: [auditTarget("Project", id), auditTarget("Space", space.id)],
      details: {
        name: project.name,
        removed_role_binding_ids: bindings.map((b) => encodeId("RoleBinding", b.id)),
        was_restricted: restricted,
      },
    });
  });
}
