import { encodeId } from "../http/ids.js";
import { ProblemError } from "../http/problem.js";
import { findOrganization, findSpace, type OrganizationRow, type SpaceRow, type UserRow } from "../store/queries/identity.js";
import { findProject, type ProjectRow } from "../store/queries/projects.js";
import { findHumanUser, sharesOrganization } from "../store/queries/users.js";
import type { Db } from "../store/store.js";
import type { Permission } from "./catalog.js";
import {
  holds,
  holdsAny,
  isAccountAdmin,
  mayUseApi,
  organizationResource,
  projectResource,
  spaceResource,
  spacesWhere,
  type Resource,
} from "./engine.js";
import type { Principal } from "./permissions.js";

/**
 * The access gates of every feature (docs/identity.md). Something the caller
 * may not see answers 404 like something that does not exist; something the
 * caller sees but may not change answers 403.
 */

/** Refuses callers without the developer flag (account admins pass). */
export function requireApiAccess(principal: Principal): void {
  if (!mayUseApi(principal)) {
    throw new ProblemError("DEVELOPER_ACCESS_REQUIRED", {
      detail: "this user does not have developer access; ask an account admin to enable it",
    });
  }
}

/** For what no permission names (roles, audit, links, keys for others): account admins only. */
export function requireAccountAdmin(principal: Principal, what: string): void {
  if (!isAccountAdmin(principal)) throw new ProblemError("FORBIDDEN", { detail: `only account admins may ${what}` });
}

const WHERE: Record<Resource["type"], string> = {
  account: "your account role does",
  organization: "your role in this organization does",
  space: "your roles in this space do",
  project: "your roles on this project do",
};

/** Refuses (403) a principal that does not hold `permission` on `resource` (the permission engine, engine.ts). */
export function requirePermission(principal: Principal, permission: Permission, resource: Resource, what: string): void {
  if (!holds(principal, permission, resource)) {
    throw new ProblemError("FORBIDDEN", { detail: `${WHERE[resource.type]} not allow you to ${what} (it needs ${permission})` });
  }
}

/** A live organization the principal holds a role in (account admins: any). */
export async function visibleOrganization(db: Db, principal: Principal, id: number): Promise<OrganizationRow> {
  const organization = await findOrganization(db, id);
  if (!organization || !holdsAny(principal, organizationResource(id))) throw organizationNotFound(id);
  return organization;
}

/**
 * A live space the principal holds a role in (admins of its organization: any of
 * its spaces), or 404 worded exactly as for a space that does not exist: every
 * route that takes a space id (key lists and creation included) resolves it
 * here, so none tells an outsider that the space exists.
 */
export async function visibleSpace(db: Db, principal: Principal, id: number): Promise<SpaceRow> {
  const space = await findSpace(db, id);
  if (!space || !holdsAny(principal, spaceResource(space))) throw spaceNotFound(id);
  return space;
}

/**
 * A live project the principal holds any permission on (a restricted one: only
 * space admins and those bound on it), or 404 worded exactly as for a project
 * that does not exist. Returns the project and its space.
 */
export async function visibleProject(db: Db, principal: Principal, id: number): Promise<{ project: ProjectRow; space: SpaceRow }> {
  const project = await findProject(db, id);
  const space = project && (await findSpace(db, project.space_id));
  if (!project || !space || !holdsAny(principal, projectResource(project, space))) throw projectNotFound(id);
  return { project, space };
}

/**
 * Which spaces a principal sees (visibleSpace's rule, as list filters), or with
 * `permission` those where it holds it. Undefined for account admins: every space.
 */
export function spaceScope(principal: Principal, permission?: Permission): { organizationIds: number[]; spaceIds: number[] } | undefined {
  return spacesWhere(principal, permission);
}

export function projectNotFound(id: number): ProblemError {
  return new ProblemError("NOT_FOUND", { detail: `project ${encodeId("Project", id)} does not exist` });
}

export function organizationNotFound(id: number): ProblemError {
  return new ProblemError("NOT_FOUND", { detail: `organization ${encodeId("Organization", id)} does not exist` });
}

export function spaceNotFound(id: number): ProblemError {
  return new ProblemError("NOT_FOUND", { detail: `space ${encodeId("Space", id)} does not exist` });
}

export function userNotFound(id: number): ProblemError {
  return new ProblemError("NOT_FOUND", { detail: `user ${encodeId("User", id)} does not exist` });
}

/** The organizations the principal belongs to (any role). */
function organizationsOf(principal: Principal): number[] {
  return [...principal.organizationRoles.keys()];
}

/** The organizations whose members the principal manages (USER_PERMISSION_UPDATE there; account admins are handled apart). */
function organizationsAdministeredBy(principal: Principal): number[] {
  return organizationsOf(principal).filter((id) => holds(principal, "USER_PERMISSION_UPDATE", organizationResource(id)));
}

/**
 * A human user the principal may see, or 404 worded exactly as for an id that
 * does not exist (docs/identity.md, "Users across organizations"): account
 * admins see every human user; others see themselves and the members of the
 * organizations they belong to.
 */
export async function visibleUser(db: Db, principal: Principal, id: number): Promise<UserRow> {
  const user = await requireHumanUser(db, id);
  if (isAccountAdmin(principal) || user.id === principal.userId) return user;
  if (!(await sharesOrganization(db, user.id, organizationsOf(principal)))) throw userNotFound(id);
  return user;
}

/**
 * Refuses (403) adding a visible user to an organization or space when the user
 * belongs to none of the organizations the principal administers: an
 * organization admin cannot pull a user it only knows from elsewhere into its
 * organization (where its members would then see them). Account admins may add anyone.
 */
export async function requireAdministeredUser(db: Db, principal: Principal, user: UserRow): Promise<void> {
  if (isAccountAdmin(principal) || user.id === principal.userId) return;
  if (await sharesOrganization(db, user.id, organizationsAdministeredBy(principal))) return;
  throw new ProblemError("FORBIDDEN", {
    detail: `the user "${user.name}" belongs to none of the organizations you administer; only account admins may add them`,
  });
}

/**
 * A human user who is not deleted, or 404: bot users are not users on the wire,
 * and a deleted user is gone from the API (SPEC §1; the row stays for the audit trail).
 */
export async function requireHumanUser(db: Db, id: number): Promise<UserRow> {
  const user = await findHumanUser(db, id);
  if (!user || user.status === "inactive") throw userNotFound(id);
  return user;
}
