import type { Actor } from "../../auth/actor.js";
import type { FeatureDeps } from "../../auth/deps.js";
import { projectNotFound, requireApiAccess, requirePermission, visibleProject } from "../../auth/access.js";
import { projectResource, projectScope } from "../../auth/engine.js";
import { encodeId } from "../../http/ids.js";
import { ProblemError } from "../../http/problem.js";
import { lockLive } from "../../store/queries/soft-delete.js";
import { readPage, type Page } from "../../store/page.js";
import { deleteRestrictions, insertRestriction, listRestrictions, type RestrictionRow } from "../../store/queries/restrictions.js";
import { auditTarget, recordAudit } from "../audit/index.js";

/** The project of a restriction route, checked for the caller: 404 unseen, 403 without PROJECT_RESTRICT on it (admins of its space). */
async function restrictable(deps: FeatureDeps, actor: Actor, projectId: number, what: string) {
  const principal = actor.caller.principal;
  requireApiAccess(principal);
  const found = await visibleProject(deps.store.db, principal, projectId);
  requirePermission(principal, "PROJECT_RESTRICT", projectResource(found.project, found.space), what);
  return found;
}

/**
 * POST /v2/resource-restrictions: restricts a project (admins of its space).
 * Idempotent, as Arize answers 200 and not 201: restricting a restricted
 * project answers its existing restriction and records nothing.
 */
export async function restrictProject(deps: FeatureDeps, actor: Actor, projectId: number): Promise<RestrictionRow> {
  const { space } = await restrictable(deps, actor, projectId, "restrict its projects");
  const now = deps.now();
  return deps.store.transaction(async (tx) => {
    if (!(await lockLive(tx, "projects", projectId))) throw projectNotFound(projectId);
    const { row, created } = await insertRestriction(tx, projectId, now);
    if (created) {
      await recordAudit(tx, {
        actor,
        at: now,
        action: "resource_restriction.created",
        targets: [auditTarget("Project", projectId), auditTarget("Space", space.id)],
        details: { resource_type: "PROJECT" },
      });
    }
    return row;
  });
}

/** DELETE /v2/resource-restrictions/{resource_id}: lifts a project's restriction; 404 when it has none. */
export async function unrestrictProject(deps: FeatureDeps, actor: Actor, projectId: number): Promise<void> {
  const { space } = await restrictable(deps, actor, projectId, "lift restrictions of its projects");
  const now = deps.now();
  await deps.store.transaction(async (tx) => {
    if ((await deleteRestrictions(tx, [projectId])).length === 0) {
      throw new ProblemError("NOT_FOUND", { detail: `project ${encodeId("Project", projectId)} is not restricted` });
    }
    await recordAudit(tx, {
      actor,
      at: now,
      action: "resource_restriction.deleted",
      targets: [auditTarget("Project", projectId), auditTarget("Space", space.id)],
      details: { resource_type: "PROJECT" },
    });
  });
}

/**
 * GET /v2/resource-restrictions: the restrictions of the projects the caller
 * sees (as GET /v2/projects: a restricted project hidden from it is left out), newest first.
 * `resource_type` has one value, PROJECT, so it filters nothing.
 */
export async function listVisibleRestrictions(
  deps: FeatureDeps,
  actor: Actor,
  page: { limit: number; cursor: string | undefined },
): Promise<Page<RestrictionRow>> {
  const principal = actor.caller.principal;
  requireApiAccess(principal);
  return readPage(
    deps.cursors,
    { ...page, filters: { list: "resource-restrictions", caller: principal.userId } },
    (after) => listRestrictions(deps.store.db, { visible: projectScope(principal), after, limit: page.limit }),
    (row) => row.created_at,
  );
}
