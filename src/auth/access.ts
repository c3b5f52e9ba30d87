import { encodeId } from "../http/ids.js";
import { ProblemError } from "../http/problem.js";
import { findOrganization, findSpace, type OrganizationRow, type SpaceRow, type UserRow } from "../store/queries/identity.js";
import { findProject, type ProjectRow } from "../store/queries/projects.js";
import { findHumanUser, sharesOrganization } from "../store/queries/users.js";
import type { Db } from "../store/store.js";
import { predefinedGrants, type Permission } from "./catalog.js";
import { isAccountAdmin, mayUseApi, organizationRole, spaceRole, type Principal } from "./permissions.js";

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

export function requireAccountAdmin(principal: Principal, what: string): void {
  if (!isAccountAdmin(principal)) throw new ProblemError("FORBIDDEN", { detail: `only account admins may ${what}` });
}

/** A live organization the principal holds a role in (account admins: any). */
export async function visibleOrganization(db: Db, principal: Principal, id: number): Promise<OrganizationRow> {
  const organization = await findOrganization(db, id);
  if (!organization || organizationRole(principal, id) === undefined) throw organizationNotFound(id);
  return organization;
}

export function requireOrganizationAdmin(principal: Principal, organizationId: number, what: string): void {
  if (organizationRole(principal, organizationId) !== "admin") {
    throw new ProblemError("FORBIDDEN", { detail: `only admins of the organization may ${what}` });
  }
}

/**
 * A live space the principal holds a role in (admins of its organization: any of
 * its spaces), or 404 worded exactly as for a space that does not exist: every
 * route that takes a space id (key lists and creation included) resolves it
 * here, so none tells an outsider that the space exists.
 */
export async function visibleSpace(db: Db, principal: Principal, id: number): Promise<SpaceRow> {
  const space = await findSpace(db, id);
  if (!space || spaceRole(principal, space) === undefined) throw spaceNotFound(id);
  return space;
}

export function requireSpaceAdmin(principal: Principal, space: SpaceRow, what: string): void {
  if (spaceRole(principal, space) !== "admin") throw new ProblemError("FORBIDDEN", { detail: `only admins of the space may ${what}` });
}

/**
 * A live project in a space the principal sees (visibleSpace), or 404 worded
 * exactly as for a project that does not exist. Returns the project and its space.
 */
export async function visibleProject(db: Db, principal: Principal, id: number): Promise<{ project: ProjectRow; space: SpaceRow }> {
  const project = await findProject(db, id);
  const space = project && (await findSpace(db, project.space_id));
  if (!project || !space || spaceRole(principal, space) === undefined) throw projectNotFound(id);
  return { project, space };
}

/**
 * Refuses (403) a principal whose role in the space does not grant `permission`
 * (the predefined roles' sets, src/auth/catalog.ts). Bindings and restrictions
 * do not count yet: the permission engine will read them (docs/access-control.md).
 */
export function requireSpacePermission(principal: Principal, space: SpaceRow, permission: Permission, what: string): void {
  if (!predefinedGrants(spaceRole(principal, space), permission)) {
    throw new ProblemError("FORBIDDEN", { detail: `your role in this space does not allow you to ${what} (it needs ${permission})` });
  }
}

/**
 * Which spaces a principal sees (visibleSpace's rule, as list filters): those of
 * the organizations it administers, and those it holds a role in (with
 * `adminOnly`: an admin role). Undefined for account admins: every space.
 */
export function spaceScope(principal: Principal, adminOnly = false): { organizationIds: number[]; spaceIds: number[] } | undefined {
  if (isAccountAdmin(principal)) return undefined;
  return {
    organizationIds: organizationsAdministeredBy(principal),
    spaceIds: [...principal.spaceRoles].filter(([, role]) => !adminOnly || role === "admin").map(([id]) => id),
  };
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

/** The organizations the principal is an admin of (through a membership; account admins are handled apart). */
function organizationsAdministeredBy(principal: Principal): number[] {
  return [...principal.organizationRoles].filter(([, role]) => role === "admin").map(([id]) => id);
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
