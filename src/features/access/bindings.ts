import type { Actor } from "../../auth/actor.js";
import type { FeatureDeps } from "../../auth/deps.js";
import {
  spaceScope,
  requireApiAccess,
  requirePermission,
  spaceNotFound,
  projectNotFound,
  userNotFound,
  visibleProject,
  visibleSpace,
  visibleUser,
} from "../../auth/access.js";
import { holds, projectResource, spaceResource, type Resource } from "../../auth/engine.js";
import type { Principal } from "../../auth/permissions.js";
import type { Permission } from "../../auth/catalog.js";
import { encodeId } from "../../http/ids.js";
import { ProblemError } from "../../http/problem.js";
import { readPage, type Page } from "../../store/page.js";
import { findOrganization, type SpaceRow } from "../../store/queries/identity.js";
import { lockMembership } from "../../store/queries/memberships.js";
import {
  deleteRoleBinding,
  findBindingOn,
  findRoleBinding,
  insertRoleBinding,
  listRoleBindings,
  rebindRole,
  type RoleBindingRow,
} from "../../store/queries/role-bindings.js";
import { lockRole } from "../../store/queries/roles.js";
import { lockLive } from "../../store/queries/soft-delete.js";
import { lockHumanUser } from "../../store/queries/users.js";
import type { BindingResourceType } from "../../store/schema.js";
import type { Db } from "../../store/store.js";
import { auditTarget, recordAudit, type AuditTarget } from "../audit/index.js";
import { writeUnique } from "../identity/index.js";
import { findAnyRole, roleNotFound } from "./roles.js";
import type { RoleRecord } from "./views.js";

/**
 * Role bindings are read (ROLE_BINDING_READ), changed (ROLE_BINDING_CREATE) and
 * deleted (ROLE_BINDING_DELETE) by who holds that permission on their resource:
 * admins of the space that is or holds it, and anyone a role bound there grants
 * it. Anyone else gets 404 for a binding and an empty list: Arize's binding
 * routes have no 403 but on create (docs/access-control.md).
 */
function mayManage(principal: Principal, row: RoleBindingRow, permission: Permission): boolean {
  const resource: Resource =
    row.resource_type === "SPACE"
      ? { type: "space", id: row.resource_id, organizationId: row.organization_id }
      : { type: "project", id: row.resource_id, spaceId: row.space_id, organizationId: row.organization_id };
  return holds(principal, permission, resource);
}

function bindingNotFound(id: number): ProblemError {
  return new ProblemError("NOT_FOUND", { detail: `role binding ${encodeId("RoleBinding", id)} does not exist` });
}

async function visibleBinding(db: Db, principal: Principal, id: number, permission: Permission): Promise<RoleBindingRow> {
  const row = await findRoleBinding(db, id);
  if (!row || !mayManage(principal, row, permission)) throw bindingNotFound(id);
  return row;
}

/** The resource of a binding, resolved and checked for the caller (404 unseen, 403 not its space's admin). */
interface BindingResource {
  type: BindingResourceType;
  id: number;
  space: SpaceRow;
  target: AuditTarget;
  noun: string;
}

async function resolveResource(db: Db, principal: Principal, type: BindingResourceType, id: number): Promise<BindingResource> {
  if (type === "SPACE") {
    const space = await visibleSpace(db, principal, id);
    requirePermission(principal, "ROLE_BINDING_CREATE", spaceResource(space), "grant roles on it");
    return { type, id, space, target: auditTarget("Space", id), noun: `space "${space.name}"` };
  }
  const { project, space } = await visibleProject(db, principal, id);
  requirePermission(principal, "ROLE_BINDING_CREATE", projectResource(project, space), "grant roles on it");
  return { type, id, space, target: auditTarget("Project", id), noun: `project "${project.name}"` };
}

async function resolveRole(db: Db, roleId: number): Promise<RoleRecord> {
  const role = await findAnyRole(db, roleId);
  if (!role) throw roleNotFound(roleId);
  return role;
}

/** Locks a custom role's row so it cannot be deleted before this binding commits; predefined roles always exist. */
async function lockBoundRole(tx: Db, role: RoleRecord): Promise<void> {
  if (!role.isPredefined && !(await lockRole(tx, role.id))) throw roleNotFound(role.id);
}

export interface BindingInput {
  roleId: number;
  userId: number;
  resourceType: BindingResourceType;
  resourceId: number;
}

/**
 * POST /v2/role-bindings: one binding per user per resource (409); the user
 * must be a member of the resource's organization (422).
 */
