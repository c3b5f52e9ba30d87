import { encodeId } from "../http/ids.js";
import { ProblemError } from "../http/problem.js";
import { findOrganization, findSpace, type OrganizationRow, type SpaceRow, type UserRow } from "../store/queries/identity.js";
import { findHumanUser } from "../store/queries/users.js";
import type { Db } from "../store/store.js";
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

/** A live space, whoever may see it, or 404 (callers check the role they need in it). */
export async function requireSpace(db: Db, id: number): Promise<SpaceRow> {
  const space = await findSpace(db, id);
  if (!space) throw spaceNotFound(id);
  return space;
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

/** A live space the principal holds a role in (admins of its organization: any of its spaces). */
export async function visibleSpace(db: Db, principal: Principal, id: number): Promise<SpaceRow> {
  const space = await findSpace(db, id);
  if (!space || spaceRole(principal, space) === undefined) throw spaceNotFound(id);
  return space;
}

export function requireSpaceAdmin(principal: Principal, space: SpaceRow, what: string): void {
  if (spaceRole(principal, space) !== "admin") throw new ProblemError("FORBIDDEN", { detail: `only admins of the space may ${what}` });
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

/** A human user (bot users are not users on the wire), or 404. */
export async function requireHumanUser(db: Db, id: number): Promise<UserRow> {
  const user = await findHumanUser(db, id);
  if (!user) throw userNotFound(id);
  return user;
}