export async function createBinding(deps: FeatureDeps, actor: Actor, input: BindingInput): Promise<RoleBindingRow> {
  const principal = actor.caller.principal;
  requireApiAccess(principal);
  const db = deps.store.db;
  const resource = await resolveResource(db, principal, input.resourceType, input.resourceId);
  const role = await resolveRole(db, input.roleId);
  const user = await visibleUser(db, principal, input.userId);
  const organization = await findOrganization(db, resource.space.organization_id);
  const duplicate = () =>
    new ProblemError("CONFLICT", {
      detail: `"${user.name}" already holds a role on ${resource.noun}; change that binding's role instead (one binding per user per resource)`,
    });
  if (await findBindingOn(db, input.userId, input.resourceType, input.resourceId)) throw duplicate();
  const now = deps.now();
  return writeUnique(deps.store, duplicate, async (tx) => {
    const current = await lockHumanUser(tx, input.userId);
    if (!current || current.status === "inactive") throw userNotFound(input.userId);
    if (!(await lockMembership(tx, "organization", resource.space.organization_id, input.userId))) {
      throw new ProblemError("INVALID_STATE", {
        detail: `"${user.name}" is not a member of the organization "${organization?.name ?? "?"}", which holds ${resource.noun}; add them to the organization first`,
      });
    }
    const live = await lockLive(tx, resource.type === "SPACE" ? "spaces" : "projects", resource.id);
    if (!live) throw resource.type === "SPACE" ? spaceNotFound(resource.id) : projectNotFound(resource.id);
    await lockBoundRole(tx, role);
    const row = await insertRoleBinding(tx, {
      user_id: input.userId,
      role_id: role.id,
      resource_type: resource.type,
      resource_id: resource.id,
      space_id: resource.space.id,
      organization_id: resource.space.organization_id,
      created_at: now,
      updated_at: now,
    });
    await recordAudit(tx, {
      actor,
      at: now,
      action: "role_binding.created",
      targets: [auditTarget("RoleBinding", row.id), auditTarget("User", input.userId), auditTarget("Role", role.id), resource.target],
      details: { role: role.name, resource_type: resource.type },
    });
    return row;
  });
}

export async function getBinding(deps: FeatureDeps, actor: Actor, id: number): Promise<RoleBindingRow> {
  requireApiAccess(actor.caller.principal);
  return visibleBinding(deps.store.db, actor.caller.principal, id, "ROLE_BINDING_READ");
}

/** PATCH /v2/role-bindings/{id}: points the binding at another role. */
export async function changeBindingRole(deps: FeatureDeps, actor: Actor, id: number, roleId: number): Promise<RoleBindingRow> {
  const principal = actor.caller.principal;
  requireApiAccess(principal);
  const db = deps.store.db;
  const current = await visibleBinding(db, principal, id, "ROLE_BINDING_CREATE");
  const role = await resolveRole(db, roleId);
  const previous = await findAnyRole(db, current.role_id);
  const now = deps.now();
  return deps.store.transaction(async (tx) => {
    await lockBoundRole(tx, role);
    const row = await rebindRole(tx, id, role.id, now);
    if (!row) throw bindingNotFound(id);
    await recordAudit(tx, {
      actor,
      at: now,
      action: "role_binding.updated",
      targets: [auditTarget("RoleBinding", id), auditTarget("User", row.user_id), auditTarget("Role", role.id)],
      details: { before: { role: previous?.name ?? null }, after: { role: role.name } },
    });
    return row;
  });
}

/** DELETE /v2/role-bindings/{id}. */
export async function deleteBinding(deps: FeatureDeps, actor: Actor, id: number): Promise<void> {
  const principal = actor.caller.principal;
  requireApiAccess(principal);
  const db = deps.store.db;
  await visibleBinding(db, principal, id, "ROLE_BINDING_DELETE");
  const now = deps.now();
  await deps.store.transaction(async (tx) => {
    const row = await deleteRoleBinding(tx, id);
    if (!row) throw bindingNotFound(id);
    const role = await findAnyRole(tx, row.role_id);
    await recordAudit(tx, {
      actor,
      at: now,
      action: "role_binding.deleted",
      targets: [auditTarget("RoleBinding", id), auditTarget("User", row.user_id), auditTarget("Role", row.role_id)],
      details: { role: role?.name ?? null, resource_type: row.resource_type },
    });
  });
}

/** GET /v2/role-bindings: the bindings the caller manages, newest first. */
export async function listBindings(
  deps: FeatureDeps,
  actor: Actor,
  filters: { userId: number | undefined; resourceType: BindingResourceType | undefined },
  page: { limit: number; cursor: string | undefined },
): Promise<Page<RoleBindingRow>> {
  const principal = actor.caller.principal;
  requireApiAccess(principal);
  return readPage(
    deps.cursors,
    { ...page, filters: { list: "role-bindings", caller: principal.userId, user_id: filters.userId, resource_type: filters.resourceType } },
    (after) =>
      listRoleBindings(deps.store.db, { ...filters, visible: spaceScope(principal, "ROLE_BINDING_READ"), after, limit: page.limit }),
    (row) => row.created_at,
  );
}
